// Data collection end to end: a school opens the «Сбор данных» block, fills the
// form with live errors and autosave, submits and sees «Вы заполнили форму …»; the
// Excel template downloads and a bad file is refused with its reason; edits made
// offline are saved when the connection returns; a coordinator sees the form
// read-only; the operator imports a form from Excel, attaches it and closes early.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { BASE_URL, screenshot, api, tokenOf, assertAccessible, openAs, withBrowser } from "./browser.mjs";

let browser;
let page;
let admin;
let collectionId;
let publicationPath;
let emptyPublicationPath;
const TITLE = "Сбор сведений о специальностях";
const FORM_TITLE = "Сведения о специальностях (e2e)";

const FORM = {
  title: FORM_TITLE,
  sheets: [
    {
      key: "specialties", title: "СПЕЦИАЛЬНОСТИ",
      hint: "Одна строка на каждую пару «специальность — курс».",
      columns: [
        { key: "code", title: "Код и название", type: "text", required: true, pattern: "##.##.## *",
          hint: "Например «38.02.01 Экономика»" },
        { key: "course", title: "Курс", type: "integer", required: true, min: 1, max: 6,
          hint: "Число должно быть между 1 и 6" },
        { key: "students", title: "Обучающихся", type: "integer", required: true, min: 0, max: 10000 },
        { key: "after_9", title: "На базе 9 классов", type: "integer", min: 0, max: 10000 },
        { key: "admitted", title: "Набор на 1 курс", type: "yes_no", required: true },
      ],
      rules: [{ rule: "compare", left: ["after_9"], op: "le", right: ["students"] }],
    },
    {
      key: "totals", title: "ИТОГИ",
      columns: [
        { key: "subject", title: "Предмет", type: "text", required: true },
        { key: "participants", title: "Участников", type: "integer", required: true, min: 0, max: 5000 },
      ],
      fixed_rows: [{ subject: "Математика" }, { subject: "Физика" }],
    },
  ],
};

async function publication(section, title) {
  const saved = await api(admin, "POST", "/api/publications", {
    section_id: section.id, title, body_markdown: "Заполните форму до 18:00 мск.",
    published_on: "2021-08-30T17:41:00Z", audience: { region_codes: ["24"] },
  });
  return saved.summary.id;
}

withBrowser(
  (opened) => ({ browser, page, collectionId, publicationPath, emptyPublicationPath } = opened),
  async () => {
    admin = await tokenOf("admin"); // publication() below is the operator's
    const section = await api(admin, "POST", "/api/sections", { title: `Сбор данных e2e ${Date.now()}` });
    const version = await api(admin, "POST", "/api/forms", FORM);
    const id = await publication(section, TITLE);
    const block = await api(admin, "PUT", `/api/publications/${id}/collection`, {
      form_version_id: version.id, opens_at: "2021-08-30T17:41:00Z", closes_at: "2099-09-07T15:00:00Z",
    });
    return {
      collectionId: block.id,
      publicationPath: `/publications/${id}`,
      emptyPublicationPath: `/publications/${await publication(section, "Публикация без сбора")}`,
    };
  },
);

function block() {
  return page.locator(".collection");
}

// The grid's cell of a sheet (by key), column (by key) and row.
function cell(sheet, column, row) {
  return page.locator(`[id="cell-${sheet}-${row}-${column}"]`);
}

// Types into a cell as people do: select it, type over it, leave with `leave`.
async function typeInto(target, text, leave = "Enter") {
  await target.click();
  await page.keyboard.type(text);
  await page.keyboard.press(leave);
}

async function textOf(target) {
  return (await target.textContent()).trim();
}

// Waits until the grid's active cell is `id`.
const activeIs = (id) => page.locator(`[role=grid][aria-activedescendant="${id}"]`).waitFor();

const errorsButton = () => page.getByRole("button", { name: /^Ошибки \(\d+\)$/ });

