// File cells in the editor (issue #26): a school attaches the scan of a signed
// protocol to a row from the keyboard at 1024×600 (F2 on the file cell puts
// it on «Прикрепить файл»), downloads it back by its name and submits; its
// coordinator reads the form, downloads the file and the organisation's zip of
// its data with every file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { screenshot, tokenOf, assertAccessible, serverHolds, openAs, withPublishedForm } from "./browser.mjs";

// A school whose password no other test changes.
const SCHOOL = "sch240001";
const FORM = {
  title: "Протоколы ВПР (e2e)",
  sheets: [{
    key: "rooms", title: "АУДИТОРИИ", max_rows: 20,
    columns: [
      { key: "room", title: "Аудитория", type: "text", required: true },
      { key: "scan", title: "Скан протокола", type: "file", required: true },
    ],
  }],
};
const SCAN = Buffer.from("%PDF-1.4\n% протокол проведения ВПР, подписан\n%%EOF\n");

let page;
let school;
let collectionId;

withPublishedForm(FORM, { section: "Файлы в формах e2e", publication: "Протоколы ВПР" }, async (opened) => {
  ({ page, collectionId } = opened);
  school = await tokenOf(SCHOOL);
});

const cell = (row, column) => page.locator(`[id="cell-rooms-${row}-${column}"]`);

test("a school attaches a scan to a row from the keyboard, gets it back and submits", async () => {
  await page.setViewportSize({ width: 1024, height: 600 });
  await openAs(page, SCHOOL, `/collections/${collectionId}`);
  await page.getByRole("grid").waitFor();

  await page.getByRole("button", { name: "Добавить строку" }).click();
  await cell(1, "room").click();
  await page.keyboard.press("F2");
  await page.keyboard.type("Кабинет 12");
  await page.keyboard.press("Tab");
  // The empty file cell is required; F2 (or typing) on it goes to
  // «Прикрепить файл».
  assert.equal(await cell(1, "scan").getAttribute("aria-invalid"), "true");
  await page.keyboard.press("F2");
  const attach = page.getByLabel("Прикрепить файл");
  assert.equal(await attach.evaluate((input) => input === document.activeElement), true,
    "F2 on a file cell puts the keyboard on attaching");
  await screenshot(page, "file-cell-empty");
  await assertAccessible(page, "a file cell waiting for its file");

  await attach.setInputFiles({ name: "Протокол 12.pdf", mimeType: "application/pdf", buffer: SCAN });
  await page.getByText("Прикреплен файл «Протокол 12.pdf»").waitFor();
  const held = await serverHolds(school, collectionId, { sheet: "rooms", row: 1, column: "scan" },
    /^[0-9a-f-]{36}:Протокол 12\.pdf$/);
  assert.equal(await cell(1, "scan").textContent(), "Протокол 12.pdf");
  assert.equal(await cell(1, "scan").getAttribute("aria-invalid"), "false");
  // The keyboard is back on the grid.
  await page.keyboard.press("ArrowLeft");
  assert.match(await cell(1, "room").getAttribute("class"), /active/);
  await page.keyboard.press("ArrowRight");

  // The name downloads the file as it was attached.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Протокол 12.pdf" }).click(),
  ]);
  assert.equal(download.suggestedFilename(), "Протокол 12.pdf");
  assert.deepEqual(readFileSync(await download.path()), SCAN);
  await screenshot(page, "file-cell-attached");
  await assertAccessible(page, "a file cell with its file");

  // «Открепить» empties the cell, undo (Ctrl+Z) attaches it again.
  await page.getByRole("button", { name: "Открепить" }).click();
  await serverHolds(school, collectionId, { sheet: "rooms", row: 1, column: "scan" }, "");
  await cell(1, "scan").click();
  await page.keyboard.press("Control+z");
  await serverHolds(school, collectionId, { sheet: "rooms", row: 1, column: "scan" }, held);

  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: "Сдать отчет" }).click();
  await page.getByText(/^Вы заполнили форму/).waitFor();
  await page.setViewportSize({ width: 1366, height: 768 });
});

test("the coordinator downloads the school's file and its zip of data and files", async () => {
  await openAs(page, "mun24001", `/collections/${collectionId}?organisation=${SCHOOL}`);
  await page.getByRole("grid").waitFor();
  await cell(1, "scan").click();
  // A reader attaches nothing: F2 goes to the file itself.
  assert.equal(await page.getByLabel("Прикрепить файл").count(), 0);
  await page.keyboard.press("F2");
  const name = page.getByRole("button", { name: "Протокол 12.pdf" });
  assert.equal(await name.evaluate((button) => button === document.activeElement), true);
  const [file] = await Promise.all([page.waitForEvent("download"), page.keyboard.press("Enter")]);
  assert.deepEqual(readFileSync(await file.path()), SCAN);

  const [zip] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Скачать архив с файлами" }).click(),
  ]);
  assert.equal(zip.suggestedFilename(), `${FORM.title}.zip`);
  const path = await zip.path();
  const names = execFileSync("unzip", ["-Z1", path], { encoding: "utf8" }).trim().split("\n");
  assert.deepEqual(names, [
    `${FORM.title} ${SCHOOL}.xlsx`,
    "Файлы/АУДИТОРИИ/Строка 1, Скан протокола — Протокол 12.pdf",
  ]);
  assert.deepEqual(execFileSync("unzip", ["-p", path, names[1]]), SCAN);
  await assertAccessible(page, "a coordinator reading a form with files");
});
