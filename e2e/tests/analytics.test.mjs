// «Аналитика» (seed 003, steps 9–10) on the small demo's «ВПР 2026»: a school sees
// its results beside its municipality, region and the country, and its students;
// a regional coordinator sees its municipalities and schools (with objectivity
// flags), opens a school's report from the table and returns, downloads the table
// as XLSX and orders a report made in the background.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { BASE_URL, screenshot, api, tokenOf, assertAccessible, openAs, withBrowser } from "./browser.mjs";

let page;

withBrowser((opened) => ({ page } = opened));

async function openAnalyticsAs(name) {
  await openAs(page, name, "/");
  await page.getByRole("link", { name: "Аналитика" }).click();
  await page.getByRole("heading", { name: "Аналитика" }).waitFor();
  await page.getByLabel("Работа").locator("option").first().waitFor({ state: "attached" });
}

const reportRows = () => page.locator(".report-table tbody tr");
const firstCell = (row) => row.locator("td").first();

test("a school sees its marks beside its municipality, region and country, and its students", async () => {
  await openAnalyticsAs("sch240001");
  await page.getByLabel("Работа").selectOption({ label: "Математика, 5 класс" });
  await page.getByRole("button", { name: "Показать отчет" }).click();
  await page.getByRole("heading", { name: "Статистика по отметкам" }).waitFor();
  assert.equal(await reportRows().count(), 4);
  const labels = await page.locator(".report-table tbody th").allTextContents();
  assert.equal(labels[0].trim(), "Российская Федерация");
  assert.equal(labels[1].trim(), "Красноярский край");
  assert.match(labels[3], /\(sch240001\)/);
  assert.equal((await firstCell(reportRows().nth(3)).textContent()).trim(), "25");
  assert.equal((await firstCell(reportRows().nth(0)).textContent()).trim(), "1800");
  await page.getByRole("img", { name: "Диаграмма: % участников" }).waitFor();
  // Nothing above the school opens: those are other units' details.
  for (const above of [0, 1, 2]) {
    assert.equal(await reportRows().nth(above).locator("th button").count(), 0);
  }

  await page.getByLabel("Отчёт").selectOption({ label: "Индивидуальные результаты" });
  await page.getByRole("button", { name: "Показать отчет" }).click();
  await page.getByRole("heading", { name: "Индивидуальные результаты" }).waitFor();
  assert.equal(await reportRows().count(), 25);
  await page.getByRole("columnheader", { name: "Первичный балл" }).waitFor();

  await page.getByLabel("Отчёт").selectOption({ label: "Распределение первичных баллов" });
  await page.getByRole("button", { name: "Показать отчет" }).click();
  await page.getByRole("heading", { name: "Распределение первичных баллов" }).waitFor();
  assert.equal(await page.locator(".chart svg g, .chart svg text.chart-axis").count() > 20, true);
  await screenshot(page, "analytics-school-scores");
  await assertAccessible(page, "a school's analytics report");
});

