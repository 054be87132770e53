// Bundles the compiled CLI (dist/cli) into one CommonJS file, dist/nexaas.cjs,
// that bin/nexaas.js loads through V8's code cache.
//
// Why: `nexaas validate --staged` runs in every pre-commit hook, and SPEC §7
// wants it under 3x `node -e 0`. Loading ~150 small ESM modules (yaml, luxon,
// cel-js, ajv runtime) and compiling them cold costs more than the validation
// itself. One bundle plus a code cache (what Node 22's module.enableCompileCache
// does, done by hand so Node 20 gets it too) cuts ~60 ms per run.
// Heavy server-side dependencies (and the native better-sqlite3) stay external.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outfile = join(root, "dist/nexaas.cjs");
const require = createRequire(join(root, "package.json"));
// validate --staged keeps parse results between runs under a key naming the code that
// made them (controller/definitions/validate-cache.ts): the bundle's own hash, taken with
// this placeholder in place and then written over it.
const buildIdPlaceholder = JSON.stringify("nexaas-build-id-placeholder");

await build({
  entryPoints: [join(root, "dist/cli/main.js")],
  outfile,
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  logLevel: "warning",
  external: ["better-sqlite3", "fastify", "@fastify/cookie", "@fastify/static", "@anthropic-ai/sdk", "chokidar", "simple-git", "pino", "pino-pretty", "diff"],
  // The sources are ESM; in one CommonJS file import.meta.url is this file's URL.
  define: { "import.meta.url": "__nexaasFileUrl", __NEXAAS_BUILD_ID__: buildIdPlaceholder },
  // luxon ships an ESM and a CommonJS build; cron-parser requires the latter. One copy
  // for both, so the Settings that cron-expression.ts sets are the ones cron-parser reads.
  plugins: [{ name: "one-luxon", setup: (b) => b.onResolve({ filter: /^luxon$/ }, () => ({ path: require.resolve("luxon") })) }],
  banner: { js: "const __nexaasFileUrl = require('node:url').pathToFileURL(__filename).href;" },
});

// esbuild escapes strings, but leaves a few non-ASCII characters in comments and one
// regular expression (cel-js's duration units, "µs"). One of them makes Node decode the
// whole 3 MB file as UTF-8 and V8 hold it as a two-byte string: ~10 ms of every start.
// As \u escapes they mean the same, and bin/nexaas.js reads the file as latin1, as is.
const bundled = readFileSync(outfile, "utf8").replace(/[^\t\n\r\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
if (!bundled.includes(buildIdPlaceholder)) throw new Error("bundle-cli: the build id placeholder is not in the bundle");
const buildId = createHash("sha256").update(bundled).digest("hex").slice(0, 16);
writeFileSync(outfile, bundled.replaceAll(buildIdPlaceholder, JSON.stringify(buildId)), "latin1");

// Warm the code cache with the hot path, so the first hook run is fast too. The hook
// validates and then scans for secrets: both run here, in one process, before the
// cache is written (bin/nexaas.js writes it after one command only), so the scan's
// code (secretlint's rules) is compiled from the cache too, not at every commit.
rmSync(`${outfile}.cache`, { force: true });
const example = join(root, "workspace.example");
const warmScript = `
const { readFileSync, writeFileSync } = require("node:fs");
const { createRequire } = require("node:module");
const { dirname } = require("node:path");
const { Script } = require("node:vm");
const [file, example] = process.argv.slice(1);
const wrapped = "(function (exports, require, module, __filename, __dirname) {" + readFileSync(file, "latin1") + "\\n})";
const script = new Script(wrapped, { filename: file, importModuleDynamically: (s) => import(s) });
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
(async () => {
  for (const args of [["validate", "--workspace", example], ["scan", "--secrets", "--workspace", example]]) {
    const status = await module.exports.main(args, { stdout: () => {}, stderr: (t) => process.stderr.write(t) });
    if (status !== 0) throw new Error(args.join(" ") + " exited " + status);
  }
  writeFileSync(file + ".cache", script.createCachedData());
})().catch((error) => { console.error(error); process.exit(1); });
`;
const warm = spawnSync(process.execPath, ["-e", warmScript, outfile, example], { encoding: "utf8" });
if (warm.status !== 0) {
  process.stderr.write(`bundle-cli: warming the code cache failed:\n${warm.stdout}${warm.stderr}`);
  process.exit(1);
}
