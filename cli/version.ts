import { execFileSync } from "node:child_process";
import Sqlite from "better-sqlite3";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { packageRoot, readPackageVersion } from "../controller/package-root.js";
import { defineCommand } from "./support/command.js";

export const command = defineCommand({
  summary: "the version of nexaas, its commit, Node and SQLite",
  help: `Usage: nexaas version [--json]

Prints the version of nexaas, the git commit it was built from when it runs from
a checkout (an install from a tarball or the registry has none), and the versions
of Node and of the SQLite library that better-sqlite3 embeds. \`nexaas --version\`
prints the version alone.

Exit codes: 0 success, 2 usage error.`,
  options: {},
  async run(ctx) {
    const memory = new Sqlite(":memory:");
    let sqlite: string;
    try {
      sqlite = String(memory.prepare("SELECT sqlite_version()").pluck().get());
    } finally {
      memory.close();
    }
    const info = { version: readPackageVersion(), commit: checkoutCommit(), node: process.versions.node, sqlite, platform: `${process.platform}-${process.arch}` };
    if (ctx.common.json) {
      ctx.stdout(JSON.stringify(info, null, 2) + "\n");
      return 0;
    }
    ctx.stdout(`nexaas ${info.version}${info.commit ? ` (${info.commit.slice(0, 12)})` : ""}\nnode   ${info.node}\nsqlite ${info.sqlite}\n${info.platform}\n`);
    return 0;
  },
});

/** The commit of the checkout nexaas runs from; null for an installed package (no .git of its own). */
function checkoutCommit(): string | null {
  if (!existsSync(join(packageRoot, ".git"))) return null;
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { cwd: packageRoot, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() || null;
  } catch {
    return null;
  }
}
