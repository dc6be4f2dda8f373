// File storages end to end: the operator adds a storage and uploads files in the
// SPA; a school downloads one file and «Скачать всё.zip» and sees its marks; a
// municipal coordinator searches the storage and gets «Отчет».
import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE_URL, DEMO_PASSWORD, screenshot, logIn, api, tokenOf, assertAccessible, withBrowser } from "./browser.mjs";

let browser;
let page;
let publicationPath;
const TITLE = "Материалы для проведения ВПР СПО";
const STORAGE = "План-график ВПР СПО в 2021 году";

withBrowser(async (opened) => {
  ({ browser, page, publicationPath } = opened);
  await page.goto(BASE_URL);
}, async () => {
  // The publication itself is arranged through the API; the storage UI is under test.
  const admin = await tokenOf("admin");
  const section = await api(admin, "POST", "/api/sections", { title: "Файлы ВПР СПО" });
  const saved = await api(admin, "POST", "/api/publications", {
    section_id: section.id, title: TITLE, body_markdown: "Файлы — ниже.",
    published_on: "2021-08-30T17:41:00Z", audience: { everyone: true },
  });
  return { publicationPath: `/publications/${saved.summary.id}` };
});

async function openAs(login) {
  await page.goto(BASE_URL);
  await logIn(page, login, DEMO_PASSWORD);
  await page.getByTestId("user-login").getByText(login).waitFor();
  await page.goto(`${BASE_URL}${publicationPath}`);
  await page.getByRole("heading", { name: TITLE }).waitFor();
}

async function logOut() {
  await page.getByRole("button", { name: "Выйти" }).click();
  await page.getByLabel("Логин").waitFor();
}

function storagePanel() {
  return page.locator(".storage").filter({ has: page.getByRole("heading", { name: STORAGE }) });
}

function fileRow(name) {
  return storagePanel().locator(".file").filter({ hasText: name });
}

test("the operator adds a storage and uploads files with progress", async () => {
  await openAs("admin");
  // An empty form: a summary at its top names both fields and leads to each.
  const dateField = page.getByLabel("Файлы доступны для скачивания с (мск)");
  await dateField.fill("30 августа");
  await page.getByRole("button", { name: "Добавить хранилище" }).click();
  const summary = page.getByRole("alert").filter({ has: page.getByRole("heading", { name: "Исправьте ошибки" }) });
  await summary.getByRole("link", { name: "Укажите название хранилища" }).waitFor();
  await summary.getByRole("link", { name: /^Укажите, с какого времени \(мск\) файлы доступны: ДД\.ММ\.ГГГГ ЧЧ:ММ$/ }).click();
  assert.equal(await dateField.evaluate((el) => el === document.activeElement), true);
  assert.equal(await dateField.getAttribute("placeholder"), "ДД.ММ.ГГГГ ЧЧ:ММ");
  await page.getByLabel("Название", { exact: true }).fill(STORAGE);
  await dateField.fill("30.08.2021 20:41");
  await page.getByRole("button", { name: "Добавить хранилище" }).click();
  await storagePanel().getByText("Файлы доступны для скачивания с 30 авг. 2021 / 20:41").waitFor();

  const pdf = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(3 * 1024 * 1024, 7)]);
  // The file field speaks Russian whatever the browser's language.
  await storagePanel().getByText("Файл не выбран").waitFor();
  await storagePanel().getByText("Выбрать файл", { exact: true }).waitFor();
  await storagePanel().getByLabel("Файл", { exact: true }).setInputFiles({ name: "План-график ВПР СПО.pdf", mimeType: "application/pdf", buffer: pdf });
  await storagePanel().getByText("План-график ВПР СПО.pdf", { exact: true }).waitFor();
  await storagePanel().getByRole("button", { name: "Загрузить файл" }).click();
  await storagePanel().getByText("Файл загружен").waitFor();
  await fileRow("План-график ВПР СПО.pdf").waitFor();

  await storagePanel().locator("select").selectOption("personal");
  await storagePanel().getByLabel("Логин организации").fill("sch240001");
  await storagePanel().locator('input[type="file"]').setInputFiles({ name: "Логин и пароль.txt", mimeType: "text/plain", buffer: Buffer.from("sch240001: пароль") });
  await storagePanel().getByRole("button", { name: "Загрузить файл" }).click();
  await fileRow("Логин и пароль.txt").getByText("sch240001").waitFor();

  // A refused upload says why and keeps nothing.
  await storagePanel().getByLabel("Логин организации").fill("sch999999");
  await storagePanel().getByRole("button", { name: "Загрузить файл" }).click();
  await storagePanel().getByRole("alert").getByText("Нет организации с логином «sch999999»").waitFor();
  assert.equal(await storagePanel().locator(".file").count(), 2);
  await screenshot(page, "20-storage-operator");
  await logOut();
});

test("a school downloads a file and everything, and sees when", async () => {
  await openAs("sch240001");
  const row = fileRow("План-график ВПР СПО.pdf");
  await row.getByText("Еще не скачивался").waitFor();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    row.getByRole("button", { name: "Скачать" }).click(),
  ]);
  assert.equal(download.suggestedFilename(), "План-график ВПР СПО.pdf");
  await row.getByText(/^Скачан \d\d\.\d\d\.\d{4} \d\d:\d\d \(мск\)$/).waitFor();
  await fileRow("Логин и пароль.txt").getByText("Еще не скачивался").waitFor();

  const [zip] = await Promise.all([
    page.waitForEvent("download"),
    storagePanel().getByRole("button", { name: "Скачать всё.zip" }).click(),
  ]);
  assert.equal(zip.suggestedFilename(), `${STORAGE}.zip`);
  await fileRow("Логин и пароль.txt").getByText(/^Скачан /).waitFor();
  await screenshot(page, "21-storage-school");
  await assertAccessible(page, "a storage as a school sees it");
  await logOut();
});

test("a coordinator sees subordinates' files but no organisations-only download, searches and gets the report", async () => {
  await openAs("mun24001");
  await fileRow("Логин и пароль.txt").getByText("sch240001").waitFor();
  await storagePanel().getByRole("button", { name: "Раскрыть" }).click();
  await storagePanel().getByLabel("Поиск по названию файла или логину").fill("sch240001");
  await storagePanel().getByRole("button", { name: "Искать" }).click();
  await storagePanel().locator(".file").first().getByText("Логин и пароль.txt").waitFor();
  // The unfiltered list may still be drawn for a moment: wait for the search's one row.
  await storagePanel().locator(".file").nth(1).waitFor({ state: "detached" });
  assert.equal(await storagePanel().locator(".file").count(), 1);

  await storagePanel().getByRole("button", { name: "Отчет" }).click();
  const [report] = await Promise.all([
    page.waitForEvent("download"),
    storagePanel().getByRole("button", { name: "Загрузить отчет" }).click(),
  ]);
  assert.match(report.suggestedFilename(), /^Отчёт о скачивании — .*\.xlsx$/);
  await screenshot(page, "22-storage-coordinator");
  await logOut();
});
