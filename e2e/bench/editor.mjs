// The form editor's figures for `cargo xtask bench` (issue #5): opening a sheet of
// 5,000 rows × 20 columns against opening the same form empty, and the time a
// keystroke in a cell of that sheet takes (the editor's input handler, validation
// of the whole draft and every reactive update) against a plain input's. Prints one
// JSON line. Usage: OKO_BASE_URL=… node bench/editor.mjs (a fresh small demo).
// Issue #26's keystroke: the same measure in the ВПР form (5,000 classes with two
// calculated columns, 5,000 rooms, a look-up and a totals rule across sheets),
// where a typed number recomputes its row and re-checks both sheets' rules.
import { openBrowser, BASE_URL, DEMO_PASSWORD, logIn } from "../tests/browser.mjs";

const ROWS = 5_000;
const KEYSTROKES = 200;
const SUBJECTS = ["Математика", "Русский язык", "Физика", "Химия", "История", "Биология"];

// 20 columns of every type.
const COLUMNS = [
  ...[1, 2, 3, 4].map((n) => ({ key: `t${n}`, title: `Текст ${n}`, type: "text" })),
  ...[1, 2, 3, 4, 5, 6].map((n) => ({ key: `i${n}`, title: `Целое ${n}`, type: "integer", required: true, min: 0, max: 100000 })),
  ...[1, 2, 3, 4].map((n) => ({ key: `d${n}`, title: `Число ${n}`, type: "decimal", min: 0, max: 1000 })),
  ...[1, 2, 3].map((n) => ({ key: `date${n}`, title: `Дата ${n}`, type: "date", date_from: "2021-09-01", date_to: "2021-12-31" })),
  ...[1, 2].map((n) => ({ key: `s${n}`, title: `Предмет ${n}`, type: "list", values: SUBJECTS })),
  { key: "yes", title: "Участвует", type: "yes_no", required: true },
];
const FORM = {
  title: "Большая форма (бенчмарк)",
  sheets: [{ key: "data", title: "ДАННЫЕ", columns: COLUMNS, max_rows: ROWS }],
};

function csvRow(n) {
  return COLUMNS.map((c) => {
    switch (c.type) {
      case "text": return `Строка ${n} ${c.key}`;
      case "integer": return String((n * 7) % 100000);
      case "decimal": return `${n % 1000},5`;
      case "date": return `${String(1 + (n % 28)).padStart(2, "0")}.10.2021`;
      case "list": return SUBJECTS[n % SUBJECTS.length];
      default: return n % 2 ? "Да" : "Нет";
    }
  }).join(";");
}

