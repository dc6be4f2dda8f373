// Accounts (seed 003, step 1; seed 002 §1): a school changes its password in
// «Паспорт» with the policy shown as it types; a municipal coordinator issues a
// new password to one of its schools (shown once), blocks and unblocks it; the
// region reads all of it in «Журнал событий».
import { test } from "node:test";
import assert from "node:assert/strict";
import { DEMO_PASSWORD, screenshot, assertAccessible, openAs, withBrowser } from "./browser.mjs";

let page;

withBrowser((opened) => ({ page } = opened));

test("a school changes its password under the policy", async () => {
  await openAs(page, "sch240005", "/passport", DEMO_PASSWORD);
  const form = page.locator(".password-change");
  await form.getByLabel("Текущий пароль").fill(DEMO_PASSWORD);
  await form.getByLabel("Новый пароль").fill("password1");
  await form.getByText("Этот пароль слишком распространен").waitFor();
  assert.equal(await form.getByRole("button", { name: "Сменить пароль" }).isDisabled(), true);
  await form.getByLabel("Новый пароль").fill("Kedr-Lipa-42");
  await form.getByRole("button", { name: "Сменить пароль" }).click();
  await form.getByText("Пароль изменен").waitFor();
  // The tab that changed it stays logged in: the old tokens died with the old
  // password, the new session came with the answer (its refresh cookie too).
  await page.waitForTimeout(1500);
  await page.reload();
  await page.locator(".password-change").waitFor();
  await openAs(page, "sch240005", "/passport", "Kedr-Lipa-42");
});

test("a coordinator issues a password, blocks and unblocks a school; the region reads the log", async () => {
  await openAs(page, "mun24001", "/passport", DEMO_PASSWORD);
  await page.getByPlaceholder("Логин или название").fill("sch240004");
  await page.getByRole("button", { name: "Искать" }).click();
  const row = page.locator("table.grid tbody tr").filter({ hasText: "sch240004" });
  await row.waitFor();
  // The old password stops working at once: the button asks first.
  await row.getByRole("button", { name: "Выдать новый пароль" }).click();
  assert.equal(await row.locator(".issued").count(), 0, "nothing issued on the first click");
  await row.getByRole("button", { name: "Отмена" }).click();
  await row.getByRole("button", { name: "Выдать новый пароль" }).click();
  await row.getByRole("button", { name: "Подтвердите: новый пароль для sch240004" }).click();
  await row.locator(".issued").waitFor();
  const issued = await row.locator(".issued").textContent();
  const password = issued.match(/sch240004: (\S+) —/)[1];
  assert.equal(password.length, 12);
  await screenshot(page, "accounts-issued-password");
  await row.getByRole("button", { name: "Заблокировать" }).click();
  await row.getByText("sch240004 заблокирована").waitFor();
  await row.getByRole("button", { name: "Разблокировать" }).click();
  await row.getByText("sch240004 разблокирована").waitFor();

  await openAs(page, "sch240004", "/passport", password);

  await openAs(page, "spo_coord_24", "/exchange", DEMO_PASSWORD);
  await page.getByRole("link", { name: "Журнал событий" }).click();
  await page.getByRole("heading", { name: "Журнал событий" }).waitFor();
  await page.getByLabel("Логин").fill("sch240004");
  await page.getByRole("button", { name: "Показать" }).click();
  const log = page.locator(".audit-table tbody");
  await log.getByText("Выдан новый пароль").waitFor();
  await log.getByText("Учетная запись заблокирована").waitFor();
  await log.getByText("Учетная запись разблокирована").waitFor();
  await log.getByText("Вход", { exact: true }).first().waitFor();
  await screenshot(page, "audit-log");
  await assertAccessible(page, "«Журнал событий»");
});

test("a school keeps its contacts in «Паспорт»; its coordinator reads them and the history", async () => {
  await openAs(page, "sch240006", "/passport", DEMO_PASSWORD);
  const card = page.locator("form.passport");
  await card.getByRole("heading", { name: /Паспорт:/ }).waitFor();
  assert.equal(await card.locator("#passport-address").evaluate((e) => e.tagName), "SPAN", "the address is the operator's");
  await card.getByLabel("Телефон").fill("звоните");
  await card.getByRole("button", { name: "Сохранить паспорт" }).click();
  await card.getByText("Телефон: ожидается от 6 до 15 цифр").waitFor();
  await card.getByLabel("Телефон").fill("+7 (391) 200-00-06");
  await card.getByLabel("Электронная почта").fill("school6@example.ru");
  await card.getByRole("button", { name: "Сохранить паспорт" }).click();
  await card.getByText("Паспорт сохранен").waitFor();
  await page.locator(".passport-history tbody tr").filter({ hasText: "school6@example.ru" }).waitFor();

  await openAs(page, "mun24001", "/passport", DEMO_PASSWORD);
  await page.getByPlaceholder("Логин или название").fill("sch240006");
  await page.getByRole("button", { name: "Искать" }).click();
  await page.getByRole("link", { name: "sch240006" }).click();
  await page.getByRole("heading", { name: "Паспорт организации" }).waitFor();
  await page.locator("#passport-phone").getByText("+7 (391) 200-00-06").waitFor();
  assert.equal(await page.getByRole("button", { name: "Сохранить паспорт" }).count(), 0);
  await page.locator(".passport-history tbody tr").filter({ hasText: "Телефон" }).waitFor();
  await screenshot(page, "passport-coordinator");
});

test("the operator adds an organisation, imports a file with a mistake, then closes one", async () => {
  await openAs(page, "admin", "/exchange", DEMO_PASSWORD);
  await page.getByRole("link", { name: "Администрирование" }).click();
  const add = page.locator("form.admin-action").filter({ hasText: "Новая организация" });
  await add.getByLabel("Логин").fill("sch240777");
  await add.getByLabel("Полное наименование").fill("Средняя школа № 777");
  await add.getByLabel("Краткое наименование").fill("СШ № 777");
  await add.getByLabel("Номер муниципалитета").fill("1");
  await add.getByRole("button", { name: "Добавить организацию" }).click();
  const issued = await add.locator(".issued").textContent();
  const password = issued.match(/sch240777;(\S+)/)[1];

  const upload = page.locator("section").filter({ hasText: "Организации из Excel или CSV" });
  const header = "Логин;Полное наименование;Краткое наименование;Номер муниципалитета\r\n";
  await upload.locator("input[type=file]").setInputFiles({
    name: "организации.csv", mimeType: "text/csv",
    buffer: Buffer.from(`${header}sch240778;Школа 778;СШ № 778;1\r\nsch240777;Повтор;П;1\r\n`),
  });
  await upload.getByRole("button", { name: "Загрузить" }).click();
  await upload.getByRole("listitem").filter({ hasText: "Логин «sch240777» уже занят" }).waitFor();
  await screenshot(page, "admin-import-errors");
  await assertAccessible(page, "an import's errors");

  const close = page.locator("form.admin-action").filter({ hasText: "Закрыть организацию" });
  await close.getByLabel("Логин").fill("sch240777");
  await close.getByRole("button", { name: "Закрыть организацию" }).click();
  await close.getByText("Организация sch240777 закрыта").waitFor();
  assert.ok(password.length === 12);
});
