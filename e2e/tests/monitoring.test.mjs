// Monitoring a collection: a municipal coordinator opens «Мониторинг» from the
// publication, sees the counts and «Список участников» (those who started, then
// those who did not), filters and searches it, opens a school's form read-only and
// returns its submission for revision; the school then sees why on its block.
// «Экспорт статусов» is built in the background and downloaded; the bell hears of
// returns live.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { BASE_URL, screenshot, api, tokenOf, assertAccessible, publishCollection, openAs, withPublishedForm } from "./browser.mjs";

const FORM = {
  title: "Сведения о кабинетах (e2e мониторинг)",
  sheets: [{
    key: "rooms", title: "КАБИНЕТЫ",
    columns: [
      { key: "room", title: "Кабинет", type: "text", required: true },
      { key: "seats", title: "Мест", type: "integer", required: true, min: 1, max: 100 },
    ],
  }],
};

let page;
let publicationPath;
let collectionId;

withPublishedForm(FORM, { section: "Мониторинг e2e", publication: "Сведения о кабинетах" }, async (opened) => {
  ({ page, collectionId, publicationPath } = opened);
}, async ({ collectionId }) => {
  const school = await tokenOf("sch240001");
  const draft = await api(school, "PATCH", `/api/collections/${collectionId}/draft`, {
    version: 0, change_id: "e2e-1",
    changes: [
      { op: "set", sheet: "rooms", row: 1, column: "room", value: "101" },
      { op: "set", sheet: "rooms", row: 1, column: "seats", value: "30" },
    ],
  });
  await api(school, "POST", `/api/collections/${collectionId}/submit`, { version: draft.version });
});

const row = (name) => page.locator(".participants tbody tr").filter({ hasText: name });

test("a coordinator follows who has done what and returns a submission for revision", async () => {
  await openAs(page, "mun24001", publicationPath);
  // The counts are in the block itself, with the time left; «Мониторинг» one click away.
  const counts = page.locator(".collection .scope-counts");
  await counts.getByText(/^Всего \d+ · Сдано 1 · В работе \d+ · Не приступило \d+$/).waitFor();
  await page.locator(".collection").getByText(/^До окончания приёма: \d+ (день|дня|дней)/).waitFor();
  await page.locator(".collection").getByRole("link", { name: "Мониторинг" }).click();
  await page.getByRole("heading", { name: `Мониторинг: ${FORM.title}` }).waitFor();
  const stats = page.getByLabel("Статистика");
  await stats.getByText("Всего").waitFor();
  assert.equal((await stats.locator(".stat").filter({ hasText: "Сдано" }).locator("dd").textContent()).trim(), "1");
  await row("sch240001").getByText("Сдано").waitFor();
  await page.getByText("Список пользователей, не приступивших к сбору данных").waitFor();
  await screenshot(page, "monitoring");
  await assertAccessible(page, "«Мониторинг»");

  // «Экспорт статусов» is made in the background, then downloads.
  await page.getByRole("button", { name: "Экспорт статусов" }).click();
  const report = page.locator(".job").filter({ hasText: "Экспорт статусов" }).first();
  await report.getByText(/^Отчёт #\d+ готов к загрузке$/).waitFor();
  // What, when (Moscow time) and the format.
  await report.locator(".job-format").getByText("XLSX").waitFor();
  await report.getByText(/^заказан \d\d\.\d\d\.\d{4} \d\d:\d\d \(мск\)$/).waitFor();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    report.getByRole("button", { name: "Загрузить отчёт" }).click(),
  ]);
  assert.equal(download.suggestedFilename(), `Экспорт статусов — ${FORM.title}.xlsx`);
  assert.equal(readFileSync(await download.path()).subarray(0, 2).toString(), "PK");
  // The bell's notification offers the same file at once.
  const bell = page.getByRole("button", { name: /Уведомления/ });
  await bell.click();
  const ready = page.locator(".notification").filter({ hasText: "готов к загрузке" }).first();
  const [fromBell] = await Promise.all([
    page.waitForEvent("download"),
    ready.getByRole("button", { name: "Скачать" }).click(),
  ]);
  assert.equal(fromBell.suggestedFilename(), `Экспорт статусов — ${FORM.title}.xlsx`);
  await bell.click();

  // Filters: status, then a search by login.
  await page.getByLabel("Статус").selectOption({ label: "Сдано" });
  await page.getByText("Найдено: 1").waitFor();
  await page.getByLabel("Статус").selectOption({ label: "Все" });
  await page.getByLabel("Логин или название").fill("SCH240001");
  await page.getByRole("button", { name: "Искать" }).click();
  await page.getByText("Найдено: 1").waitFor();

  // The school's form, read-only.
  await row("sch240001").getByRole("link", { name: "Посмотреть" }).click();
  await page.getByText("Организация sch240001, только просмотр").waitFor();
  assert.equal((await page.locator('[id="cell-rooms-1-seats"]').textContent()).trim(), "30");
  await page.goBack();

  // «Вернуть на доработку» with a comment: the status is «Возвращено».
  await row("sch240001").getByRole("button", { name: "Вернуть на доработку" }).click();
  await page.getByLabel("Комментарий для sch240001").fill("Укажите все кабинеты");
  await page.getByRole("button", { name: "Вернуть", exact: true }).click();
  await row("sch240001").getByText("Возвращено", { exact: true }).waitFor();
  await screenshot(page, "monitoring-returned");

  // The school sees why.
  await openAs(page, "sch240001", publicationPath);
  await page.locator(".collection").getByText(/^Возвращено на доработку .*: Укажите все кабинеты$/).waitFor();
  await page.locator(".collection .org-status").getByText("Возвращено").waitFor();

  // The bell counts it, and hears of the next return without a reload.
  const unread = page.getByTestId("unread");
  await unread.waitFor();
  const before = Number(await unread.textContent());
  const school = await tokenOf("sch240001");
  const draft = await api(school, "GET", `/api/collections/${collectionId}/draft`);
  await api(school, "POST", `/api/collections/${collectionId}/submit`, { version: draft.version });
  const coordinator = await tokenOf("mun24001");
  await api(coordinator, "POST", `/api/collections/${collectionId}/returns`, {
    organisation: "sch240001", comment: "Еще раз проверьте места",
  });
  await page.getByTestId("unread").getByText(String(before + 1), { exact: true }).waitFor({ timeout: 20_000 });
  await page.getByRole("button", { name: /^Уведомления/ }).click();
  const panel = page.getByRole("region", { name: "Уведомления" });
  await panel.getByText("Сведения о кабинетах (e2e мониторинг): Еще раз проверьте места").waitFor();
  await screenshot(page, "notifications");
  await panel.getByRole("button", { name: "Отметить все как прочитанные" }).click();
  await page.getByTestId("unread").waitFor({ state: "detached" });

  // The form's history lists the returns beside the submissions.
  await page.goto(`${BASE_URL}/collections/${collectionId}`);
  await page.getByText(/^История сдачи \(2\)$/).click();
  await page.getByText(/^Возвращено на доработку .*: Укажите все кабинеты — mun24001$/).waitFor();
  await page.getByText(/^\d\d\.\d\d\.\d{4} \d\d:\d\d \(мск\) — sch240001$/).first().waitFor();
});

