// The richer form language in the editor (issue #26): calculated columns follow
// what is typed, are read-only with their formula told in words, and the server
// holds the same numbers; headers carry their units; a list cell takes several
// values, offered one after another; a column is asked for only where another
// answer says so; last year's numbers fill this year's draft, marked and locked;
// a totals row sums its columns at the grid's foot.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE_URL, DEMO_PASSWORD, api, screenshot, logIn, tokenOf, assertAccessible, publishCollection, serverHolds, withPublishedForm } from "./browser.mjs";

const SCHOOL = "sch240003";
const count = (key, title) => ({ key, title, type: "integer", min: 0, max: 40 });
// demo::vpr_classes(), «Сведения об ОО для проведения ВПР».
const FORM = {
  title: "Сведения об ОО для проведения ВПР (e2e)",
  sheets: [{
    key: "classes", title: "КЛАССЫ", hint: "По строке на класс; итог и доля считаются сами.",
    max_rows: 200,
    columns: [
      { key: "class", title: "Класс", type: "text", required: true },
      { ...count("students", "Обучающихся"), required: true },
      count("russian", "Участников по русскому языку"),
      count("mathematics", "Участников по математике"),
      { key: "participants", title: "Участников всего", type: "integer",
        formula: "СУММ(russian; mathematics)" },
      { key: "share", title: "Доля участников", type: "decimal", decimals: 1, unit: "%",
        formula: "ЕСЛИ(students > 0; participants / students * 100; 0)" },
      { key: "area", title: "Площадь кабинета", type: "decimal", decimals: 1, unit: "м²" },
      { key: "subjects", title: "Предметы ВПР", type: "list", multiple: true,
        values: ["Математика", "Русский язык", "Физика", "История"] },
      { key: "online", title: "Пишут на компьютере", type: "yes_no" },
      { key: "computers", title: "Компьютеров", type: "integer", required: true, min: 1, max: 40,
        shown_if: { column: "online", equals: "Да" } },
    ],
    rules: [{ rule: "unique", columns: ["class"] }],
    totals: ["students", "participants"],
  }, {
    key: "computers", title: "КОМПЬЮТЕРЫ",
    shown_if: { sheet: "classes", column: "online", equals: "Да" },
    columns: [{ key: "room", title: "Кабинет", type: "text", required: true },
      { key: "count", title: "Компьютеров", type: "integer", required: true }],
  }],
};

let page;
let school;
let collectionId;

withPublishedForm(FORM, { section: "Язык форм e2e", publication: "Сведения для ВПР" }, async (opened) => {
  ({ page, collectionId } = opened);
  school = await tokenOf(SCHOOL);
});

const cell = (row, column) => page.locator(`[id="cell-classes-${row}-${column}"]`);
const textOf = async (locator) => (await locator.textContent()).trim();

/** Types `text` over the cell's (F2 first: Playwright types Cyrillic letters as
 * text input without key presses, which would not start editing the cell). */
async function typeInto(row, column, text) {
  await cell(row, column).click();
  await page.keyboard.press("F2");
  await page.keyboard.press("Control+A");
  await page.keyboard.type(text);
  await page.keyboard.press("Enter");
}

/** The draft's cell as the server holds it, once it equals `expected`. */
const serverHas = (row, column, expected) =>
  serverHolds(school, collectionId, { sheet: "classes", row, column }, expected);