async function api(token, method, path, body, raw) {
  const response = await fetch(`${BASE_URL}${path}`, {
    method,
    headers: { ...(raw ? {} : { "content-type": "application/json" }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: raw ?? (body ? JSON.stringify(body) : undefined),
  });
  if (!response.ok) {
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  }
  return response.json();
}

const login = async (name) =>
  (await api(null, "POST", "/api/auth/login", { login: name, password: DEMO_PASSWORD })).access_token;

async function collection(admin, section, version, title) {
  const saved = await api(admin, "POST", "/api/publications", {
    section_id: section.id, title, body_markdown: "Бенчмарк.",
    published_on: "2021-08-30T17:41:00Z", audience: { region_codes: ["24"] },
  });
  const block = await api(admin, "PUT", `/api/publications/${saved.summary.id}/collection`, {
    form_version_id: version.id, opens_at: "2021-08-30T17:41:00Z", closes_at: "2099-09-07T15:00:00Z",
  });
  return block.id;
}

// demo::vpr_info(), «Сведения об ОО для проведения ВПР».
const count = (key, title) => ({ key, title, type: "integer", min: 0, max: 40 });
const VPR = {
  title: "Сведения об ОО для проведения ВПР (бенчмарк)",
  sheets: [{
    key: "classes", title: "КЛАССЫ", max_rows: ROWS,
    columns: [
      { key: "class", title: "Класс", type: "text", required: true },
      { ...count("students", "Обучающихся"), required: true },
      count("russian", "Участников по русскому языку"),
      count("mathematics", "Участников по математике"),
      { key: "participants", title: "Участников всего", type: "integer", formula: "СУММ(russian; mathematics)" },
      { key: "share", title: "Доля участников", type: "decimal", decimals: 1, unit: "%",
        formula: "ЕСЛИ(students > 0; participants / students * 100; 0)" },
      { key: "area", title: "Площадь кабинета", type: "decimal", decimals: 1, unit: "м²" },
    ],
    rules: [{ rule: "unique", columns: ["class"] }],
    // The footer «Итого» follows every keystroke: a sum, an average, a
    // maximum and a count over the 5,000 rows.
    totals: ["students", { column: "share", of: "average" }, { column: "mathematics", of: "max" },
      { column: "class", of: "count" }],
  }, {
    key: "rooms", title: "АУДИТОРИИ", max_rows: ROWS,
    columns: [
      { key: "room", title: "Аудитория", type: "text", required: true },
      { key: "class", title: "Класс", type: "text", required: true },
      { key: "seats", title: "Мест", type: "integer", required: true, min: 1, max: 60 },
    ],
  }],
  rules: [
    { rule: "exists_in", value: { sheet: "rooms", column: "class" }, among: { sheet: "classes", column: "class" } },
    { rule: "totals", left: { sheet: "rooms", column: "seats" }, op: "ge", right: { sheet: "classes", column: "participants" } },
  ],
};

/** Fills the ВПР draft through autosave, 250 rows a batch. */
async function fillVpr(token, id) {
  let version = 0;
  for (let first = 1; first <= ROWS; first += 250) {
    const changes = [];
    for (let row = first; row < first + 250 && row <= ROWS; row += 1) {
      const klass = `${5 + (row % 7)}-${row}`;
      const set = (sheet, column, value) => ({ op: "set", sheet, row, column, value });
      changes.push(
        set("classes", "class", klass), set("classes", "students", String(20 + (row % 10))),
        set("classes", "russian", String(10 + (row % 7))), set("classes", "mathematics", String(5 + (row % 5))),
        set("rooms", "room", `Каб. ${row}`), set("rooms", "class", klass), set("rooms", "seats", "30"),
      );
    }
    const saved = await api(token, "PATCH", `/api/collections/${id}/draft`, { version, change_id: `fill-${first}`, changes });
    version = saved.version;
  }
}

const admin = await login("admin");
const school = await login("sch240001");
const section = await api(admin, "POST", "/api/sections", { title: "Бенчмарк редактора" });
const version = await api(admin, "POST", "/api/forms", FORM);
const big = await collection(admin, section, version, "Большая форма");
const empty = await collection(admin, section, version, "Пустая форма");
const csv = [COLUMNS.map((c) => c.title).join(";"), ...Array.from({ length: ROWS }, (_, i) => csvRow(i + 1))].join("\r\n");
await api(school, "POST", `/api/collections/${big}/upload`, null, Buffer.from(csv));
const vprVersion = await api(admin, "POST", "/api/forms", VPR);
const vpr = await collection(admin, section, vprVersion, "Сведения для ВПР");
await fillVpr(school, vpr);

const { browser, page } = await openBrowser();
try {
  await page.goto(BASE_URL);
  await logIn(page, "sch240001", DEMO_PASSWORD);
  await page.getByTestId("user-login").getByText("sch240001").waitFor();

  // From navigation to a drawn grid with its errors counted: best of 3.
  async function open(id) {
    let best = Infinity;
    for (let run = 0; run < 3; run += 1) {
      await page.goto(`${BASE_URL}/`);
      await page.getByTestId("user-login").waitFor();
      const started = Date.now();
      await page.goto(`${BASE_URL}/collections/${id}`);
      await page.getByRole("grid").waitFor({ timeout: 60_000 });
      await page.getByRole("button", { name: "Ошибки (0)" }).waitFor({ timeout: 60_000 });
      best = Math.min(best, Date.now() - started);
    }
    return best;
  }
  const openEmpty = await open(empty);
  const openBig = await open(big);
  const drawnRows = await page.locator("tr.data-row").count();

  // Keystrokes in a cell, each measured until every task it queued (Leptos
  // effects run as microtasks) is done; and the same in a plain input.
  async function keystrokes(cellId) {
    await page.locator(`[id="${cellId}"]`).click();
    await page.keyboard.press("F2");
    await page.locator(".cell-editor input").waitFor();
    return page.evaluate(async (count) => {
      const settled = () => new Promise((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = resolve;
        channel.port2.postMessage(0);
      });
      async function type(target) {
        const times = [];
        for (let i = 0; i < count; i += 1) {
          const started = performance.now();
          target.value = String(1 + (i % 30));
          target.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertText", data: "1" }));
          await settled();
          times.push(performance.now() - started);
        }
        times.sort((a, b) => a - b);
        return { median: times[Math.floor(count / 2)], p95: times[Math.floor(count * 0.95)] };
      }
      const editor = await type(document.querySelector(".cell-editor input"));
      const plain = document.createElement("input");
      document.body.append(plain);
      const baseline = await type(plain);
      plain.remove();
      return { editor, baseline };
    }, KEYSTROKES);
  }
  const timings = await keystrokes("cell-data-1-i3");
  await page.keyboard.press("Escape");
  await page.goto(`${BASE_URL}/collections/${vpr}`);
  await page.getByRole("grid").waitFor({ timeout: 60_000 });
  await page.getByRole("button", { name: "Ошибки (0)" }).waitFor({ timeout: 60_000 });
  const formulas = await keystrokes("cell-classes-1-russian");
  console.log(JSON.stringify({
    rows: ROWS, columns: COLUMNS.length, drawn_rows: drawnRows,
    open_ms: openBig, open_empty_ms: openEmpty,
    key_median_ms: timings.editor.median, key_p95_ms: timings.editor.p95,
    key_baseline_median_ms: timings.baseline.median,
    formula_key_median_ms: formulas.editor.median, formula_key_p95_ms: formulas.editor.p95,
    formula_key_baseline_median_ms: formulas.baseline.median,
  }));
} finally {
  await browser.close();
}