test("a school fills the form with live errors, autosaves and submits", async () => {
  await openAs(page, "sch240001", publicationPath);
  await block().getByText("Открыт", { exact: true }).waitFor();
  await block().getByText("30 августа 2021, 20:41 - 7 сентября 2099, 18:00").waitFor();
  await block().getByText("Вы можете заполнить форму. Прием открыт.").waitFor();
  await block().getByRole("link", { name: "Заполнить" }).click();

  await page.getByRole("heading", { name: FORM_TITLE }).waitFor();
  // The fixed sheet's two required cells are empty: errors, and no submitting yet.
  await page.getByRole("button", { name: "Ошибки (2)" }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Сдать отчет" }).isDisabled(), true);

  await page.getByRole("button", { name: "Добавить строку" }).click();
  // Typing over a cell, Tab to the next one, as in Excel.
  await typeInto(cell("specialties", "code", 1), "38.02.01 Экономика", "Tab");
  await activeIs("cell-specialties-1-course");
  await page.keyboard.type("9");
  await page.keyboard.press("Tab");
  await cell("specialties", "course", 1).and(page.locator(".invalid")).waitFor();
  assert.equal(await cell("specialties", "course", 1).getAttribute("title"), "Число должно быть между 1 и 6");
  assert.equal(await page.getByRole("button", { name: "Сдать отчет" }).isDisabled(), true);
  await typeInto(cell("specialties", "course", 1), "2", "Tab");
  await page.keyboard.type("30");
  await page.keyboard.press("Tab");
  await page.keyboard.type("40");
  await page.keyboard.press("Tab");
  await page.getByRole("button", { name: "Ошибки (4)" }).click();
  await page.getByRole("button", { name: /«На базе 9 классов» должно быть не больше «Обучающихся»/ }).waitFor();
  await typeInto(cell("specialties", "after_9", 1), "20", "Tab");
  // A yes/no cell offers its values (F2 opens the cell); typing filters them, ↓
  // and Enter pick one. (Playwright types Cyrillic as inserted text, without the
  // key events a Russian keyboard sends, so the cell is opened first.)
  await page.keyboard.press("F2");
  await page.getByRole("option", { name: "Нет" }).waitFor();
  await page.keyboard.type("д");
  await page.getByRole("option", { name: "Да" }).waitFor();
  assert.equal(await page.getByRole("option", { name: "Нет" }).count(), 0);
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  assert.equal(await textOf(cell("specialties", "admitted", 1)), "Да");
  await screenshot(page, "collection-editor-errors");
  await assertAccessible(page, "the editor with live errors");

  // The error list jumps to the other sheet's cell.
  await page.getByRole("button", { name: /Лист «ИТОГИ», строка 1, столбец «Участников»/ }).click();
  await activeIs("cell-totals-1-participants");
  await page.keyboard.type("25");
  // Enter keeps the value and moves down, as in Excel.
  await page.keyboard.press("Enter");
  await page.keyboard.type("12");
  await page.keyboard.press("Enter");
  assert.equal(await textOf(cell("totals", "participants", 2)), "12");
  await page.keyboard.press("ArrowUp");
  await activeIs("cell-totals-1-participants");
  await page.keyboard.press("Home");
  await activeIs("cell-totals-1-subject");
  // A preset cell is not edited.
  await page.keyboard.type("x");
  await page.getByText("Эта ячейка заполнена заранее и не изменяется").waitFor();
  await page.getByRole("button", { name: "Ошибки (0)" }).waitFor();
  const saved = page.getByText(/^Сохранено в \d\d:\d\d \(мск\)$/);
  await saved.waitFor();
  // Moscow's clock, whatever the browser's zone: within a minute of now in UTC+3.
  const shown = (await saved.textContent()).match(/(\d\d):(\d\d)/);
  const moscow = new Date(Date.now() + 3 * 3600_000);
  const minutes = moscow.getUTCHours() * 60 + moscow.getUTCMinutes();
  const apart = Math.abs(Number(shown[1]) * 60 + Number(shown[2]) - minutes);
  assert.ok(apart <= 1 || apart >= 1439, `${shown[0]} is not Moscow time`);
  await screenshot(page, "collection-editor-saved");

  // What was typed is on the server: a reload shows it.
  await page.reload();
  await cell("specialties", "course", 1).waitFor();
  assert.equal(await textOf(cell("specialties", "course", 1)), "2");

  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: "Сдать отчет" }).click();
  await page.getByRole("heading", { name: TITLE }).waitFor();
  await block().getByText(/^Вы заполнили форму \d\d\.\d\d\.\d{4} \d\d:\d\d \(мск\)\.$/).waitFor();
  await block().getByText("Сдано").waitFor();
  await block().getByRole("link", { name: "Редактировать" }).waitFor();
  await screenshot(page, "collection-block-submitted");
});

