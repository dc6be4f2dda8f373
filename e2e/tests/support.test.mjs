// «Техническая поддержка» (seed 000, Рис. 3–4): a regional coordinator asks in
// «Форум поддержки СПО» and attaches a screenshot; the operator answers and marks
// the question as frequently asked; another coordinator searches with another
// word form and finds it on top; the asker's bell hears of the answer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { screenshot, assertAccessible, openAs, withBrowser } from "./browser.mjs";

let page;
const TITLE = `Не загружается шаблон расписания ${Date.now()}`;

withBrowser((opened) => ({ page } = opened));

test("a question is asked, answered, marked frequent and found by another word form", async () => {
  await openAs(page, "spo_coord_24", "/exchange");
  await page.getByRole("link", { name: "Техническая поддержка" }).click();
  await page.getByRole("heading", { name: "Техническая поддержка" }).waitFor();
  // The college coordinators' forum is open first and shown as the chosen tab.
  await page.getByRole("tab", { name: /Форум поддержки СПО/, selected: true }).waitFor();
  await page.getByRole("tab", { name: /Форум поддержки ВПР/ }).click();
  await page.getByRole("tab", { name: /Форум поддержки ВПР/, selected: true }).waitFor();
  assert.equal(await page.getByRole("tab", { selected: true }).count(), 1);
  await page.getByRole("tab", { name: /Форум поддержки СПО/ }).click();
  const ask = page.locator("form.ask");
  await ask.getByLabel("Заголовок").fill(TITLE);
  await ask.getByLabel("Вопрос").fill("При загрузке файла появляется ошибка. Логин spo_coord_24.");
  // A double click sends one question, and the form says it was sent.
  await ask.getByRole("button", { name: "Отправить вопрос" }).dblclick();
  await ask.getByRole("status").getByText(`Вопрос отправлен: «${TITLE}»`).waitFor();
  await page.getByRole("link", { name: TITLE }).first().waitFor();
  assert.equal(await page.getByRole("link", { name: TITLE }).count(), 1, "one question, not two");
  await page.getByRole("link", { name: TITLE }).click();
  await page.getByRole("heading", { name: TITLE }).waitFor();
  await page.locator("form.attach input[type=file]").setInputFiles({
    name: "ошибка.png", mimeType: "image/png", buffer: Buffer.from("\x89PNG\r\n\x1a\nscreen", "latin1"),
  });
  await page.getByRole("button", { name: "Прикрепить" }).click();
  await page.getByRole("button", { name: "ошибка.png" }).waitFor();
  const questionUrl = page.url();

  await openAs(page, "admin", new URL(questionUrl).pathname);
  await page.getByRole("heading", { name: TITLE }).waitFor();
  await page.getByLabel("Ответ").fill("Сохраните книгу в формате xlsx и загрузите ее еще раз.");
  await page.getByRole("button", { name: "Ответить" }).click();
  await page.getByText("Ответы (1)").waitFor();
  await page.getByRole("button", { name: "В часто задаваемые вопросы" }).click();
  await page.getByRole("button", { name: "Убрать из частых вопросов" }).waitFor();

  await openAs(page, "spo_coord_50", "/support");
  await page.getByPlaceholder("Поиск по вопросам и ответам").fill("загрузить формат");
  await page.getByRole("button", { name: "Искать" }).click();
  const first = page.locator(".question-item").first();
  await first.getByRole("link", { name: TITLE }).waitFor();
  await first.getByText("Часто задаваемый вопрос").waitFor();
  await screenshot(page, "support-search");
  await assertAccessible(page, "the support forum");

  await openAs(page, "spo_coord_24", "/exchange");
  await page.getByRole("button", { name: /Уведомления/ }).click();
  await page.getByText("Ответ на ваш вопрос").first().waitFor();
});

test("a school that opens the support address is told whom to ask, with no form to fail", async () => {
  await openAs(page, "sch240001", "/support");
  await page.getByText("С вопросом обратитесь к своему муниципальному или региональному координатору").waitFor();
  assert.equal(await page.locator("form.ask").count(), 0);
  assert.equal(await page.getByRole("alert").count(), 0, "no refusal shown");
});
