// Prints the best time (ms) of validating the 5,000-row demo sheet in Chromium
// (the SPA's WASM build), for `cargo xtask bench`. Usage: OKO_BASE_URL=… node bench/validation.mjs
import { openBrowser, BASE_URL } from "../tests/browser.mjs";

const { browser, page } = await openBrowser();
try {
  await page.goto(`${BASE_URL}/bench/validation`);
  const output = page.locator("#validation-ms");
  await output.waitFor({ timeout: 120_000 });
  console.log((await output.textContent()).trim());
} finally {
  await browser.close();
}