test("a coordinator makes an API token, uses it from a script and revokes it", async () => {
  await openAs(page, "spo_coord_24", "/exchange");
  await page.getByRole("link", { name: "API-токены" }).click();
  await page.getByRole("heading", { name: "API-токены" }).waitFor();
  await page.getByLabel("Название").fill("Выгрузка в региональную систему");
  await page.getByLabel("Срок действия, дней").fill("30");
  await page.getByRole("button", { name: "Создать токен" }).click();
  const token = (await page.getByTestId("new-token").textContent()).trim();
  assert.match(token, /^oko_/);
  await page.getByRole("cell", { name: "Выгрузка в региональную систему", exact: true }).waitFor();
  await screenshot(page, "api-tokens");

  // A script with the token acts as the coordinator.
  const me = await fetch(`${BASE_URL}/api/me`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(me.status, 200);
  assert.equal((await me.json()).login, "spo_coord_24");
  const stats = await fetch(`${BASE_URL}/api/collections/${collectionId}/statistics`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(stats.status, 200);

  await page.getByRole("button", { name: "Отозвать Выгрузка в региональную систему" }).click();
  await page.getByRole("cell", { name: "Отозван", exact: true }).waitFor();
  const after = await fetch(`${BASE_URL}/api/me`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(after.status, 401);
});

test("a coordinator makes the group report over chosen collections", async () => {
  await openAs(page, "mun24001", "/exchange");
  await page.getByRole("link", { name: "Групповой отчет" }).click();
  await page.getByRole("heading", { name: "Групповой отчет" }).waitFor();
  await page.getByLabel(new RegExp(`^ ${FORM.title.replace(/[()]/g, "\\$&")} — `)).check();
  await page.getByLabel("Формат").selectOption({ label: "CSV (UTF-8)" });
  await page.getByRole("button", { name: "Сформировать" }).click();
  const report = page.locator(".job").filter({ hasText: "Групповой отчет" }).first();
  await report.getByText(/^Отчёт #\d+ готов к загрузке$/).waitFor();
  await screenshot(page, "group-report");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    report.getByRole("button", { name: "Загрузить отчёт" }).click(),
  ]);
  const text = readFileSync(await download.path(), "utf8");
  assert.match(text, new RegExp(`${FORM.title.replace(/[()]/g, "\\$&")}: статус`));
  assert.match(text, /;sch240001;/);
});

test("a coordinator reminds the schools that have not started, and one of them reads it in its bell", async () => {
  const coordinator = await tokenOf("mun24001");
  const waiting = await api(coordinator, "GET", `/api/collections/${collectionId}/participants?status=not_started&per_page=500`);
  const school = waiting.items[0].login;
  await openAs(page, "mun24001", `/collections/${collectionId}/monitoring`);
  const remind = page.getByRole("button", { name: "Напомнить" });
  await remind.focus();
  await page.keyboard.press("Enter");
  const form = page.getByRole("form", { name: "Напоминание" });
  await form.waitFor();
  assert.equal(await remind.getAttribute("aria-expanded"), "true");
  // «Не приступило» is chosen; the text offered names the form and its deadline.
  assert.equal(await form.getByLabel("Не приступило").isChecked(), true);
  assert.equal(await form.getByLabel("В работе").isChecked(), false);
  assert.match(await form.getByLabel("Текст напоминания").inputValue(), /^Напоминаем: прием формы «Сведения о кабинетах \(e2e мониторинг\)» заканчивается .+ \(мск\)\./);
  // The same checks as the server's, said before anything is sent.
  await form.getByLabel("Не приступило").uncheck();
  await form.getByLabel("Текст напоминания").fill("   ");
  await form.getByRole("button", { name: "Отправить" }).click();
  await form.getByText("Выберите, кому напомнить: хотя бы один статус").waitFor();
  await form.getByText("Напишите текст напоминания").waitFor();
  await assertAccessible(page, "«Напомнить» with its problems");
  await form.getByLabel("Не приступило").check();
  await form.getByLabel("Текст напоминания").fill("Пожалуйста, сдайте сведения о кабинетах до пятницы");
  await form.getByRole("button", { name: "Отправить" }).click();
  const said = page.getByRole("status").filter({ hasText: "Напоминание отправлено" });
  await said.getByText(`Напоминание отправлено: ${waiting.total} организаци`, { exact: false }).waitFor();
  await form.waitFor({ state: "detached" });
  await screenshot(page, "monitoring-reminded");

  // The school reads it in its bell, with a link to the form.
  await openAs(page, school, "/");
  await page.getByRole("button", { name: /^Уведомления/ }).click();
  const panel = page.getByRole("region", { name: "Уведомления" });
  const reminder = panel.locator(".notification").filter({ hasText: "Напоминание" });
  await reminder.getByText("Сведения о кабинетах (e2e мониторинг): Пожалуйста, сдайте сведения о кабинетах до пятницы").waitFor();
});

test("the monitoring page draws the curve and lists the laggard municipalities first", async () => {
  await openAs(page, "spo_coord_24", `/collections/${collectionId}/monitoring`);
  const panel = page.getByRole("region", { name: "Ход сбора и прогноз" });
  await panel.getByRole("img", { name: /^Сдано \d+ из \d+; кривая сдачи/ }).waitFor();
  const table = panel.getByRole("region", { name: "Прогноз по муниципалитетам" });
  const percents = await table.locator("tbody tr td:last-child").allTextContents();
  assert.ok(percents.length > 0);
  const values = percents.map((p) => Number(p.replace(" %", "").replace(",", ".")));
  assert.deepEqual(values, [...values].sort((a, b) => a - b), "the laggards first");
  await assertAccessible(page, "«Ход сбора и прогноз»");
});

test("a municipal coordinator accepts a submission and then the rest of the municipality; the school's form is locked", async () => {
  const { collectionId: accepting, publicationPath: acceptingPath } = await publishCollection(FORM, {
    section: "Приемка e2e", publication: "Сведения о кабинетах с приемкой", acceptance: "municipality",
  });
  const coordinator = await tokenOf("mun24001");
  const local = await api(coordinator, "GET", `/api/collections/${accepting}/participants?per_page=500`);
  const [first, second, third] = local.items.map((p) => p.login);
  for (const login of [first, second, third]) {
    const school = await tokenOf(login);
    const draft = await api(school, "PATCH", `/api/collections/${accepting}/draft`, {
      version: 0, change_id: `accept-${login}`,
      changes: [
        { op: "set", sheet: "rooms", row: 1, column: "room", value: "201" },
        { op: "set", sheet: "rooms", row: 1, column: "seats", value: "24" },
      ],
    });
    await api(school, "POST", `/api/collections/${accepting}/submit`, { version: draft.version });
  }
  await page.setViewportSize({ width: 1024, height: 600 });
  await openAs(page, "mun24001", `/collections/${accepting}/monitoring`);
  // One at a time: «Принять» by keyboard; the row says so and the button is gone.
  const accept = row(first).getByRole("button", { name: "Принять", exact: true });
  await accept.focus();
  await page.keyboard.press("Enter");
  await row(first).getByText("Принято МОУО").waitFor();
  assert.equal(await row(first).getByRole("button", { name: "Принять", exact: true }).count(), 0);
  await page.getByLabel("Статистика").getByText("Принято МОУО").waitFor();
  // The rest of the municipality at once.
  await page.locator(".filters").getByLabel("Муниципалитет").selectOption({ value: local.municipalities[0].id });
  await page.getByRole("button", { name: "Принять все сданные формы муниципалитета без ошибок" }).click();
  await page.getByRole("status").getByText("Принято 2 формы").waitFor();
  await row(third).getByText("Принято МОУО").waitFor();
  await screenshot(page, "monitoring-accepted");
  await assertAccessible(page, "«Мониторинг» with acceptance");

  // The school sees it accepted and its form read-only, with whom to ask.
  await openAs(page, first, acceptingPath);
  await page.locator(".collection .org-status").getByText("Принято МОУО").waitFor();
  await page.locator(".collection").getByRole("link", { name: "Посмотреть" }).click();
  await page.getByText(/^Принято МОУО .* \(mun24001\): форма закрыта для изменений/).waitFor();
  await page.getByText("Только просмотр").waitFor();
  assert.equal(await page.getByRole("button", { name: "Сдать отчет" }).count(), 0);
  await page.setViewportSize({ width: 1366, height: 768 });
});

test("a coordinator returns a form with a comment on a cell; the school answers it there; the resubmission shows what changed", async () => {
  const { collectionId: reviewed } = await publishCollection(FORM, {
    section: "Комментарии e2e", publication: "Сведения о кабинетах с комментариями", acceptance: "municipality",
  });
  const school = await tokenOf("sch240001");
  const submit = async (seats, change) => {
    const current = await api(school, "GET", `/api/collections/${reviewed}/draft`);
    const draft = await api(school, "PATCH", `/api/collections/${reviewed}/draft`, {
      version: current.version, change_id: change,
      changes: [
        { op: "set", sheet: "rooms", row: 1, column: "room", value: "101" },
        { op: "set", sheet: "rooms", row: 1, column: "seats", value: seats },
      ],
    });
    await api(school, "POST", `/api/collections/${reviewed}/submit`, { version: draft.version });
  };
  await submit("30", "first");

  // The coordinator picks the cell in the school's form and says what is wrong.
  await openAs(page, "mun24001", `/collections/${reviewed}?organisation=sch240001`);
  await page.locator('[id="cell-rooms-1-seats"]').click();
  const review = page.getByRole("region", { name: "Вернуть на доработку" });
  await review.getByText("Выбрана ячейка: Лист «КАБИНЕТЫ», строка 1, столбец «Мест»").waitFor();
  await review.getByLabel("Комментарий к выбранной ячейке").fill("Мест больше, чем 30?");
  await review.getByRole("button", { name: "Добавить комментарий к ячейке" }).click();
  await review.getByRole("list", { name: "Комментарии к ячейкам" }).getByText(/Мест больше, чем 30\?/).waitFor();
  await review.getByLabel("Комментарий для организации").fill("Проверьте места");
  await review.getByRole("button", { name: "Вернуть на доработку" }).click();
  await review.getByRole("status").getByText(/^Возвращено на доработку/).waitFor();

  // The school sees the mark on the cell, the text, and answers.
  await openAs(page, "sch240001", `/collections/${reviewed}`);
  const cell = page.locator('[id="cell-rooms-1-seats"]');
  await cell.and(page.locator(".commented")).waitFor();
  assert.match(await cell.getAttribute("title"), /Комментарий mun24001: Мест больше, чем 30\?/);
  const comments = page.getByRole("region", { name: /^Комментарии координатора/ });
  await comments.getByText("mun24001: Мест больше, чем 30?").waitFor();
  await comments.getByLabel(/^Ответ на комментарий/).fill("Да, 32: два кабинета объединили");
  await comments.getByRole("button", { name: "Ответить" }).click();
  await comments.getByText("Ответ: Да, 32: два кабинета объединили").waitFor();
  await assertAccessible(page, "the form with a coordinator's comment");
  await submit("32", "fix");

  // The coordinator sees what changed, the old value on the cell.
  await openAs(page, "mun24001", `/collections/${reviewed}?organisation=sch240001`);
  const changes = page.getByRole("region", { name: "Что изменилось с прошлой сдачи" });
  await changes.getByText(/^Изменено 1 ячейка; исправлено за \d+ ч \d+ мин после возврата$/).waitFor();
  await changes.getByText("было: 30; стало: 32").waitFor();
  const changed = page.locator('[id="cell-rooms-1-seats"]');
  await changed.and(page.locator(".changed")).waitFor();
  assert.match(await changed.getAttribute("title"), /^Изменено, было: 30/);
  await screenshot(page, "review-changes");
});
