#!/usr/bin/env node
// Counts the type assertions (`x as T`, `<T>x`) and non-null assertions (`x!`)
// in controller/ and cli/, so the number stays small and visible: each one is
// a place where the compiler takes our word instead of checking. `as const`
// and the generated schema-types.ts do not count. With --max N it fails above N.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";

const root = new URL("..", import.meta.url).pathname;
const folders = ["controller", "cli"];
const skip = new Set(["controller/definitions/schema-types.ts"]);

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) yield path;
  }
}

const isAsConst = (node) => ts.isTypeReferenceNode(node.type) && node.type.typeName.getText() === "const";

const counts = new Map();
for (const folder of folders) {
  for (const path of files(join(root, folder))) {
    const rel = relative(root, path);
    if (skip.has(rel)) continue;
    const source = ts.createSourceFile(rel, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
    let n = 0;
    const visit = (node) => {
      if ((ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) && !isAsConst(node)) n++;
      else if (ts.isNonNullExpression(node)) n++;
      ts.forEachChild(node, visit);
    };
    visit(source);
    if (n > 0) counts.set(rel, n);
  }
}

const total = [...counts.values()].reduce((a, b) => a + b, 0);
const args = process.argv.slice(2);
if (args.includes("--list")) {
  for (const [file, n] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`${String(n).padStart(4)}  ${file}`);
}
const maxAt = args.indexOf("--max");
const max = maxAt >= 0 ? Number(args[maxAt + 1]) : Infinity;
console.log(`type and non-null assertions in controller/ and cli/: ${total}${Number.isFinite(max) ? ` (at most ${max})` : ""}`);
if (total > max) {
  console.error("over the limit: type what the cast recovers (a typed statement, a validated boundary) instead of asserting it");
  process.exit(1);
}