test("calculated cells follow the row as it is typed and cannot be typed over", async () => {
  await page.setViewportSize({ width: 1024, height: 600 });
  await page.goto(BASE_URL);
  await logIn(page, SCHOOL, DEMO_PASSWORD);
  await page.getByTestId("user-login").getByText(SCHOOL).waitFor();
  await page.goto(`${BASE_URL}/collections/${collectionId}`);
  await page.getByRole("grid").waitFor();
  await page.getByRole("columnheader", { name: /Доля участников, %/ }).waitFor();
  await page.getByRole("columnheader", { name: /Площадь кабинета, м²/ }).waitFor();

  await page.getByRole("button", { name: "Добавить строку" }).click();
  await typeInto(1, "class", "5А");
  await typeInto(1, "students", "24");
  assert.equal(await textOf(cell(1, "participants")), "", "nothing to add up yet");
  assert.equal(await textOf(cell(1, "share")), "0");
  await typeInto(1, "russian", "20");
  await typeInto(1, "mathematics", "3");
  assert.equal(await textOf(cell(1, "participants")), "23");
  assert.equal(await textOf(cell(1, "share")), "95,8");
  // The totals row «Итого» follows at the grid's foot.
  const totals = page.locator(".totals-row");
  assert.equal(await textOf(totals.getByRole("rowheader")), "Итого");
  assert.equal(await textOf(totals.getByRole("gridcell").nth(1)), "24");
  assert.equal(await textOf(totals.getByRole("gridcell").nth(4)), "23");
  assert.equal(await cell(1, "participants").getAttribute("aria-readonly"), "true");
  assert.match(
    await cell(1, "participants").getAttribute("title"),
    /Вычисляется: СУММ\(«Участников по русскому языку»; «Участников по математике»\)/,
  );

  // Typing into the total is refused with the reason, and changes nothing.
  await cell(1, "participants").click();
  await page.keyboard.type("9");
  await page.getByText("Эта ячейка вычисляется по формуле и не изменяется").waitFor();
  assert.equal(await textOf(cell(1, "participants")), "23");

  // Two places after the comma where the column keeps one is an error.
  await typeInto(1, "area", "52,25");
  await page.getByRole("button", { name: "Ошибки (1)" }).waitFor();
  assert.match(await cell(1, "area").getAttribute("title"), /Не больше 1 знака после запятой/);
  await typeInto(1, "area", "52,5");
  await page.getByRole("button", { name: "Ошибки (0)" }).waitFor();

  await serverHas(1, "participants", "23");
  await serverHas(1, "share", "95.8");
  await screenshot(page, "form-language-calculated");
  await assertAccessible(page, "a sheet with calculated columns");

  // A changed input recomputes on the server as in the editor.
  await typeInto(1, "mathematics", "4");
  assert.equal(await textOf(cell(1, "participants")), "24");
  await serverHas(1, "participants", "24");
  await serverHas(1, "share", "100");
  await page.setViewportSize({ width: 1366, height: 768 });
});

test("a list cell takes several values, each chosen after the last «;»", async () => {
  await page.goto(`${BASE_URL}/collections/${collectionId}`);
  await page.getByRole("grid").waitFor();
  await cell(1, "subjects").click();
  await page.keyboard.press("F2");
  await page.keyboard.type("фи");
  await page.getByRole("option", { name: "Физика" }).waitFor();
  await page.keyboard.press("Enter");
  assert.equal(await textOf(cell(1, "subjects")), "Физика");
  // F2 goes on typing the cell: the list offers the next value alone.
  await cell(1, "subjects").click();
  await page.keyboard.press("F2");
  await page.keyboard.type("; ру");
  const offered = page.getByRole("option");
  assert.deepEqual(await offered.allTextContents(), ["Русский язык"]);
  // Picking keeps the cell open for one more.
  await offered.first().click();
  assert.equal(await page.locator(".cell-editor input").inputValue(), "Физика; Русский язык; ");
  await page.keyboard.type("мат");
  await page.keyboard.press("Enter");
  assert.equal(await textOf(cell(1, "subjects")), "Математика; Русский язык; Физика");
  await serverHas(1, "subjects", "Математика; Русский язык; Физика");
  // A value not in the list is named.
  await typeInto(1, "subjects", "Физика; Пение");
  await page.getByRole("button", { name: "Ошибки (1)" }).waitFor();
  assert.match(await cell(1, "subjects").getAttribute("title"), /Нет в списке: «Пение»/);
  await typeInto(1, "subjects", "История");
  await page.getByRole("button", { name: "Ошибки (0)" }).waitFor();
  await assertAccessible(page, "a list cell of several values");
});

test("a column is asked for only in the rows where its condition holds", async () => {
  await page.goto(`${BASE_URL}/collections/${collectionId}`);
  await page.getByRole("grid").waitFor();
  const reason = "Заполняется, только если «Пишут на компьютере» = «Да»";
  assert.match(await cell(1, "computers").getAttribute("class"), /hidden-cell/);
  assert.equal(await cell(1, "computers").getAttribute("title"), reason);
  await cell(1, "computers").click();
  await page.keyboard.type("5");
  await page.getByText(reason).first().waitFor();
  assert.equal(await textOf(cell(1, "computers")), "");
  // «Да» asks for it: required now, then filled.
  await typeInto(1, "online", "да");
  await page.getByRole("button", { name: "Ошибки (1)" }).waitFor();
  assert.doesNotMatch(await cell(1, "computers").getAttribute("class"), /hidden-cell/);
  await typeInto(1, "computers", "12");
  await page.getByRole("button", { name: "Ошибки (0)" }).waitFor();
  await serverHas(1, "computers", "12");
  // «Нет» hides it again, and the value goes, here and on the server.
  await typeInto(1, "online", "нет");
  assert.equal(await textOf(cell(1, "computers")), "");
  await serverHas(1, "computers", "");
  await page.getByRole("button", { name: "Ошибки (0)" }).waitFor();
  await assertAccessible(page, "a sheet with a conditional column");
});

