// The form editor as a spreadsheet: a block pasted from Excel (Russian numbers and
// dates), copied back, cleared, undone and redone; a list filtered as one types and
// a date picked from the calendar; two tabs saving the same draft (merged cell by
// cell, both values offered for the same cell); a template with an error listed in
// «Ошибки»; edits made while the server is down sent once it is back, even after
// the tab was closed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { readFileSync } from "node:fs";
import { BASE_URL, DEMO_PASSWORD, screenshot, logIn, api, tokenOf, assertAccessible, serverHolds, withPublishedForm } from "./browser.mjs";

const SCHOOL = "sch240002";
const FORM = {
  title: "Расписание экзаменов (e2e редактор)",
  sheets: [{
    key: "exams", title: "ЭКЗАМЕНЫ", hint: "Одна строка на каждый экзамен.",
    columns: [
      { key: "subject", title: "Предмет", type: "list", required: true,
        values: ["Математика", "Русский язык", "Физика", "История", "Химия"] },
      { key: "exam_date", title: "Дата", type: "date", required: true,
        date_from: "2021-09-13", date_to: "2021-10-16", hint: "С 13.09.2021 по 16.10.2021" },
      { key: "students", title: "Участников", type: "integer", required: true, min: 0, max: 5000 },
      { key: "share", title: "Доля", type: "decimal", min: 0, max: 100 },
      { key: "note", title: "Примечание", type: "text" },
    ],
  }],
};

let browser;
let page;
let school;
let collectionId;

withPublishedForm(FORM, { section: "Редактор e2e", publication: "Расписание экзаменов" }, async (opened) => {
  ({ browser, page, collectionId } = opened);
  school = await tokenOf(SCHOOL);
  await browser.grantPermissions(["clipboard-read", "clipboard-write"]);
});

/** Logs in as the school on `base` and opens the form there. */
async function openForm(target = page, base = BASE_URL) {
  await target.goto(base);
  const logOut = target.getByRole("button", { name: "Выйти" });
  await target.getByLabel("Логин").or(logOut).waitFor();
  if (!(await logOut.isVisible())) {
    await logIn(target, SCHOOL, DEMO_PASSWORD);
    await target.getByTestId("user-login").getByText(SCHOOL).waitFor();
  }
  await target.goto(`${base}/collections/${collectionId}`);
  await target.getByRole("grid").waitFor();
}

const cell = (row, column, target = page) => target.locator(`[id="cell-exams-${row}-${column}"]`);
const textOf = async (locator) => (await locator.textContent()).trim();
const errors = (count, target = page) => target.getByRole("button", { name: `Ошибки (${count})` }).waitFor();

/** The draft's cell as the server holds it, once it equals `expected`. */
const serverHas = (row, column, expected) =>
  serverHolds(school, collectionId, { sheet: "exams", row, column }, expected);

test("at 1024×600 the first screen holds the tabs and «Добавить строку», hints show on focus", async () => {
  await page.setViewportSize({ width: 1024, height: 600 });
  await openForm();
  await page.getByText("Строк пока нет").waitFor();
  // An empty sheet's grid points at no cell.
  assert.equal(await page.getByRole("grid").getAttribute("aria-activedescendant"), null);
  for (const control of [
    page.getByRole("button", { name: "Добавить строку" }),
    page.locator(".sheet-tab.active button"),
  ]) {
    const box = await control.boundingBox();
    assert.ok(box && box.y + box.height <= 600, `${await control.textContent()} is below the first screen`);
  }
  const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.equal(sideways, 0, "no horizontal scroll at 1024 px");
  // The grid is as tall as its rows: no white box under an empty sheet.
  const grid = await page.locator(".form-grid-scroll").boundingBox();
  assert.ok(grid.height < 120, `an empty grid is ${grid.height} px tall`);
  // A column's «i» shows its hint on keyboard focus, not only on hover.
  const mark = page.getByRole("columnheader", { name: /Дата/ }).locator(".hint-mark");
  await mark.focus();
  const shown = await mark.evaluate((el) => getComputedStyle(el, "::after").content);
  assert.equal(shown, '"С 13.09.2021 по 16.10.2021"');
  await screenshot(page, "editor-1024x600");
  await assertAccessible(page, "an empty sheet at 1024×600");
  await page.setViewportSize({ width: 1366, height: 768 });
});

