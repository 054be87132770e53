// The status page in a real browser (issue 14): Debian's Chromium driven by playwright-core,
// against the built package (dist/, so `npm run build` first) serving a seeded SQLite store
// (scripts/status-fixture.mjs). What the page shows is checked against the database. Every page
// is watched for dialogs (an alert() would mean markup ran), uncaught errors and CSP reports.
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dailyBudgetUsd, failedRunError, hostileOutput, startStatusFixture, type StatusFixture, transcriptText } from "../../scripts/status-fixture.mjs";
import { formatBudgetShare, formatUsd, shortRevision } from "../../ui/src/format.js";
import { findChromium } from "../support/chromium.js";

const chromiumFound = findChromium();
const built = existsSync(new URL("../../dist/ui/index.html", import.meta.url)) && existsSync(new URL("../../dist/controller/api/build-server.js", import.meta.url));
if ("missing" in chromiumFound) console.warn(`test/browser: skipped, ${chromiumFound.missing}`);

/** What a page did that it must not: dialogs opened, CSP violations, uncaught errors. */
const trouble: string[] = [];
const shots: string[] = [];
let fixture: StatusFixture;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let shotDir: string;

function watch(p: Page): Page {
  p.on("dialog", (dialog) => {
    trouble.push(`dialog ${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  p.on("console", (message) => {
    if (/Content.Security.Policy|Refused to/i.test(message.text())) trouble.push(`CSP: ${message.text()}`);
  });
  p.on("pageerror", (error) => trouble.push(`page error: ${error.message}`));
  return p;
}

async function shot(name: string): Promise<void> {
  const path = join(shotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  shots.push(path);
}

/** The API's answer to a fetch from the page, cookies and all. */
const statusFromPage = (path: string): Promise<number> => page.evaluate(async (p) => (await fetch(p)).status, path);

const count = (sql: string, ...params: unknown[]): number => fixture.db.prepare(sql).pluck().get(...params) as number;

describe.runIf("path" in chromiumFound)("the status page in Chromium", () => {
  beforeAll(async () => {
    expect(built, "dist/ is missing: run npm run build first").toBe(true);
    shotDir = mkdtempSync(join(tmpdir(), "nexaas-screenshots-"));
    [fixture, browser] = await Promise.all([startStatusFixture(), chromium.launch({ executablePath: "path" in chromiumFound ? chromiumFound.path : "", headless: true })]);
    // A fixed width, light scheme: screenshots alike from run to run.
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "light" });
    page = watch(await context.newPage());
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await fixture?.close();
    if (shots.length > 0) console.log(`status page screenshots:\n${shots.map((s) => `  ${s}`).join("\n")}`);
  });

  it("sends a visitor without a session to /login, refuses a wrong and a revoked token, and signs in with a good one", async () => {
    await page.goto(`${fixture.url}/`);
    await page.waitForURL(/\/login\?next=%2F$/);
    await page.getByRole("heading", { name: "Sign in to Nexaas" }).waitFor();
    await shot("01-login");

    for (const token of [`nxs_${"A".repeat(43)}`, fixture.tokens.revoked]) {
      await page.getByLabel("Access token").fill(token);
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect.poll(() => page.getByRole("alert").textContent()).toBe("That token was not accepted: it is wrong, expired or revoked.");
      expect(new URL(page.url()).pathname).toBe("/login");
    }
    expect(await context.cookies()).toEqual([]);
    expect(count("SELECT count(*) FROM api_sessions")).toBe(0);

    await page.getByLabel("Access token").fill(fixture.tokens.good);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${fixture.url}/`);
    await page.getByText("Signed in as ops-laptop").waitFor();
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: "nexaas_session", httpOnly: true, sameSite: "Strict" });
    expect(count("SELECT count(*) FROM api_sessions s JOIN api_tokens t ON t.id = s.token_id WHERE t.name = 'ops-laptop'")).toBe(1);
  });

  it("shows the overview's numbers as the database holds them", async () => {
    await page.getByRole("heading", { name: /^Failures in the last 24 hours/ }).waitFor();
    const now = new Date();
    const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())).toISOString();
    const spend = count("SELECT round(total(cost_usd), 6) FROM token_usage WHERE created_at >= ?", midnight);
    const sync = fixture.db.prepare("SELECT last_applied_revision AS applied, last_attempted_revision AS attempted FROM sync_status").get() as { applied: string; attempted: string };
    const events = {
      active: count("SELECT count(*) FROM events WHERE enabled = 1 AND paused = 0"),
      paused: count("SELECT count(*) FROM events WHERE enabled = 1 AND paused = 1"),
      disabled: count("SELECT count(*) FROM events WHERE enabled = 0"),
      expired: 0,
    };
    const queued = count("SELECT count(*) FROM job_queue WHERE status = 'queued'");
    const ready = count("SELECT count(*) FROM job_queue WHERE status = 'queued' AND run_at <= ?", now.toISOString());
    const running = count("SELECT count(*) FROM job_queue WHERE status = 'running'");
    const failures = fixture.db.prepare("SELECT id FROM event_runs WHERE status = 'failed' AND finished_at >= ? ORDER BY id DESC").pluck().all(new Date(now.getTime() - 86_400_000).toISOString());
    expect(failures).toEqual([fixture.runs.failed]);

    const card = (heading: string) => page.locator("section.card", { has: page.getByRole("heading", { name: heading, exact: true }) });
    const revision = card("Revision");
    expect(await revision.locator(".facts code").allTextContents()).toEqual([shortRevision(sync.applied), shortRevision(sync.attempted)]);
    expect(await revision.locator(".diagnostics li").innerText()).toMatch(/^events\/daily-report\.yaml:1:31 error cron-expression cron expression "0 25 \* \* \*"/);
    expect(await card("Events").locator("li").allInnerTexts()).toEqual(Object.entries(events).map(([state, n]) => `${n} ${state}`));
    expect(await card("Queue").locator("li").allInnerTexts()).toEqual([`${queued} queued (${ready} ready now)`, `${running} running`]);
    const spendCard = card("Spend today");
    expect(await spendCard.locator(".big").innerText()).toBe(formatUsd(spend));
    expect(await spendCard.getByText(/daily budget$/).innerText()).toBe(formatBudgetShare(spend, dailyBudgetUsd));
    expect(await spendCard.locator("meter").evaluate((m: HTMLMeterElement) => [m.value, m.max])).toEqual([spend, dailyBudgetUsd]);
    expect(await page.getByRole("heading", { name: /^Failures in the last 24 hours/ }).innerText()).toBe(`Failures in the last 24 hours: ${failures.length}`);
    expect(await page.locator("section[aria-labelledby=h-failures] tbody tr").count()).toBe(failures.length);
    await shot("02-overview");
  });

  it("shows a failed run's error, from the overview's list of failures", async () => {
    await page.getByRole("link", { name: `#${fixture.runs.failed}`, exact: true }).click();
    await page.waitForURL(`${fixture.url}/runs/${fixture.runs.failed}`);
    const stored = fixture.db.prepare("SELECT error FROM event_runs WHERE id = ?").pluck().get(fixture.runs.failed);
    expect(stored).toBe(failedRunError);
    expect(await page.getByRole("region", { name: "Error", exact: true }).locator("pre").innerText()).toBe(stored);
    await shot("03-failed-run");
  });

  it("shows a run's transcript: each turn and tool call the database holds", async () => {
    await page.goto(`${fixture.url}/runs/${fixture.runs.transcript}`);
    const transcript = page.getByRole("region", { name: "Transcript", exact: true });
    await transcript.locator("li.step").first().waitFor();
    const steps = fixture.db.prepare("SELECT kind, tool, output FROM run_steps WHERE run_id = ? ORDER BY attempt, seq").all(fixture.runs.transcript) as { kind: string; tool: string | null; output: string }[];
    expect(steps.map((s) => s.kind)).toEqual(["turn", "tool_call", "turn"]);
    expect(await transcript.locator("li.step").count()).toBe(steps.length);
    expect(await transcript.locator("li.step-turn").count()).toBe(2);
    const call = transcript.locator("li.step-tool");
    expect(await call.locator("code").first().innerText()).toBe(steps[1]?.tool);
    // The tool's output holds an <img onerror>: shown as the text it is.
    expect(await call.getByLabel("Output").innerText()).toBe(steps[1]?.output);
    expect(await transcript.locator("img").count()).toBe(0);
    // Turns keep their text in `output`; the page shows a turn's numbers, not its words.
    expect(steps[0]?.output).toBe(transcriptText);
    await shot("04-transcript");
  });

  it("shows a script's output holding <script> and <img onerror> as text, and runs none of it", async () => {
    await page.goto(`${fixture.url}/runs/${fixture.runs.hostile}`);
    const output = page.getByRole("region", { name: "Output", exact: true }).locator("pre");
    await output.waitFor();
    expect(fixture.db.prepare("SELECT output FROM event_runs WHERE id = ?").pluck().get(fixture.runs.hostile)).toBe(hostileOutput);
    expect(await output.innerText()).toBe(hostileOutput);
    expect(await page.getByText("<script>alert(1)</script>").count()).toBe(1);
    expect(await page.locator("main script, main img").count()).toBe(0);
    await shot("05-hostile-output");
    expect(trouble).toEqual([]);
  });

  it("draws the usage chart with the stored days, and lists their numbers", async () => {
    await page.goto(`${fixture.url}/usage?days=7`);
    const perDay = page.getByRole("region", { name: "Per day (UTC)" });
    const canvas = perDay.locator("canvas");
    await canvas.waitFor();
    // Bars are drawn in --chart-tokens (blue) and --chart-cost (amber): count pixels of that blue.
    const blue = await canvas.evaluate((c: HTMLCanvasElement) => {
      const data = c.getContext("2d")?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if ((data[i + 3] ?? 0) > 0 && (data[i + 2] ?? 0) - (data[i] ?? 0) > 80) n++;
      return n;
    });
    expect(blue).toBeGreaterThan(500);

    const since = new Date(Date.parse(new Date().toISOString().slice(0, 10)) - 6 * 86_400_000).toISOString();
    const days = fixture.db
      .prepare("SELECT substr(created_at, 1, 10) AS day, round(total(cost_usd), 6) AS cost FROM token_usage WHERE created_at >= ? GROUP BY 1 ORDER BY cost DESC, 1")
      .all(since) as { day: string; cost: number }[];
    expect(days.length).toBeGreaterThanOrEqual(6);
    const rows = await perDay.locator(".usage-table tbody tr").evaluateAll((trs) => trs.map((tr) => [tr.querySelector("th")?.textContent, tr.querySelectorAll("td")[4]?.textContent]));
    expect(rows).toEqual(days.map((d) => [d.day, formatUsd(d.cost)]));
    await shot("06-usage");
  });

  it("logs out: the session is deleted, /api answers 401 and the page goes to /login", async () => {
    await page.goto(`${fixture.url}/`);
    await page.getByText("Signed in as ops-laptop").waitFor();
    expect(await statusFromPage("/api/status")).toBe(200);
    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(/\/login$/);
    expect(count("SELECT count(*) FROM api_sessions")).toBe(0);
    expect(await context.cookies()).toEqual([]);
    expect(await statusFromPage("/api/status")).toBe(401);
    expect(await statusFromPage("/api/runs")).toBe(401);
    // A page that is opened now goes to sign-in too.
    await page.goto(`${fixture.url}/runs/${fixture.runs.failed}`);
    await page.waitForURL(/\/login\?next=%2Fruns%2F\d+$/);
    await shot("07-after-logout");
  });

  it("opened no dialog, broke no Content-Security-Policy and threw nothing", () => {
    expect(trouble).toEqual([]);
  });
});

if ("missing" in chromiumFound) {
  // Skipped, never silently: the reason is the test's name in the report.
  describe("the status page in Chromium", () => {
    it.skip(`needs Chromium: ${chromiumFound.missing}`, () => {});
  });
}