test("a sheet is asked for only when another sheet's answer says so", async () => {
  await page.goto(`${BASE_URL}/collections/${collectionId}`);
  await page.getByRole("grid").waitFor();
  const tab = page.locator(".sheet-tab", { hasText: "КОМПЬЮТЕРЫ" });
  await tab.getByText("(не заполняется)").waitFor();
  await tab.getByRole("button").click();
  await page.getByRole("note").filter({
    hasText: "Лист заполняется, только если на листе «КЛАССЫ» в столбце «Пишут на компьютере» указано «Да»",
  }).waitFor();
  await page.locator(".sheet-tab", { hasText: "КЛАССЫ" }).getByRole("button").click();
  await typeInto(1, "online", "да");
  await page.getByRole("button", { name: "Ошибки (1)" }).waitFor();
  assert.equal(await tab.getByText("(не заполняется)").count(), 0, "asked for now");
  await typeInto(1, "online", "нет");
  await tab.getByText("(не заполняется)").waitFor();
  await assertAccessible(page, "a sheet left out by its condition");
});

test("last year's numbers fill this year's draft, marked where they came from and locked", async () => {
  const PARTICIPANTS = {
    title: "Участники ВПР по предметам (e2e)",
    sheets: [{
      key: "subjects", title: "ПРЕДМЕТЫ",
      columns: [
        { key: "subject", title: "Предмет", type: "text" },
        { key: "last", title: "Участников в прошлом году", type: "integer",
          prefill: "last_time", prefill_from: "participants", prefill_locked: true },
        { key: "participants", title: "Участников", type: "integer" },
      ],
      fixed_rows: [{ subject: "Математика" }, { subject: "Физика" }],
    }],
  };
  const lastYear = await publishCollection(PARTICIPANTS, {
    section: "Участники прошлого года e2e", publication: "Участники ВПР 2025",
  });
  const saved = await api(school, "PATCH", `/api/collections/${lastYear.collectionId}/draft`, {
    version: 0, change_id: "e2e-last-year",
    changes: [{ op: "set", sheet: "subjects", row: 1, column: "participants", value: "25" }],
  });
  await api(school, "POST", `/api/collections/${lastYear.collectionId}/submit`, { version: saved.version });
  const thisYear = await publishCollection(null, {
    section: "Участники этого года e2e", publication: "Участники ВПР 2026",
    formVersionId: lastYear.formVersionId, opensAt: "2022-08-30T17:41:00Z",
  });

  await page.setViewportSize({ width: 1024, height: 600 });
  await page.goto(`${BASE_URL}/collections/${thisYear.collectionId}`);
  await page.getByRole("grid").waitFor();
  const subject = (row, column) => page.locator(`[id="cell-subjects-${row}-${column}"]`);
  assert.equal(await textOf(subject(1, "last")), "25");
  assert.equal(await textOf(subject(2, "last")), "", "nothing for physics last year");
  assert.equal(await subject(1, "last").getAttribute("aria-readonly"), "true");
  assert.match(await subject(1, "last").getAttribute("class"), /prefilled/);
  assert.match(
    await subject(1, "last").getAttribute("title"),
    /Заполнено из прошлой сдачи формы; не изменяется/,
  );

  // Typing over it is refused with the reason; this year's count is the school's.
  await subject(1, "last").click();
  await page.keyboard.type("3");
  await page.getByText("Эта ячейка заполнена из прошлой сдачи формы и не изменяется").waitFor();
  assert.equal(await textOf(subject(1, "last")), "25");
  await subject(1, "participants").click();
  await page.keyboard.press("F2");
  await page.keyboard.type("27");
  await page.keyboard.press("Enter");
  await serverHolds(school, thisYear.collectionId, { sheet: "subjects", row: 1, column: "participants" }, "27");
  await serverHolds(school, thisYear.collectionId, { sheet: "subjects", row: 1, column: "last" }, "25");
  await screenshot(page, "form-language-last-year");
  await assertAccessible(page, "a sheet prefilled from last year");
  await page.setViewportSize({ width: 1366, height: 768 });
});