test("a block pasted from a spreadsheet, copied back, cleared, undone and redone", async () => {
  await openForm();
  await page.getByText("Строк пока нет").waitFor();
  await page.getByRole("button", { name: "Добавить строку" }).click();
  const block = "Математика\t15.09.2021\t1 234\t12,5\tутро\r\nфизика\t16.09.2021\t40\t7\t\"два\tслова\"\r\n";
  await page.evaluate((text) => navigator.clipboard.writeText(text), block);
  await page.keyboard.press("Control+V");
  assert.equal(await textOf(cell(1, "students")), "1234");
  assert.equal(await textOf(cell(1, "share")), "12,5");
  assert.equal(await textOf(cell(1, "exam_date")), "15.09.2021");
  assert.equal(await textOf(cell(2, "subject")), "Физика", "a list value is read whatever its case");
  assert.equal(await cell(2, "note").textContent(), "два\tслова");
  await errors(0);
  await screenshot(page, "editor-pasted");
  await assertAccessible(page, "a filled sheet");

  // One paste is one undo step; redo brings it back.
  await page.keyboard.press("Control+Z");
  await cell(2, "subject").waitFor({ state: "detached" });
  assert.equal(await textOf(cell(1, "students")), "");
  await page.keyboard.press("Control+Y");
  assert.equal(await textOf(cell(2, "students")), "40");

  // A range selected with Shift+arrows copies as the spreadsheet's text.
  await cell(1, "students").click();
  await page.keyboard.press("Shift+ArrowRight");
  await page.keyboard.press("Shift+ArrowDown");
  await page.keyboard.press("Control+C");
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), "1234\t12,5\r\n40\t7\r\n");
  assert.equal(await page.locator("td.selected").count(), 4);

  // Delete empties the range (two required cells now), Ctrl+Z puts it back.
  await page.keyboard.press("Delete");
  await errors(2);
  assert.equal(await textOf(cell(2, "share")), "");
  await page.keyboard.press("Control+Z");
  await errors(0);
  assert.equal(await textOf(cell(2, "share")), "7");
  await serverHas(1, "students", "1234");
  await serverHas(2, "share", "7");
});

test("Tab leaves the grid at its last cell, Shift+Tab at its first; F6 goes to the sheet tabs", async () => {
  await openForm();
  const onGrid = () => page.evaluate(() => document.activeElement?.getAttribute("role") === "grid");
  await cell(2, "note").click();
  assert.ok(await onGrid());
  await page.keyboard.press("Tab");
  assert.ok(!(await onGrid()), "Tab from the last cell leaves the grid");
  await cell(1, "subject").click();
  await page.keyboard.press("Shift+Tab");
  assert.ok(!(await onGrid()), "Shift+Tab from the first cell leaves the grid");
  // Inside the grid Tab still moves from cell to cell, as in Excel.
  await cell(1, "students").click();
  await page.keyboard.press("Tab");
  await page.locator('[role=grid][aria-activedescendant="cell-exams-1-share"]').waitFor();
  await page.keyboard.press("F6");
  assert.ok(await page.evaluate(() => document.activeElement?.closest(".sheet-tab.active") !== null));
});

test("a list filters as one types, a date comes from the calendar, a bad date is red", async () => {
  await openForm();
  await page.getByRole("button", { name: "Добавить строку" }).click();
  await page.keyboard.press("F2");
  await page.keyboard.type("ист");
  await page.getByRole("option", { name: "История" }).waitFor();
  assert.equal(await page.getByRole("option").count(), 1);
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Tab");
  assert.equal(await textOf(cell(3, "subject")), "История");

  // The calendar opens on the first allowed month; a click fills the cell.
  await page.keyboard.press("F2");
  await page.getByRole("group", { name: "Календарь" }).getByText("Сентябрь 2021").waitFor();
  await screenshot(page, "editor-calendar");
  await page.getByRole("button", { name: "20.09.2021" }).click();
  assert.equal(await textOf(cell(3, "exam_date")), "20.09.2021");

  // Typed over, outside the allowed dates: red, with its message.
  await page.keyboard.type("01.01.2020");
  await page.keyboard.press("Enter");
  await cell(3, "exam_date").and(page.locator(".invalid")).waitFor();
  assert.match(await cell(3, "exam_date").getAttribute("title"), /13\.09\.2021/);
  assert.equal(await page.getByRole("button", { name: "Сдать отчет" }).isDisabled(), true);
  await page.keyboard.press("Control+Z");
  assert.equal(await textOf(cell(3, "exam_date")), "20.09.2021");

  // Esc gives the old text back.
  await cell(3, "students").click();
  await page.keyboard.type("77");
  await page.keyboard.press("Escape");
  assert.equal(await textOf(cell(3, "students")), "");
  await page.keyboard.type("15");
  await page.keyboard.press("Enter");
  await errors(0);
  await serverHas(3, "students", "15");
});

