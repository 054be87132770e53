// The static checks of `npm test`, run side by side on the cores of a CI machine: the
// typecheck and the typed lint (`npm run typecheck` and `npm run lint`, done together in two
// halves by scripts/typed-checks.mjs, which says why), the cast count and `validate --framework`.
// Each one's output is printed whole, in a fixed order, once it ends; the exit code is the first failure's.
// `npm test` builds with `tsc --noCheck` before this: the typecheck here covers every file of
// tsconfig.json (tsconfig.test.json includes them, with the same options), so they are checked once.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const typed = (half) => [process.execPath, fileURLToPath(new URL("typed-checks.mjs", import.meta.url)), half];
const checks = [
  { name: "typecheck and lint: controller/, cli/, ui/", command: typed("1") },
  { name: "typecheck and lint: the rest", command: typed("2") },
  ...["count:casts", "lint:framework"].map((name) => ({ name, command: [npm, "run", "-s", name] })),
];

const results = await Promise.all(
  checks.map(
    ({ name, command: [command, ...args] }) =>
      new Promise((done) => {
        const started = performance.now();
        const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
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
