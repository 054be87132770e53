// SPEC §7: `validate --staged` on one changed file runs under 3x the time of `node -e 0`.
// It runs in every pre-commit hook, so it is measured on a real repository holding
// workspace.example with one valid edit staged, exactly as a user's commit would see it.
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { git, gitCommand, goal, nexaas, nodeBaseline, repoRoot, run, table, tempDir, timeCommands, timingHeader, timingRows } from "./lib.mjs";

const RUNS = 20;
const HOOK_RUNS = 10; // each hook run is a whole commit; fewer runs keep the bench short

const dir = tempDir("staged");
cpSync(join(repoRoot, "workspace.example"), dir, { recursive: true });
git(dir, ["init", "-q", "-b", "main"]);
git(dir, ["add", "."]);
git(dir, ["commit", "-q", "-m", "workspace.example"]);

// One valid edit to one event file: a new description keeps every rule satisfied.
const eventFile = join(dir, "events", "weekly-review.yaml");
const original = readFileSync(eventFile, "utf8");
const withDescription = (text) => original.replace(/^description: .*$/m, `description: ${text}`);
writeFileSync(eventFile, withDescription("Friday review of the week (edited by the bench)."));
git(dir, ["add", "events/weekly-review.yaml"]);
if (!git(dir, ["diff", "--cached", "--name-only"]).includes("events/weekly-review.yaml")) {
  throw new Error("the edit is not staged: the bench would not measure a one-file change");
}

const staged = nexaas("nexaas validate --staged", ["validate", "--staged", "--workspace", dir]);
const full = nexaas("nexaas validate (worktree)", ["validate", "--workspace", dir]);
// The hook's second check: the staged file scanned for secrets (secretlint's preset included).
const scan = nexaas("nexaas scan --staged --secrets", ["scan", "--staged", "--secrets", "--workspace", dir]);
const results = timeCommands([nodeBaseline, staged, full, scan], { runs: RUNS, warmup: 3 });

console.log(`workspace.example in a temporary git repository, one event file edited and staged`);
table(timingHeader, timingRows(results));
const base = results[nodeBaseline.name].median;
goal("validate --staged / node -e 0", results[staged.name].median / base, 3, "x");

hookBench();

/**
 * The path users actually pay for: `git commit` running the installed pre-commit hook
 * (a shell script that calls the CLI twice: validate --staged, then scan --staged --secrets). Its cost is the difference from the same commit
 * with --no-verify, so the git work itself is not charged to the validator.
 */
function hookBench() {
  run(process.execPath, [join(repoRoot, "bin", "nexaas.js"), "hooks", "install", "--workspace", dir]);
  const hook = join(dir, ".git", "hooks", "pre-commit");
  if (!existsSync(hook)) throw new Error(`hooks install wrote no ${hook}`);

  // Proof the hook really runs: an invalid staged event must be refused.
  writeFileSync(eventFile, original.replace("type: cron", "type: hourly"));
  git(dir, ["add", "events/weekly-review.yaml"]);
  const refused = gitCommand(dir, ["commit", "-q", "-m", "invalid"]);
  run(refused.cmd, refused.args, { cwd: dir, env: refused.env, stdio: "ignore" }, 1);

  // Each timed commit needs a fresh staged change; staging is untimed.
  let edits = 0;
  const stageEdit = () => {
    writeFileSync(eventFile, withDescription(`Friday review, edit ${++edits}.`));
    git(dir, ["add", "events/weekly-review.yaml"]);
  };
  const commit = (name, extra) => ({ name, ...gitCommand(dir, ["commit", "-q", ...extra, "-m", "bench edit"]), before: stageEdit });
  const withHook = commit("git commit (pre-commit hook)", []);
  const noVerify = commit("git commit --no-verify", ["--no-verify"]);
  const hookResults = timeCommands([nodeBaseline, withHook, noVerify], { runs: HOOK_RUNS, warmup: 2 });

  console.log(`\ncommit through the installed pre-commit hook (one event file staged per commit)`);
  table(timingHeader, timingRows(hookResults));
  const hookCost = hookResults[withHook.name].median - hookResults[noVerify.name].median;
  const hookBase = hookResults[nodeBaseline.name].median;
  console.log(`hook cost (commit - commit --no-verify): ${hookCost.toFixed(1)} ms = ${(hookCost / hookBase).toFixed(2)}x node -e 0`);
}
