// The keyboard alone (issue #23): a school logs in, fills a form, submits it and
// logs out without touching the mouse; every step reached with Tab and Enter.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE_URL, DEMO_PASSWORD, screenshot, api, tokenOf, withPublishedForm } from "./browser.mjs";

const SCHOOL = "sch240003";
const FORM = {
  title: "Кабинеты для ВПР (e2e клавиатура)",
  sheets: [{
    key: "rooms", title: "КАБИНЕТЫ",
    columns: [
      { key: "room", title: "Кабинет", type: "text", required: true },
      { key: "seats", title: "Мест", type: "integer", required: true, min: 1, max: 60 },
    ],
  }],
};

let page;
let collectionId;

withPublishedForm(FORM, { section: "Клавиатура e2e", publication: "Кабинеты для ВПР" }, async (opened) => {
  ({ page, collectionId } = opened);
  page.on("dialog", (dialog) => dialog.accept());
});

/** Presses Tab until the focused element reads `name`. */
async function tabTo(name) {
  for (let presses = 0; presses < 80; presses += 1) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => document.activeElement?.textContent?.trim());
    if (focused === name) {
      return;
    }
  }
  assert.fail(`«${name}» is not reachable with Tab`);
}

test("log in, fill a form, submit and log out with the keyboard alone", async () => {
  await page.goto(BASE_URL);
  await page.getByLabel("Логин").focus();
  await page.keyboard.type(SCHOOL);
  await page.keyboard.press("Tab");
  await page.keyboard.type(DEMO_PASSWORD);
  await page.keyboard.press("Enter");
  await page.getByTestId("user-login").getByText(SCHOOL).waitFor();

  await page.goto(`${BASE_URL}/collections/${collectionId}`);
  await page.getByRole("grid").waitFor();
  await tabTo("Добавить строку");
  await page.keyboard.press("Enter");
  await page.keyboard.type("B-204");
  await page.keyboard.press("Tab");
  await page.keyboard.type("24");
  await page.keyboard.press("Enter");
  await page.getByRole("button", { name: "Ошибки (0)" }).waitFor();
  await page.getByText(/^Сохранено в \d\d:\d\d \(мск\)$/).waitFor();
  await screenshot(page, "keyboard-filled");

  // Tab goes on past the grid's last cell (never trapped) round to «Сдать отчет».
  await page.keyboard.press("Escape");
  await tabTo("Сдать отчет");
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/publications\//);
  const draft = await api(await tokenOf(SCHOOL), "GET", `/api/collections/${collectionId}/draft`);
  assert.deepEqual(draft.data.rooms, [{ room: "B-204", seats: "24" }]);
  assert.equal(draft.progress.status_title, "Сдано");

  await tabTo("Выйти");
  await page.keyboard.press("Enter");
  await page.getByLabel("Логин").waitFor();
});
