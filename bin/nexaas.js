#!/usr/bin/env node
// Launcher for the bundled CLI, dist/nexaas.cjs (built by `npm ci` through
// `prepare`). It compiles the bundle with V8's code cache, dist/nexaas.cjs.cache:
// a pre-commit hook then starts in about half the time (see scripts/bundle-cli.mjs).
// A missing or stale cache (another Node version) only costs speed; it is
// rewritten after a successful run when the folder is writable.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

const file = join(dirname(fileURLToPath(import.meta.url)), "../dist/nexaas.cjs");
const cacheFile = `${file}.cache`;
let source;
try {
  // ASCII by construction (scripts/bundle-cli.mjs): latin1 reads it as is, with no UTF-8 decoding.
  source = readFileSync(file, "latin1");
} catch {
  process.stderr.write(`nexaas: ${file} is missing; run \`npm run build\` (npm ci does it through prepare)\n`);
  process.exit(1);
}
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
const script = new Script(wrapped, { filename: file, cachedData, importModuleDynamically: (s) => import(s) });
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
process.exitCode = await module.exports.main(process.argv.slice(2));

if (cachedData === undefined || script.cachedDataRejected) {
  try {
    const temp = `${cacheFile}.${process.pid}`;
    writeFileSync(temp, script.createCachedData());
    renameSync(temp, cacheFile);
  } catch {
    // Read-only install: run without a cache.
  }
}
