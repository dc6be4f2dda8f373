// Prints the best times (ms) of validating the 5,000-row demo sheet and the ВПР
// form with calculated columns and rules across sheets in Chromium (the SPA's
// WASM build), as one JSON line, for `cargo xtask bench`.
// Usage: OKO_BASE_URL=… node bench/validation.mjs
import { openBrowser, BASE_URL } from "../tests/browser.mjs";

const { browser, page } = await openBrowser();
try {
  await page.goto(`${BASE_URL}/bench/validation`);
  const output = page.locator("#validation-ms");
  await output.waitFor({ timeout: 120_000 });
  const formulas = (await page.locator("#formulas-ms").textContent()).trim();
  console.log(JSON.stringify({
    validation_ms: Number((await output.textContent()).trim()),
    formulas_ms: Number(formulas),
  }));
} finally {
  await browser.close();
}
