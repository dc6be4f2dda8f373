// Publications end to end: the operator creates a section and publications in the
// SPA; a school sees the tab counters, opens, searches, stars and reads the news.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE_URL, DEMO_PASSWORD, screenshot, logIn, assertAccessible, withBrowser } from "./browser.mjs";

let page;

withBrowser(async (opened) => {
  ({ page } = opened);
  await page.goto(BASE_URL);
});

async function newPublication({ title, body, news }) {
  await page.getByRole("link", { name: "Новая публикация" }).click();
  await page.locator("#pub-section").selectOption({ label: "ВПР СПО" });
  await page.getByLabel("Название*").fill(title);
  await page.getByLabel("Текст (Markdown)").fill(body);
  await page.getByLabel("Дата публикации (мск)*").fill("30.08.2021 20:41");
  if (news) await page.getByLabel("Показывать в новостях").check();
  // A double click publishes once (checked by the list below having one of each).
  await page.getByRole("button", { name: "Опубликовать" }).dblclick();
  await page.getByRole("heading", { name: title }).waitFor();
  assert.match(new URL(page.url()).pathname, /^\/publications\/[0-9a-f-]{36}$/);
}

test("the operator creates a section and publications, with a safe preview", async () => {
  await logIn(page, "admin", DEMO_PASSWORD);
  await page.getByTestId("user-login").getByText("admin").waitFor();
  await page.getByLabel("Название нового раздела").fill("ВПР СПО");
  await page.getByRole("button", { name: "Добавить раздел" }).click();
  await page.getByText("Раздел «ВПР СПО» добавлен").waitFor();

  await page.getByRole("link", { name: "Новая публикация" }).click();
  await page.getByRole("button", { name: "Опубликовать" }).click();
  await page.getByRole("alert").getByText("Укажите дату публикации").waitFor();
  // The error summary at the top takes the focus; its link puts the cursor in the field.
  await page.waitForFunction(() => document.activeElement?.classList.contains("error-summary"));
  await page.getByRole("link", { name: "Укажите дату публикации" }).click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), "pub-date");
  // Filling the date takes its problem away at once.
  await page.getByLabel("Дата публикации (мск)*").fill("30.08.2021 20:41");
  await page.getByText("Укажите дату публикации").waitFor({ state: "detached" });
  await page.getByLabel("Текст (Markdown)").fill("**Жирный** <script>window.__xss = 1</script>");
  await page.getByText("Предпросмотр").click();
  assert.equal(await page.locator(".publication-body strong").innerText(), "Жирный");
  await screenshot(page, "10-publication-editor");
  await assertAccessible(page, "the publication editor with its problem");
  await page.getByRole("link", { name: "Обмен данными" }).click();

  await newPublication({
    title: "Сбор данных об участниках ВПР СПО",
    body: "Заполните форму до **7 сентября**. <script>window.__xss = 1</script>",
  });
  await page.getByRole("link", { name: "Обмен данными" }).first().click();
  await newPublication({ title: "Расписание проведения ВПР СПО", body: "Расписание в файле.", news: true });
  await screenshot(page, "11-publication-permalink");
  await page.getByRole("button", { name: "Выйти" }).click();
});

test("a school sees the counters, opens a publication and the new counter drops", async () => {
  await logIn(page, "sch240001", DEMO_PASSWORD);
  const tab = page.getByRole("tab", { name: /ВПР СПО/ });
  await tab.getByText("+2").waitFor();
  assert.equal(await tab.locator(".count").innerText(), "2");
  // Other tests' sections may come first: open this one as a person would.
  await tab.click();
  await page.getByText("30 авг. 2021 (понедельник)").first().waitFor();
  await screenshot(page, "12-sections-with-counters");
  await assertAccessible(page, "«Обмен данными» of a school");

  await page.getByRole("button", { name: /Сбор данных об участниках ВПР СПО/ }).click();
  const body = page.locator(".publication-body").first();
  await body.getByText("7 сентября").waitFor();
  assert.match(await body.innerText(), /<script>window.__xss = 1<\/script>/);
  assert.equal(await page.evaluate(() => window.__xss), undefined, "no script ran");
  await tab.getByText("+1").waitFor();
  await screenshot(page, "13-publication-opened");
});

test("search by title, stars and news narrow what the school sees", async () => {
  await page.getByLabel("Поиск по названию").fill("СБОР");
  await page.getByRole("button", { name: "Искать" }).click();
  await page.locator("li.publication").filter({ hasText: "Расписание" }).waitFor({ state: "detached" });
  assert.equal(await page.locator("li.publication").count(), 1);

  await page.getByRole("button", { name: "☆ В избранное" }).click();
  await page.getByRole("button", { name: "★ В избранном" }).waitFor();
  const starredTab = page.getByRole("tab", { name: /Избранные публикации/ });
  await starredTab.locator(".count").getByText("1").waitFor();
  await starredTab.click();
  await page.getByLabel("Поиск по названию").fill("");
  await page.getByRole("button", { name: "Искать" }).click();
  await page.locator("li.publication").first().getByText("Сбор данных об участниках ВПР СПО").waitFor();
  assert.equal(await page.locator("li.publication").count(), 1);
  await screenshot(page, "14-starred");

  await page.getByRole("button", { name: "Показать новости" }).click();
  const news = page.getByRole("region", { name: "Новости" });
  await news.getByText("Расписание проведения ВПР СПО").waitFor();
  assert.equal(await news.locator("li.publication").count(), 1);
  await screenshot(page, "15-news");
});