test("two tabs: changes to different cells merge, the same cell offers both values", async () => {
  await openForm();
  const other = await browser.newPage();
  await openForm(other);

  // This tab saves first; the other, still on the old version, gets a 409 and merges.
  await cell(1, "note").click();
  await page.keyboard.type("one");
  await page.keyboard.press("Enter");
  await serverHas(1, "note", "one");
  await cell(2, "note", other).click();
  await other.keyboard.type("two");
  await other.keyboard.press("Enter");
  await serverHas(2, "note", "two");
  await serverHas(1, "note", "one");
  assert.equal(await textOf(cell(1, "note", other)), "one");

  // Both change the same cell: the later one is asked which value stays.
  await cell(1, "students").click();
  await page.keyboard.type("50");
  await page.keyboard.press("Enter");
  await serverHas(1, "students", "50");
  await cell(1, "students", other).click();
  await other.keyboard.type("60");
  await other.keyboard.press("Enter");
  const question = other.getByRole("alert").filter({ hasText: "изменены и здесь, и в другой вкладке" });
  await question.getByText("у вас «60», в другой вкладке «50»").waitFor();
  await screenshot(other, "editor-overlap");
  await question.getByRole("button", { name: "Взять другое" }).click();
  await question.waitFor({ state: "detached" });
  assert.equal(await textOf(cell(1, "students", other)), "50");
  await serverHas(1, "students", "50");

  // A stale tab brought to the front shows the other's value at once, without
  // a save of its own.
  await cell(2, "share").click();
  await page.keyboard.type("9");
  await page.keyboard.press("Enter");
  await serverHas(2, "share", "9");
  await other.evaluate(() => window.dispatchEvent(new Event("focus")));
  await cell(2, "share", other).getByText("9", { exact: true }).waitFor();

  // «Сдать отчет» in a tab that missed a save: merged in and asked again, then
  // submitted; never a refusal to merge by hand.
  await cell(2, "note").click();
  await page.keyboard.type("three");
  await page.keyboard.press("Enter");
  await serverHas(2, "note", "three");
  const asked = [];
  other.on("dialog", (dialog) => {
    asked.push(dialog.message());
    dialog.accept();
  });
  await other.getByRole("button", { name: "Сдать отчет" }).click();
  await other.waitForURL(/\/publications\//);
  assert.equal(asked.length, 2, asked.join(" | "));
  assert.match(asked[1], /Их изменения добавлены в таблицу/);
  const draft = await api(school, "GET", `/api/collections/${collectionId}/draft`);
  assert.equal(draft.data.exams[1].note, "three", "the other's change went in with the submission");
  assert.equal(draft.progress.status_title, "Сдано");
  await other.close();
});

test("a template with a word in a number cell lists it in «Ошибки» and changes nothing", async () => {
  await openForm();
  // A number out of range would be kept as the draft's error; a word cannot be a number.
  const csv = "Предмет;Дата;Участников;Доля;Примечание\r\nМатематика;15.09.2021;много;;\r\n";
  await page.locator(".template-upload input[type=file]").setInputFiles({
    name: "экзамены.csv", mimeType: "text/csv", buffer: Buffer.from(csv),
  });
  await page.getByRole("button", { name: "Загрузить шаблон" }).click();
  await page.getByText("Ошибки в загруженном файле (черновик не изменен)").waitFor();
  // The file's row, and the editor's (its rows start under the header).
  await page.getByText(/строка 2, столбец «Участников».*\(в редакторе — строка 1\)/).waitFor();
  // The file's errors are not the draft's: the draft itself is said to be clean.
  await page.getByText("В черновике ошибок нет").waitFor();
  await screenshot(page, "editor-upload-errors");
  await assertAccessible(page, "the editor with the upload's errors open");
  assert.equal(await textOf(cell(1, "students")), "50");
  // The user's own file comes back with the wrong cell marked.
  const [marked] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Скачать файл с отметками ошибок" }).click(),
  ]);
  assert.equal(marked.suggestedFilename(), "экзамены — ошибки.xlsx");
  assert.equal(readFileSync(await marked.path()).subarray(0, 2).toString(), "PK");
});