test("the template downloads as a workbook and a bad file changes nothing", async () => {
  await openAs(page, "sch240001", `/collections/${collectionId}`);
  await cell("specialties", "course", 1).waitFor();
  // The submission of the first test is in the history, with who sent it.
  await page.getByText("История сдачи (1)").click();
  await page.getByText(/^\d\d\.\d\d\.\d{4} \d\d:\d\d \(мск\) — sch240001$/).waitFor();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Скачать шаблон Excel" }).click(),
  ]);
  assert.equal(download.suggestedFilename(), `${FORM_TITLE}.xlsx`);
  const bytes = readFileSync(await download.path());
  assert.equal(bytes.subarray(0, 2).toString(), "PK");

  await page.locator(".template-upload input[type=file]").setInputFiles({
    name: "расписание.xlsx", mimeType: "application/octet-stream", buffer: Buffer.from("это не книга Excel"),
  });
  await page.getByRole("button", { name: "Загрузить шаблон" }).click();
  await page.getByText("Ошибки в загруженном файле (черновик не изменен)").waitFor();
  // Not a workbook, so read as CSV, which a two-sheet form cannot take.
  await page.getByText("CSV подходит только для форм с одним листом: загрузите шаблон Excel").waitFor();
  assert.equal(await textOf(cell("specialties", "course", 1)), "2");

  // The downloaded template, uploaded as it is, replaces the draft with the same data.
  await page.locator(".template-upload input[type=file]").setInputFiles({
    name: "шаблон.xlsx", mimeType: "application/octet-stream", buffer: bytes,
  });
  await page.getByRole("button", { name: "Загрузить шаблон" }).click();
  await page.getByText(/^Сохранено в \d\d:\d\d \(мск\)$/).waitFor();
  assert.equal(await textOf(cell("specialties", "course", 1)), "2");
});

test("edits made offline are saved when the connection returns", async () => {
  await openAs(page, "sch240001", `/collections/${collectionId}`);
  await cell("specialties", "students", 1).waitFor();
  await page.context().setOffline(true);
  await typeInto(cell("specialties", "students", 1), "31");
  await page.getByText("Нет связи с сервером — изменения сохранятся, когда связь вернётся").waitFor();
  await page.context().setOffline(false);
  await page.getByText(/^Сохранено в \d\d:\d\d \(мск\)$/).waitFor({ timeout: 15_000 });
  const school = await tokenOf("sch240001");
  const draft = await api(school, "GET", `/api/collections/${collectionId}/draft`);
  assert.equal(draft.data.specialties[0].students, "31");
});

test("a coordinator opens an organisation's form, or the blank form, read-only", async () => {
  await openAs(page, "mun24001", `/collections/${collectionId}?organisation=sch240001`);
  await page.getByText("Организация sch240001, только просмотр").waitFor();
  assert.equal(await textOf(cell("specialties", "students", 1)), "31");
  assert.equal(await page.getByRole("grid").getAttribute("aria-readonly"), "true");
  // Nothing can be typed in.
  await cell("specialties", "students", 1).click();
  await page.keyboard.type("5");
  assert.equal(await page.locator(".cell-editor").count(), 0);
  assert.equal(await page.getByRole("button", { name: "Сдать отчет" }).count(), 0);

  // From the block, without an organisation: the blank form to look at.
  await page.goto(`${BASE_URL}${publicationPath}`);
  await block().getByRole("link", { name: "Посмотреть" }).click();
  await page.getByText("Форма без данных, только просмотр").waitFor();
  await page.getByText("Строк пока нет").waitFor();
  await page.getByRole("button", { name: "ИТОГИ" }).click();
  assert.equal(await textOf(cell("totals", "subject", 2)), "Физика");
});

