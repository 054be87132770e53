// The static checks of `npm test`, run side by side: the typecheck, the typed lint, the cast
// count and `validate --framework` each wait on one core for most of their time, so on a
// 2-core CI machine running them together saves about the typecheck's 20 s. Each one's
// output is printed whole, in a fixed order, once it ends; the exit code is the first failure's.
// `npm test` builds with `tsc --noCheck` before this: the typecheck here covers every file of
// tsconfig.json (tsconfig.test.json includes them, with the same options), so they are checked once.
import { spawn } from "node:child_process";

const checks = ["typecheck", "lint", "count:casts", "lint:framework"];
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

const results = await Promise.all(
  checks.map(
    (name) =>
      new Promise((done) => {
        const started = performance.now();
        const child = spawn(npm, ["run", "-s", name], { stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        child.stdout.on("data", (c) => (output += c));
        child.stderr.on("data", (c) => (output += c));
        child.on("close", (code) => done({ name, code: code ?? 1, output, seconds: (performance.now() - started) / 1000 }));
      }),
  ),
);

let exit = 0;
for (const r of results) {
  process.stdout.write(`\n> ${r.name} (${r.seconds.toFixed(1)} s)${r.code === 0 ? "" : `: exit ${r.code}`}\n${r.output}`);
  if (r.code !== 0 && exit === 0) exit = r.code;
}
process.exit(exit);