test("a permalink opens the publication after a reload", async () => {
  await page.getByRole("button", { name: "Скрыть новости" }).click();
  await page.locator("a.permalink").first().click();
  await page.getByRole("heading", { name: "Сбор данных об участниках ВПР СПО" }).waitFor();
  await page.reload();
  await page.getByRole("heading", { name: "Сбор данных об участниках ВПР СПО" }).waitFor();
  await page.getByText("7 сентября").waitFor();
});

test("a long section pages through its publications", async () => {
  const api = async (path, init = {}, token) => {
    const headers = { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) };
    const response = await fetch(`${BASE_URL}${path}`, { ...init, headers });
    assert.ok(response.ok, `${path}: ${response.status}`);
    return response.status === 204 ? null : response.json();
  };
  const { access_token: admin } = await api("/api/auth/login", {
    method: "POST", body: JSON.stringify({ login: "admin", password: DEMO_PASSWORD }),
  });
  const { sections } = await api("/api/sections", {}, admin);
  const section = sections.find((s) => s.title === "ВПР СПО");
  for (let n = 1; n <= 30; n++) {
    const day = String(n).padStart(2, "0");
    await api("/api/publications", {
      method: "POST",
      body: JSON.stringify({
        section_id: section.id, title: `Материалы ВПР, часть ${n}`, published_on: `2022-01-${day}T09:00:00Z`,
        audience: { everyone: true },
      }),
    }, admin);
  }
  await page.getByRole("link", { name: "Обмен данными", exact: true }).click();
  await page.getByRole("tab", { name: /ВПР СПО/ }).click();
  await page.getByText("Страница 1 из 2").waitFor();
  assert.equal(await page.locator("li.publication").count(), 30);
  // The school starred «Сбор данных…» earlier: it leads its section although it is the oldest.
  assert.match(await page.locator("li.publication").first().innerText(), /★ В избранном[\s\S]*Сбор данных об участниках ВПР СПО/);
  await page.getByRole("button", { name: "Вперёд →" }).click();
  await page.getByText("Страница 2 из 2").waitFor();
  await page.getByText("Расписание проведения ВПР СПО").waitFor();
  await screenshot(page, "16-section-page-2");
});

test("the operator edits a publication's title and audience; the school no longer sees it", async () => {
  await page.getByRole("button", { name: "Выйти" }).click();
  await logIn(page, "admin", DEMO_PASSWORD);
  await page.getByRole("tab", { name: /ВПР СПО/ }).click();
  await page.getByLabel("Поиск по названию").fill("часть 30");
  await page.getByRole("button", { name: "Искать" }).click();
  await page.locator("li.publication").filter({ hasText: "Материалы ВПР, часть 30" }).locator("a.permalink").click();
  await page.getByRole("link", { name: "Редактировать" }).click();
  await page.getByRole("heading", { name: "Изменение публикации" }).waitFor();
  const title = page.getByLabel("Название*");
  await page.waitForFunction(() => document.querySelector("#pub-title")?.value === "Материалы ВПР, часть 30");
  assert.equal(await page.getByLabel("Дата публикации (мск)*").inputValue(), "30.01.2022 12:00");
  await title.fill("Материалы ВПР для Москвы");
  await page.getByLabel("Всем организациям").uncheck();
  await page.getByLabel("Регионы (коды через запятую)").fill("77");
  await screenshot(page, "17-publication-edit");
  await page.getByRole("button", { name: "Сохранить" }).click();
  await page.getByRole("heading", { name: "Материалы ВПР для Москвы" }).waitFor();

  await page.getByRole("button", { name: "Выйти" }).click();
  await logIn(page, "sch240001", DEMO_PASSWORD);
  await page.getByRole("tab", { name: /ВПР СПО/ }).click();
  await page.getByLabel("Поиск по названию").fill("Материалы ВПР");
  await page.getByRole("button", { name: "Искать" }).click();
  await page.getByText("Материалы ВПР, часть 29").waitFor();
  assert.equal(await page.getByText("Материалы ВПР для Москвы").count(), 0);
});

test("the operator renames and reorders sections", async () => {
  await page.getByRole("button", { name: "Выйти" }).click();
  await logIn(page, "admin", DEMO_PASSWORD);
  await page.getByLabel("Название нового раздела").fill("Техническая поддержка");
  await page.getByRole("button", { name: "Добавить раздел" }).click();
  await page.getByRole("tab", { name: /Техническая поддержка/ }).waitFor();
  await page.getByText("Разделы: названия и порядок").click();
  // A new section goes last.
  const row = page.locator(".section-row").last();
  assert.equal(await row.getByLabel("Название").inputValue(), "Техническая поддержка");
  await row.getByLabel("Название").fill("Техподдержка");
  await row.getByLabel("Порядок").fill("0");
  await row.getByRole("button", { name: "Сохранить" }).click();
  await row.getByText("Сохранено: «Техподдержка»").waitFor();
  // It moves before the demo's sections («ВПР СПО»…). Sections other tests made
  // through the API also have order 0, so it need not be the very first tab.
  await page.waitForFunction(() => {
    const tabs = [...document.querySelectorAll("[role=tab]")].map((t) => t.innerText);
    const moved = tabs.findIndex((t) => /^Техподдержка/.test(t));
    const demo = tabs.findIndex((t) => /^ВПР СПО/.test(t));
    return moved >= 0 && demo > moved;
  });
  await screenshot(page, "18-sections-managed");
});
