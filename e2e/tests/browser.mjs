// Shared set-up for browser tests: Debian's Chromium, a fresh profile per browser,
// the server under test at OKO_BASE_URL, screenshots into e2e/output.
import assert from "node:assert/strict";
import { before, after } from "node:test";
import { chromium } from "playwright-core";
import { mkdtempSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const BASE_URL = process.env.OKO_BASE_URL ?? "http://127.0.0.1:8080";
export const DEMO_PASSWORD = "oko-demo-2026";
const OUTPUT = new URL("../output/", import.meta.url).pathname;

/** Launches headless Chromium with a fresh profile; returns { browser, page }. */
export async function openBrowser() {
  const profile = mkdtempSync(join(tmpdir(), "oko-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1366, height: 768 },
    locale: "ru-RU",
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    ],
  });
  // An error of the app's own code fails the test file: a panic (the one at
  // /bench/panic is made on purpose), an uncaught exception or any other console
  // error. Refused requests are the tests' own doing (a wrong password, a bad
  // file) and Chromium logs each as "Failed to load resource": those are not.
  const failures = [];
  const watch = (page) => {
    page.on("console", (message) => {
      const text = message.text();
      const expected = page.url().endsWith("/bench/panic") || text.startsWith("Failed to load resource");
      if (message.type() === "error" && !expected) {
        failures.push(`${page.url()}: ${text.split("\n")[0]}`);
      }
    });
    page.on("pageerror", (error) => {
      // A panic ends in WASM's "unreachable": the deliberate one is expected.
      if (!page.url().endsWith("/bench/panic")) {
        failures.push(`${page.url()}: ${error}`);
      }
    });
  };
  context.pages().forEach(watch);
  context.on("page", watch);
  const close = context.close.bind(context);
  context.close = async () => {
    await close();
    assert.deepEqual(failures, [], "the app's code failed in the browser");
  };
  const page = context.pages()[0] ?? (await context.newPage());
  return { browser: context, page };
}

/**
 * A test file's browser, registered as the file's first `before` and its
 * `after`: what `arrange` made through the API (if anything), then a fresh
 * Chromium, handed to `take` ({ browser, page, ...arranged }) before the tests
 * run; closed after them, failing the file if the app's code failed.
 */
export function withBrowser(take, arrange = async () => ({})) {
  let browser;
  before(async () => {
    const arranged = await arrange();
    const opened = await openBrowser();
    browser = opened.browser;
    await take({ ...arranged, ...opened });
  });
  after(async () => {
    await browser?.close();
  });
}

/** [`withBrowser`] for a form's tests: `form` published first (see
 * `publishCollection`), then whatever `thenArrange` does with it (schools that
 * already submitted, say); `take` also gets { collectionId, publicationPath }.
 * (One hook on purpose: node:test starts a file's `before` hooks without
 * waiting for the one before.) */
export function withPublishedForm(form, where, take, thenArrange = async () => {}) {
  withBrowser(take, async () => {
    const published = await publishCollection(form, where);
    await thenArrange(published);
    return published;
  });
}

/** Saves a full-page screenshot as e2e/output/<name>.png. */
export async function screenshot(page, name) {
  mkdirSync(OUTPUT, { recursive: true });
  await page.screenshot({ path: join(OUTPUT, `${name}.png`), fullPage: true });
}

/** Fills the login form and submits it. */
export async function logIn(page, login, password) {
  await page.getByLabel("Логин").fill(login);
  await page.getByLabel("Пароль").fill(password);
  await page.getByRole("button", { name: "ВОЙТИ" }).click();
}

/** A JSON API call as `token` (none: anonymous); fails the test on an error answer. */
export async function api(token, method, path, body) {
  const response = await fetch(`${BASE_URL}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${await response.clone().text()}`);
  return response.json();
}

/** An access token of demo account `name`. */
export async function tokenOf(name) {
  return (await api(null, "POST", "/api/auth/login", { login: name, password: DEMO_PASSWORD })).access_token;
}

const AXE = readFileSync(new URL("../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");

/** axe-core on the page as it is now: no critical and no serious violation. */
export async function assertAccessible(page, what) {
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations
      .filter((v) => v.impact === "critical" || v.impact === "serious")
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  });
  assert.deepEqual(found, [], `${what}: axe-core found critical or serious violations`);
}

/**
 * As the operator: a new section with a publication for region 24 collecting
 * `form`, open until 2099. Returns { collectionId, publicationPath }.
 */
export async function publishCollection(form, {
  section, publication, acceptance = "none", formVersionId, opensAt = "2021-08-30T17:41:00Z",
}) {
  const admin = await tokenOf("admin");
  const created = await api(admin, "POST", "/api/sections", { title: `${section} ${Date.now()}` });
  // A form saved now, or a version saved before (a later collection of it).
  const versionId = formVersionId ?? (await api(admin, "POST", "/api/forms", form)).id;
  const saved = await api(admin, "POST", "/api/publications", {
    section_id: created.id, title: publication, body_markdown: "Заполните.",
    published_on: "2021-08-30T17:41:00Z", audience: { region_codes: ["24"] },
  });
  const block = await api(admin, "PUT", `/api/publications/${saved.summary.id}/collection`, {
    form_version_id: versionId, opens_at: opensAt, closes_at: "2099-09-07T15:00:00Z",
    acceptance_levels: acceptance,
  });
  return { collectionId: block.id, publicationPath: `/publications/${saved.summary.id}`, formVersionId: versionId };
}

/** Waits until the draft's cell as the server holds it equals `expected` (an
 * empty cell is ""; a RegExp: matches it); fails naming the cell after about
 * 15 s. Returns the value. */
export async function serverHolds(token, collectionId, { sheet, row, column }, expected) {
  const holds = (value) => (expected instanceof RegExp ? expected.test(value) : value === expected);
  let value;
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const draft = await api(token, "GET", `/api/collections/${collectionId}/draft`);
    value = draft.data[sheet]?.[row - 1]?.[column] ?? "";
    if (holds(value)) {
      return value;
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  if (expected instanceof RegExp) {
    assert.match(value, expected, `the server's ${column} of row ${row}`);
  }
  assert.equal(value, expected, `the server's ${column} of row ${row}`);
}

/** Signs out whoever is signed in, signs in as `login` and opens `path`. */
export async function openAs(page, login, path, password = DEMO_PASSWORD) {
  await page.goto(BASE_URL);
  const logOut = page.getByRole("button", { name: "Выйти" });
  await page.getByLabel("Логин").or(logOut).waitFor();
  if (await logOut.isVisible()) {
    await logOut.click();
  }
  await page.getByLabel("Логин").waitFor();
  await logIn(page, login, password);
  await page.getByTestId("user-login").getByText(login).waitFor();
  await page.goto(`${BASE_URL}${path}`);
}
