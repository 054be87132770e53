// The README's screenshot of the status page's overview (docs/status-overview.png), from the
// browser tests' seeded store (scripts/status-fixture.mjs), in Debian's Chromium driven by
// playwright-core. Usage: npm run build && node scripts/screenshot-status.mjs [OUT.png]
// (CHROMIUM_PATH when Chromium is not on PATH as chromium or chromium-browser).
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startStatusFixture } from "./status-fixture.mjs";

const out = process.argv[2] ?? fileURLToPath(new URL("../docs/status-overview.png", import.meta.url));

function chromiumPath() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const name of ["chromium", "chromium-browser"]) {
    try {
      return execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim();
    } catch {
      // Not this name: try the next.
    }
  }
  console.error("screenshot-status: no Chromium (chromium or chromium-browser on PATH, or CHROMIUM_PATH): apt-get install chromium");
  process.exit(1);
}

const fixture = await startStatusFixture();
const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true });
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 780 }, colorScheme: "light" });
  await page.goto(`${fixture.url}/login`);
  await page.getByLabel("Access token").fill(fixture.tokens.good);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: /^Failures in the last 24 hours/ }).waitFor();
  await page.screenshot({ path: out });
  console.log(out);
} finally {
  await browser.close();
  await fixture.close();
}