test("the operator imports a form from Excel, attaches it and closes early", async () => {
  await openAs(page, "admin", "/forms");
  const item = page.locator(".form-item").filter({ hasText: FORM_TITLE }).first();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    item.getByRole("button", { name: "Скачать описание (Excel)" }).click(),
  ]);
  const description = readFileSync(await download.path());
  await page.locator(".description-upload").first().locator("input[type=file]").setInputFiles({
    name: "описание.xlsx", mimeType: "application/octet-stream", buffer: description,
  });
  await page.locator(".description-upload").first().getByRole("button", { name: "Загрузить" }).click();
  await page.getByText(`Сохранена форма «${FORM_TITLE}», версия 1`).waitFor();
  await page.locator(".description-upload").first().locator("input[type=file]").setInputFiles({
    name: "описание.xlsx", mimeType: "application/octet-stream", buffer: Buffer.from("title;key"),
  });
  await page.locator(".description-upload").first().getByRole("button", { name: "Загрузить" }).click();
  await page.getByText(/Файл не является книгой Excel/).first().waitFor();
  await screenshot(page, "forms-page");

  await page.goto(`${BASE_URL}${emptyPublicationPath}`);
  const settings = page.locator(".collection-settings");
  await settings.getByRole("heading", { name: "Добавить сбор данных" }).waitFor();
  // Nothing chosen and a window the wrong way round: each problem at the top, linked.
  await settings.getByRole("button", { name: "Сохранить сбор данных" }).click();
  const summary = settings.locator(".error-summary");
  await summary.getByRole("link", { name: "Выберите форму" }).waitFor();
  await summary.getByRole("link", { name: /^Укажите, когда сбор закрывается \(мск\)/ }).click();
  assert.equal(await settings.getByLabel("по (мск)").evaluate((el) => el === document.activeElement), true);
  await settings.locator("#collection-form").selectOption({ label: `${FORM_TITLE} (версия 1)` });
  await settings.getByLabel("Открыт с (мск)").fill("07.09.2099 18:00");
  await settings.getByLabel("по (мск)").fill("30.08.2021 20:41");
  // Closing reminders: a day before unless chosen; a word is not an hour.
  const reminders = settings.getByLabel("Напомнить не сдавшим за (часов до окончания)");
  assert.equal(await reminders.inputValue(), "24");
  await reminders.fill("72, сутки");
  await settings.getByRole("button", { name: "Сохранить сбор данных" }).click();
  await summary.getByRole("link", { name: /позже/ }).waitFor();
  await summary.getByRole("link", { name: /^«сутки» — не число часов/ }).click();
  assert.equal(await reminders.evaluate((el) => el === document.activeElement), true);
  await reminders.fill("3, 72, 24");
  // Who accepts the submissions: none unless chosen.
  const acceptance = settings.getByLabel("Приемка сданных форм");
  assert.equal(await acceptance.inputValue(), "none");
  await acceptance.selectOption({ label: "МОУО, затем регион" });
  await assertAccessible(page, "the collection form's error summary");
  await settings.getByLabel("Открыт с (мск)").fill("30.08.2021 20:41");
  await settings.getByLabel("по (мск)").fill("07.09.2099 18:00");
  await settings.getByRole("button", { name: "Сохранить сбор данных" }).click();
  await block().getByText("Открыт", { exact: true }).waitFor();
  // Kept largest first, as the server stores them.
  await page.reload();
  assert.equal(await page.locator(".collection-settings").getByLabel("Напомнить не сдавшим за (часов до окончания)").inputValue(), "72, 24, 3");
  assert.equal(await page.locator(".collection-settings").getByLabel("Приемка сданных форм").inputValue(), "both");
  await block().getByRole("button", { name: "Закрыть досрочно" }).click();
  await block().getByText("Закрыт", { exact: true }).waitFor();
  await block().getByText("Прием закрыт.").waitFor();
  await block().getByRole("button", { name: "Открыть снова" }).waitFor();
  await screenshot(page, "collection-block-operator");
  await assertAccessible(page, "the operator's collection block");
});
