// «Общие списки» (issue #26): the operator names a list once on «Формы сбора
// данных», edits its values one per line, and a form naming it takes them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE_URL, DEMO_PASSWORD, api, logIn, tokenOf, assertAccessible, screenshot, withBrowser } from "./browser.mjs";

let page;
let admin;
const NAME = `subjects-e2e-${Date.now()}`;

withBrowser((opened) => ({ page, admin } = opened), async () => ({
  admin: await tokenOf("admin"),
}));

test("the operator keeps a list shared between forms and a form takes it", async () => {
  await page.setViewportSize({ width: 1024, height: 600 });
  await page.goto(BASE_URL);
  await logIn(page, "admin", DEMO_PASSWORD);
  await page.getByTestId("user-login").getByText("admin").waitFor();
  await page.goto(`${BASE_URL}/forms`);
  await page.getByRole("heading", { name: "Общие списки" }).waitFor();

  await page.getByLabel("Название нового списка").fill(NAME);
  await page.getByLabel("Значения, по одному в строке").last().fill("Математика\nИстория\n\n");
  await page.getByRole("button", { name: "Добавить список" }).click();
  await page.getByText(`Список «${NAME}» сохранен`).waitFor();
  const editor = page.locator("form.shared-list").filter({ has: page.getByRole("heading", { name: NAME }) });
  await editor.waitFor();

  // A value more, from the keyboard: the list's own box, then «Сохранить».
  const values = editor.getByLabel("Значения, по одному в строке");
  await values.focus();
  await page.keyboard.press("Control+End");
  await page.keyboard.type("\nФизика");
  await editor.getByRole("button", { name: "Сохранить" }).click();
  await editor.getByText(`Список «${NAME}» сохранен`).waitFor();
  const { items } = await api(admin, "GET", "/api/lists");
  assert.deepEqual(items.find((l) => l.name === NAME).values, ["Математика", "История", "Физика"]);
  await screenshot(page, "shared-lists");
  await assertAccessible(page, "the shared lists");

  // A form naming it takes its values.
  const saved = await api(admin, "POST", "/api/forms", {
    title: "Форма с общим списком (e2e)",
    sheets: [{ key: "works", title: "РАБОТЫ", columns: [
      { key: "subject", title: "Предмет", type: "list", list: NAME },
    ] }],
  });
  assert.deepEqual(saved.definition.sheets[0].columns[0].values, ["Математика", "История", "Физика"]);
  await page.setViewportSize({ width: 1366, height: 768 });
});