test("a region opens its schools' reports, downloads the table and orders a file", async () => {
  await openAnalyticsAs("spo_coord_24");
  await page.getByRole("button", { name: "Показать отчет" }).click();
  await page.getByRole("heading", { name: "Статистика по отметкам" }).waitFor();
  // Country and region, then every municipality with its schools folded under it.
  assert.equal(await reportRows().count(), 2 + 3);
  await page.getByRole("note").filter({ hasText: "Признаки необъективности результатов" }).waitFor();
  assert.equal(await page.locator("tr.flagged").count(), 0, "flagged schools are folded away");
  const unfold = page.getByRole("button", { name: /^Раскрыть список школ \(\d+ школ[аы]?\)$/ });
  assert.equal(await unfold.count(), 3);
  await page.locator(".report-table .flag").filter({ hasText: "с признаками необъективности" }).first().waitFor();
  await screenshot(page, "analytics-region-folded");
  for (let left = 3; left > 0; left--) {
    await unfold.first().click();
  }
  assert.equal(await reportRows().count(), 2 + 3 + 24);
  assert.equal(await page.getByRole("button", { name: /^Свернуть список школ/, expanded: true }).count(), 3);
  assert.ok((await page.locator("tr.flagged").count()) >= 1);
  // The header stays in view while the rows scroll under it.
  const table = page.getByRole("region", { name: "Таблица: Статистика по отметкам" });
  await table.evaluate((el) => { el.style.maxHeight = "120px"; el.scrollTop = 400; });
  const header = await page.getByRole("columnheader", { name: "Кол-во участников" }).boundingBox();
  const box = await table.boundingBox();
  assert.ok(Math.abs(header.y - box.y) < 2, `header at ${header.y}, table at ${box.y}`);
  await table.evaluate((el) => { el.style.maxHeight = ""; el.scrollTop = 0; });
  await screenshot(page, "analytics-region-marks");
  await assertAccessible(page, "a region's analytics report");

  await page.getByRole("button", { name: /\(sch240002\)/ }).click();
  await page.locator(".report .muted").filter({ hasText: "(sch240002)" }).waitFor();
  assert.equal(await reportRows().count(), 4);
  await page.getByRole("button", { name: "К своей территории" }).click();
  await page.locator(".report .muted").filter({ hasText: "— Красноярский край" }).waitFor();

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Скачать отчет" }).click(),
  ]);
  assert.equal(download.suggestedFilename(), "Статистика по отметкам.xlsx");
  assert.equal(readFileSync(await download.path()).subarray(0, 2).toString(), "PK");

  // Hundreds of students come a hundred rows to a page.
  await page.getByLabel("Отчёт").selectOption({ label: "Индивидуальные результаты" });
  await page.getByRole("button", { name: "Показать отчет" }).click();
  await page.getByRole("heading", { name: "Индивидуальные результаты" }).waitFor();
  const pager = page.getByRole("navigation", { name: "Страницы" });
  await pager.getByText(/^Страница 1 из \d+$/).waitFor();
  assert.equal(await reportRows().count(), 100);
  const firstStudent = await reportRows().first().textContent();
  await pager.getByRole("button", { name: "Вперёд →" }).click();
  await pager.getByText(/^Страница 2 из \d+$/).waitFor();
  assert.notEqual(await reportRows().first().textContent(), firstStudent);

  await page.getByRole("button", { name: "Заказать отчет" }).click();
  await page.getByRole("button", { name: "Загрузить отчёт" }).first().waitFor({ timeout: 20_000 });
  const [file] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Загрузить отчёт" }).first().click(),
  ]);
  assert.match(file.suggestedFilename(), /^Индивидуальные результаты — Математика, 5 класс — Красноярский край\.xlsx$/);
});

test("the operator puts a work's electronic protocol into a publication", async () => {
  const admin = await tokenOf("admin");
  const section = await api(admin, "POST", "/api/sections", { title: `Протоколы e2e ${Date.now()}` });
  const saved = await api(admin, "POST", "/api/publications", {
    section_id: section.id, title: "Электронный протокол ВПР", body_markdown: "Заполните протокол.",
    published_on: "2026-01-01T00:00:00Z", audience: { region_codes: ["24"] },
  });
  await openAnalyticsAs("admin");
  await page.getByText("Процедуры и результаты (оператор)").click();
  await page.getByRole("button", { name: "Скачать описание работы" }).waitFor();
  await page.goto(`${BASE_URL}/publications/${saved.summary.id}`);
  const settings = page.locator(".collection-settings");
  await settings.getByRole("heading", { name: "Добавить сбор данных" }).waitFor();
  await settings.locator("#collection-form").selectOption({ label: "ВПР 2026: Русский язык, 5 класс" });
  await settings.getByLabel("Открыт с (мск)").fill("01.01.2026 08:00");
  await settings.getByLabel("по (мск)").fill("07.09.2099 18:00");
  await settings.getByRole("button", { name: "Сохранить сбор данных" }).click();
  await page.locator(".collection-title").getByText("Электронный протокол: Русский язык, 5 класс").waitFor();
});
