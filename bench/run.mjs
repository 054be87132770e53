// Runs every bench/*.bench.mjs in its own node process, one after another: a bench that
// leaves a worker, a server or a SQLite file behind cannot skew the next one, and a new
// bench (queue, API, reconcile...) only has to be dropped into this folder.
// Usage: node bench/run.mjs [NAME-FILTER...]   (npm run bench builds first)
// Exits non-zero only when a bench crashes; goals are printed by the benches, not asserted.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./lib.mjs";

const benchDir = join(repoRoot, "bench");
const filters = process.argv.slice(2);
const benches = readdirSync(benchDir)
  .filter((f) => f.endsWith(".bench.mjs"))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();

if (!existsSync(join(repoRoot, "dist", "nexaas.cjs"))) {
  console.error("bench: dist/ is missing; run `npm run bench` (it builds first) or `npm run build`.");
  process.exit(1);
}
if (benches.length === 0) {
  console.error(`bench: no bench/*.bench.mjs matches ${filters.join(" ")}`);
  process.exit(1);
}

console.log(`node ${process.version}, ${process.platform}-${process.arch}; ${benches.length} bench(es)`);
const crashed = [];
for (const file of benches) {
  console.log(`\n=== ${file}`);
  const start = performance.now();
  const result = spawnSync(process.execPath, [join(benchDir, file)], { cwd: repoRoot, stdio: "inherit" });
  const seconds = ((performance.now() - start) / 1000).toFixed(1);
  if (result.status !== 0) {
    crashed.push(file);
    console.log(`=== ${file} CRASHED (exit ${result.status ?? result.signal}) after ${seconds} s`);
  } else {
    console.log(`=== ${file} done in ${seconds} s`);
  }
}

if (crashed.length > 0) {
  console.error(`\nbench: ${crashed.length} of ${benches.length} crashed: ${crashed.join(", ")}`);
  process.exit(1);
}
