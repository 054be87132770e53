// Shared helpers for bench/*.bench.mjs. Machines here are shared and noisy, so a bare
// millisecond figure means little: every bench times `node -e 0` in the same run, with
// the runs interleaved, and reports its subject as a ratio to that baseline.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The product repository (bench/..). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
/** The CLI as users run it, with the node running this bench (not whatever is on PATH). */
export const nexaasBin = join(repoRoot, "bin", "nexaas.js");

/**
 * A module of the controller's build: dist/controller/PATH, or under NEXAAS_BENCH_DIST when set
 * (another build, copied with its node_modules reachable, for a before/after in the same run).
 */
export function loadNexaas(path) {
  return import(pathToFileURL(join(process.env.NEXAAS_BENCH_DIST ?? join(repoRoot, "dist"), "controller", path)).href);
}

/** The baseline every process-level figure is divided by. */
export const nodeBaseline = { name: "node -e 0", cmd: process.execPath, args: ["-e", "0"] };

/** A subject running the CLI. */
export function nexaas(name, args, extra = {}) {
  return { name, cmd: process.execPath, args: [nexaasBin, ...args], ...extra };
}

/**
 * Times each subject `runs` times after `warmup` untimed rounds. Subjects are interleaved
 * round by round, so a burst of load on the machine hits the baseline and the subject alike.
 * A subject is `{name, cmd, args, cwd?, env?, expectStatus? (default 0), before?()}`;
 * `before` runs untimed ahead of each run (e.g. staging a new change before a commit).
 * A run that exits with an unexpected status throws: a failing command is not a figure.
 */
export function timeCommands(subjects, { runs = 20, warmup = 3 } = {}) {
  const samples = subjects.map(() => []);
  for (let round = 0; round < warmup + runs; round++) {
    for (const [i, subject] of subjects.entries()) {
      subject.before?.(round);
      const start = performance.now();
      const result = spawnSync(subject.cmd, subject.args, { cwd: subject.cwd, env: subject.env ?? process.env, encoding: "utf8" });
      const ms = performance.now() - start;
      checkStatus(subject, result);
      if (round >= warmup) samples[i].push(ms);
    }
  }
  return Object.fromEntries(subjects.map((s, i) => [s.name, stats(samples[i])]));
}

/** Times an in-process async function: warm-up calls first (JIT, module caches), then the runs. */
export async function timeAsync(fn, { runs = 10, warmup = 2 } = {}) {
  const samples = [];
  for (let i = 0; i < warmup + runs; i++) {
    const start = performance.now();
    await fn();
    if (i >= warmup) samples.push(performance.now() - start);
  }
  return stats(samples);
}

/**
 * Times one run of a subject (see timeCommands) and returns `{ms, stdout}`, for benches that
 * interleave commands with in-process work or must check each run's output. stdout may be
 * large (a plan of 10,000 objects): it is buffered up to 1 GiB instead of spawnSync's 1 MiB.
 */
export function timeCommand(subject) {
  const start = performance.now();
  const result = spawnSync(subject.cmd, subject.args, { cwd: subject.cwd, env: subject.env ?? process.env, encoding: "utf8", maxBuffer: 1 << 30 });
  const ms = performance.now() - start;
  checkStatus(subject, result);
  return { ms, stdout: result.stdout };
}

/** Runs a command once, untimed; throws with its output unless it exits with `expectStatus` (null: any). */
export function run(cmd, args, options = {}, expectStatus = 0) {
  const result = spawnSync(cmd, args, { encoding: "utf8", ...options });
  checkStatus({ name: [cmd, ...args].join(" "), expectStatus }, result);
  return result.stdout;
}

function checkStatus(subject, result) {
  const expected = subject.expectStatus === undefined ? 0 : subject.expectStatus;
  if (result.error) throw result.error;
  if (expected === null || result.status === expected) return;
  throw new Error(`${subject.name}: exit ${result.status ?? result.signal}, expected ${expected}\n${result.stdout}${result.stderr}`);
}

export function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { runs: sorted.length, median, p90: at(0.9), min: sorted[0], max: sorted[sorted.length - 1] };
}

/** "2.41x": how many times slower `subject` is than `baseline` (both in ms). */
export function ratio(subject, baseline) {
  return `${(subject / baseline).toFixed(2)}x`;
}

/** Prints a goal line. Goals are reported, never asserted: a missed goal is news, not a crash. */
export function goal(label, value, limit, unit = "") {
  const met = value < limit ? "met" : "MISSED";
  console.log(`goal: ${label} ${value.toFixed(2)}${unit} < ${limit}${unit}: ${met}`);
}

/** Prints rows (arrays of cells) as a left-aligned table under a header row. */
export function table(header, rows) {
  const cells = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, c) => Math.max(...cells.map((row) => row[c].length)));
  const line = (row) => row.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd();
  console.log(line(cells[0]));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of cells.slice(1)) console.log(line(row));
}

/** Table rows for timed subjects: ms figures plus the ratio of each median to the baseline's. */
export function timingRows(results, baselineName = nodeBaseline.name) {
  const base = results[baselineName].median;
  return Object.entries(results).map(([name, s]) => [name, s.runs, s.median.toFixed(1), s.p90.toFixed(1), ratio(s.median, base)]);
}
export const timingHeader = ["command", "runs", "median ms", "p90 ms", "x node -e 0"];

const tempDirs = [];

/** A fresh temporary folder, removed when the bench exits (also after a crash). */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `nexaas-bench-${prefix}-`));
  // One exit listener for them all: a bench making a folder per round would pass Node's limit of 10.
  if (tempDirs.length === 0) process.on("exit", () => tempDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  tempDirs.push(dir);
  return dir;
}

/**
 * git with a fixed identity and no user or system config (no global core.hooksPath, no
 * signing prompt), so the bench behaves the same on any machine. Returns a subject-shaped
 * `{cmd, args, env}` for timeCommands; `git()` below runs it once for setup.
 */
export function gitCommand(cwd, args) {
  const env = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" };
  const identity = ["-c", "user.name=nexaas-bench", "-c", "user.email=bench@nexaas.invalid", "-c", "commit.gpgsign=false"];
  return { cmd: "git", args: [...identity, ...args], cwd, env };
}

export function git(cwd, args) {
  const { cmd, args: full, env } = gitCommand(cwd, args);
  return run(cmd, full, { cwd, env });
}
