// Soft checks in the editor (issue #26): an unusual number — outside its usual
// range, far from the municipality's median — is saved but marked, the line under
// the grid says why, and the school explains it (Shift+F2 from the keyboard, at
// 1024×600) before it can submit; the coordinator finds the submission with
// «есть пояснения» and reads the explanation on the cell.
import { test } from "node:test";
import assert from "node:assert/strict";
import { api, screenshot, tokenOf, assertAccessible, serverHolds, openAs, withPublishedForm } from "./browser.mjs";

// Schools whose passwords no other test changes (accounts.test.mjs changes
// sch240004–06).
const SCHOOL = "sch240001";
const FORM = {
  title: "Численность классов (e2e)",
  sheets: [{
    key: "classes", title: "КЛАССЫ", max_rows: 50,
    columns: [
      { key: "class", title: "Класс", type: "text", required: true },
      { key: "students", title: "Обучающихся", type: "integer", required: true, min: 0, max: 100,
        soft: { usual_min: 5, usual_max: 35, from_median: 100 } },
    ],
  }],
};
const EXPLANATION = "Объединили три класса на время ремонта";

let page;
let school;
let collectionId;

withPublishedForm(FORM, { section: "Мягкие проверки e2e", publication: "Численность классов" }, async (opened) => {
  ({ page, collectionId } = opened);
  school = await tokenOf(SCHOOL);
}, async ({ collectionId }) => {
  // Three neighbours of the municipality submitted classes of 20, 22 and 24.
  for (const [login, students] of [["sch240002", "20"], ["sch240003", "22"], ["spo240007", "24"]]) {
    const token = await tokenOf(login);
    const saved = await api(token, "PATCH", `/api/collections/${collectionId}/draft`, {
      version: 0, change_id: `e2e-soft-${login}`,
      changes: [
        { op: "set", sheet: "classes", row: 1, column: "class", value: "5А" },
        { op: "set", sheet: "classes", row: 1, column: "students", value: students },
      ],
    });
    await api(token, "POST", `/api/collections/${collectionId}/submit`, { version: saved.version });
  }
});

const cell = (row, column) => page.locator(`[id="cell-classes-${row}-${column}"]`);

test("an unusual value is explained from the keyboard before the form is submitted", async () => {
  await page.setViewportSize({ width: 1024, height: 600 });
  await openAs(page, SCHOOL, `/collections/${collectionId}`);
  await page.getByRole("grid").waitFor();

  await page.getByRole("button", { name: "Добавить строку" }).click();
  await cell(1, "class").click();
  await page.keyboard.press("F2");
  await page.keyboard.type("5А");
  await page.keyboard.press("Tab");
  await page.keyboard.type("60");
  await page.keyboard.press("Enter");
  await cell(1, "students").click();
  await serverHolds(school, collectionId, { sheet: "classes", row: 1, column: "students" }, "60");

  // Saved, but marked, with the reasons in the line under the grid.
  assert.equal(await cell(1, "students").getAttribute("aria-invalid"), "true");
  const hint = page.locator(".cell-hint");
  await hint.getByText(/обычно от 5 до 35; медиана по муниципалитету 22/).waitFor();
  const submit = page.getByRole("button", { name: "Сдать отчет" });
  assert.equal(await submit.isDisabled(), true, "no submitting an unexplained value");
  const box = page.getByLabel("Пояснение к значению");
  await box.waitFor();
  await screenshot(page, "soft-check-asked");
  await assertAccessible(page, "an unusual value asking for an explanation");

  // Shift+F2 goes to the explanation; Enter saves it and goes back to the grid.
  await page.keyboard.press("Shift+F2");
  assert.equal(await box.evaluate((input) => input === document.activeElement), true);
  await page.keyboard.type(EXPLANATION);
  await page.keyboard.press("Enter");
  await serverHolds(school, collectionId, { sheet: "classes", row: 1, column: "students:explanation" }, EXPLANATION);
  assert.equal(await cell(1, "students").getAttribute("aria-invalid"), "false");
  assert.match(await cell(1, "students").getAttribute("class"), /explained/);
  assert.equal(await cell(1, "students").getAttribute("title"), `Пояснение организации: ${EXPLANATION}`);
  // The keyboard is back on the grid: an arrow moves the active cell.
  await page.keyboard.press("ArrowLeft");
  assert.match(await cell(1, "class").getAttribute("class"), /active/);

  page.once("dialog", (dialog) => dialog.accept());
  await submit.click();
  await page.getByText(/^Вы заполнили форму/).waitFor();
  await page.setViewportSize({ width: 1366, height: 768 });
});

test("the coordinator finds the submissions with explanations and reads them", async () => {
  await openAs(page, "mun24001", `/collections/${collectionId}/monitoring`);
  await page.getByRole("heading", { name: `Мониторинг: ${FORM.title}` }).waitFor();
  const row = (name) => page.locator(".participants tbody tr").filter({ hasText: name });
  await row("sch240002").waitFor();

  await page.getByLabel("есть пояснения").check();
  await page.getByText("Найдено: 1").waitFor();
  await row(SCHOOL).getByText("есть пояснения").waitFor();
  await assertAccessible(page, "the participants with explanations");

  await row(SCHOOL).getByRole("link", { name: "Посмотреть" }).click();
  await page.getByText(`Организация ${SCHOOL}, только просмотр`).waitFor();
  await cell(1, "students").click();
  await page.getByText(`Пояснение организации: ${EXPLANATION}`).first().waitFor();
  assert.equal(await cell(1, "students").getAttribute("title"), `Пояснение организации: ${EXPLANATION}`);
  await screenshot(page, "soft-check-coordinator");
});
