// SPEC §7: a full validate of 1,000 definitions takes under 1 s. Measured twice: the CLI
// as CI and the pre-push hook run it (process start, bundle load, fs reads, rules), and
// validateWorkspace() in a warm process as the reconciler calls it on every revision.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { goal, nexaas, nodeBaseline, ratio, repoRoot, run, table, tempDir, timeAsync, timeCommands, timingHeader, timingRows } from "./lib.mjs";
import { counts, writeWorkspace } from "./generate-workspace.mjs";

const dir = tempDir("1000");
writeWorkspace(dir);

// The bench must measure the real path: a workspace with diagnostics could stop early or
// skip rules, so anything short of a clean result is a broken bench, not a figure.
const report = JSON.parse(run(process.execPath, [join(repoRoot, "bin", "nexaas.js"), "validate", "--format", "json", "--workspace", dir], {}, null));
if (report.diagnostics.length > 0) {
  for (const d of report.diagnostics.slice(0, 50)) console.error(`${d.file}:${d.line}:${d.column} ${d.severity} ${d.rule} ${d.message}`);
  throw new Error(`the generated workspace has ${report.diagnostics.length} diagnostics; fix bench/generate-workspace.mjs`);
}

const { validateWorkspace } = await import(pathToFileURL(join(repoRoot, "dist", "controller", "definitions", "validate-workspace.js")).href);
const coldStart = performance.now();
const first = await validateWorkspace({ dir });
const coldMs = performance.now() - coldStart;
checkLoaded(first);

const cli = nexaas("nexaas validate (1,000 defs)", ["validate", "--workspace", dir]);
const results = timeCommands([nodeBaseline, cli], { runs: 7, warmup: 2 });
const warm = await timeAsync(() => validateWorkspace({ dir }), { runs: 7, warmup: 2 });
// A second baseline after the in-process runs: if the machine's load changed meanwhile,
// the two baselines differ and the in-process ratio says so.
const after = timeCommands([nodeBaseline], { runs: 7, warmup: 1 })[nodeBaseline.name];

const total = Object.values(counts).reduce((a, b) => a + b, 0);
console.log(`${total} definitions: ${Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(", ")}; 0 diagnostics`);
table(timingHeader, timingRows(results));
const base = results[nodeBaseline.name].median;
console.log(`\nin-process validateWorkspace() (dist/controller/definitions/validate-workspace.js)`);
table(
  ["call", "runs", "median ms", "p90 ms", "x node -e 0"],
  [
    ["first call (cold caches)", 1, coldMs.toFixed(1), coldMs.toFixed(1), ratio(coldMs, base)],
    ["warm calls", warm.runs, warm.median.toFixed(1), warm.p90.toFixed(1), ratio(warm.median, after.median)],
  ],
);
console.log(`(node -e 0 median: ${base.toFixed(1)} ms before, ${after.median.toFixed(1)} ms after the in-process runs)`);
goal("CLI validate of 1,000 definitions", results[cli.name].median, 1000, " ms");
goal("in-process validateWorkspace, warm", warm.median, 1000, " ms");

/** The loader must have seen every generated definition, or the figure is for less work. */
function checkLoaded(result) {
  const { defs } = result;
  const seen = { agents: defs.agents.size, skills: defs.skills.size, events: defs.events.size, flows: defs.flows.size, registries: defs.registries.size, mcpServers: defs.mcpServers.size };
  const short = Object.entries(counts).filter(([kind, n]) => seen[kind] < n);
  if (!result.ok || result.diagnostics.length > 0 || short.length > 0) {
    throw new Error(`validateWorkspace saw ${JSON.stringify(seen)} with ${result.diagnostics.length} diagnostics; expected at least ${JSON.stringify(counts)} and none`);
  }
}
