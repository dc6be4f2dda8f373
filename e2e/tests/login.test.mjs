// The login page, the cabinet header, reload and logout (issue: foundation).
import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE_URL, DEMO_PASSWORD, screenshot, logIn, assertAccessible, withBrowser } from "./browser.mjs";

let page;

withBrowser((opened) => ({ page } = opened));

test("the login page asks for login and password in Russian", async () => {
  await page.goto(BASE_URL);
  await page.getByRole("heading", { name: "ФИС ОКО" }).waitFor();
  assert.equal(await page.getByLabel("Логин").getAttribute("placeholder"), "Введите логин");
  assert.equal(await page.getByLabel("Пароль").getAttribute("type"), "password");
  await screenshot(page, "01-login");
  await assertAccessible(page, "the login page");
});

test("a wrong password shows «Неверный логин или пароль» and stays on the login page", async () => {
  await logIn(page, "sch240001", "wrong-password");
  const alert = page.getByRole("alert");
  await alert.getByText("Неверный логин или пароль").waitFor();
  assert.equal(await page.getByRole("button", { name: "Выйти" }).count(), 0);
  await screenshot(page, "02-login-error");
  await assertAccessible(page, "a refused login");
});

test("the right password opens the cabinet with the login top right", async () => {
  await logIn(page, "sch240001", DEMO_PASSWORD);
  await page.getByTestId("user-login").getByText("sch240001").waitFor();
  for (const section of ["Обмен данными", "Аналитика", "Паспорт"]) {
    assert.equal(await page.getByRole("link", { name: section }).count(), 1, section);
  }
  assert.equal(await page.getByRole("button", { name: "Уведомления" }).count(), 1);
  await page.getByRole("heading", { name: "Обмен данными" }).waitFor();
  await screenshot(page, "03-cabinet");
});

test("the passport shows the organisation and only its own row", async () => {
  await page.getByRole("link", { name: "Паспорт" }).click();
  await page.getByTestId("orgs-total").getByText("Найдено: 1").waitFor();
  assert.match(new URL(page.url()).pathname, /\/passport$/);
  await screenshot(page, "04-passport");
});

test("a reload keeps the session", async () => {
  await page.reload();
  await page.getByTestId("user-login").getByText("sch240001").waitFor();
  await page.getByRole("heading", { name: "Паспорт", exact: true }).waitFor();
  await screenshot(page, "05-after-reload");
});

test("logout returns to the login page, and a reload does not bring the session back", async () => {
  await page.getByRole("button", { name: "Выйти" }).click();
  await page.getByRole("button", { name: "ВОЙТИ" }).waitFor();
  await page.reload();
  await page.getByRole("button", { name: "ВОЙТИ" }).waitFor();
  assert.equal(await page.getByTestId("user-login").count(), 0);
  await screenshot(page, "06-after-logout");
});

test("a regional coordinator searches its organisations in Russian", async () => {
  await logIn(page, "spo_coord_24", DEMO_PASSWORD);
  await page.getByTestId("user-login").getByText("spo_coord_24").waitFor();
  await page.getByRole("link", { name: "Паспорт" }).click();
  await page.getByLabel("Поиск по логину или названию").fill("ГИМНАЗИЯ");
  await page.getByRole("button", { name: "Искать" }).click();
  await page.getByTestId("orgs-total").getByText(/Найдено: [1-9]/).waitFor();
  // The count may be the unfiltered list's for a moment: wait for the search's rows.
  await page.locator("table.grid tbody tr").first().getByText(/Гимназия/).waitFor();
  const rows = await page.locator("table.grid tbody tr").allInnerTexts();
  assert.ok(rows.length > 0);
  for (const row of rows) {
    assert.match(row, /Гимназия/);
    assert.match(row, /Красноярский край/);
  }
  await screenshot(page, "07-coordinator-search");
});

test("the operator pages through the whole country's organisations", async () => {
  await page.getByRole("button", { name: "Выйти" }).click();
  await logIn(page, "admin", DEMO_PASSWORD);
  await page.getByRole("link", { name: "Паспорт" }).click();
  await page.getByText("Страница 1 из 4").waitFor();
  const back = page.getByRole("button", { name: "← Назад" });
  const next = page.getByRole("button", { name: "Вперёд →" });
  assert.ok(await back.isDisabled());
  const firstPage = await page.locator("table.grid tbody tr").first().innerText();
  await next.click();
  await page.getByText("Страница 2 из 4").waitFor();
  assert.notEqual(await page.locator("table.grid tbody tr").first().innerText(), firstPage);
  assert.ok(await back.isEnabled());
  await screenshot(page, "08-operator-paging");
});

test("the header fits every role: no sideways scroll at 1024×600, one line at 1366, whose account it is", async () => {
  const accounts = [
    ["admin", "Федеральный оператор"], ["spo_coord_24", "Красноярский край"],
    ["mun24001", "г. Красноярск"], ["sch240001", "МБОУ Гимназия № 1"],
  ];
  for (const [login, whose] of accounts) {
    const logOut = page.getByRole("button", { name: "Выйти" });
    if (await logOut.isVisible()) {
      await logOut.click();
    }
    await logIn(page, login, DEMO_PASSWORD);
    await page.getByTestId("user-login").getByText(login).waitFor();
    await page.locator("header .who-name").getByText(whose).waitFor();
    for (const [width, height] of [[1024, 600], [1366, 768]]) {
      await page.setViewportSize({ width, height });
      const fit = await page.evaluate(() => ({
        sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        // One line: every section link's middle level with «Выйти»'s.
        spread: (() => {
          const middles = [...document.querySelectorAll("header .sections a, header .logout")]
            .map((e) => { const r = e.getBoundingClientRect(); return r.top + r.height / 2; });
          return Math.max(...middles) - Math.min(...middles);
        })(),
      }));
      assert.equal(fit.sideways, 0, `${login} at ${width}: sideways scroll`);
      if (width === 1366) {
        assert.ok(fit.spread < 12, `${login}: the header is not one line at 1366 (${fit.spread} px apart)`);
      }
      await screenshot(page, `10-header-${login}-${width}`);
    }
  }
});

test("a failure of the page's own code is shown and reported, never silent", async () => {
  const reported = page.waitForRequest((r) => r.url().endsWith("/api/client-errors") && r.method() === "POST");
  await page.goto(`${BASE_URL}/bench/panic`);
  const banner = page.getByRole("alert").filter({ hasText: "На странице произошла ошибка" });
  await banner.waitFor();
  await banner.getByRole("link", { name: "Обновить страницу" }).waitFor();
  // The report reached the server (a beacon's body is not shown to the test).
  const answer = await (await reported).response();
  assert.equal(answer?.status(), 204);
  await screenshot(page, "09-panic-banner");
});