/** `oko serve` of this test on the suite's data, on `port`. */
function startServer(port) {
  const server = spawn(process.env.OKO_E2E_BIN, ["serve"], {
    env: {
      ...process.env,
      OKO_DATABASE_URL: `sqlite://${process.env.OKO_E2E_DATA_DIR}/oko.db?mode=rwc`,
      OKO_DATA_DIR: process.env.OKO_E2E_DATA_DIR,
      OKO_LISTEN: `127.0.0.1:${port}`,
      OKO_SPA_DIR: process.env.OKO_E2E_SPA_DIR,
    },
    stdio: "ignore",
  });
  return server;
}

async function waitUntilUp(base) {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    try {
      await fetch(base);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`${base} did not start`);
}

/** Runs `steps` against an `oko serve` of its own on the suite's data, on a free
 * port; `steps` gets its base URL and a way to stop it (with a signal) and start
 * it again. The server is killed afterwards, whatever happened. */
async function withOwnServer(steps) {
  // A port the system says is free (a random one once met the suite's own
  // server: the test then talked to it, and waited forever for its own to stop).
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let server = startServer(port);
  const exited = (child) => child.exitCode !== null || child.signalCode !== null;
  const stop = async (signal) => {
    if (exited(server)) {
      throw new Error("the test's own server had already stopped");
    }
    const gone = new Promise((resolve) => server.once("exit", resolve));
    server.kill(signal);
    await gone;
  };
  const start = async () => {
    server = startServer(port);
    await waitUntilUp(base);
    assert.ok(!exited(server), "the test's own server did not start");
  };
  try {
    await waitUntilUp(base);
    assert.ok(!exited(server), "the test's own server did not start");
    await steps({ base, stop, start });
  } finally {
    server.kill("SIGKILL");
  }
}

/** A TCP port nothing listens on now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const ownServer = {
  skip: !process.env.OKO_E2E_BIN && "needs OKO_E2E_BIN (cargo xtask test sets it)",
  timeout: 120_000,
};

test("edits made while the server is down are sent when it is back, even after the tab closed",
  ownServer, () => withOwnServer(async ({ base, stop, start }) => {
    const tab = await browser.newPage();
    await openForm(tab, base);
    await stop("SIGKILL");
    await cell(2, "students", tab).click();
    await tab.keyboard.type("41");
    await tab.keyboard.press("Enter");
    await tab.getByText("Нет связи с сервером — изменения сохранятся, когда связь вернётся").waitFor({ timeout: 15_000 });
    await screenshot(tab, "editor-server-down");
    await tab.close();

    await start();
    const again = await browser.newPage();
    await openForm(again, base);
    assert.equal(await textOf(cell(2, "students", again)), "41");
    await serverHas(2, "students", "41");
    await again.close();
  }));

test("a server restarted mid-edit gets the edit from the same tab by itself",
  ownServer, () => withOwnServer(async ({ base, stop, start }) => {
    const tab = await browser.newPage();
    await openForm(tab, base);
    await stop("SIGTERM");
    await cell(2, "students", tab).click();
    await tab.keyboard.type("43");
    await tab.keyboard.press("Enter");
    await tab.getByText("Нет связи с сервером — изменения сохранятся, когда связь вернётся")
      .waitFor({ timeout: 15_000 });
    await start();
    // Retried with back-off: no click, no reload.
    await tab.getByText(/^Сохранено в/).waitFor({ timeout: 40_000 });
    await screenshot(tab, "editor-server-back");
    await serverHas(2, "students", "43");
    await tab.close();
  }));
