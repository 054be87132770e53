import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { validateWorkspace } from "../../controller/definitions/validate-workspace.js";
import { desiredState } from "../../controller/reconcile/desired-state.js";
import { plan } from "../../controller/reconcile/plan.js";
import { asCurrent } from "../../controller/reconcile/revision-state.js";
import { reconcile } from "../../controller/reconcile/reconcile.js";
import { openDatabase } from "../../controller/store/open-database.js";
import { readDefinition } from "../../controller/store/read-definition.js";
import { sqliteSql } from "../../controller/store/sql/sqlite-sql.js";
import { isolateGit, tempDir } from "../cli/helpers.js";
import { gitWorkspace } from "../support/git-workspace.js";
import { baseWorkspace, writeTree } from "../support/tree.js";

// A Claude Code subagent file, written for this test from the format's documentation.
const subagent = `---
name: stock-checker
description: Checks stock levels. Use when a product may be running low.
tools: Read, Glob, mcp__storefront__get_stock
model: sonnet
---

You check stock levels and answer with one line per product.
`;
// The same agent as a folder agent.
const folder = {
  "agents/stock-checker/config.yaml": `
    name: stock-checker
    description: Checks stock levels. Use when a product may be running low.
    tools: {allow: [mcp__storefront__get_stock]}
    mcp_servers: [storefront]
    model: claude-sonnet-5-5
  `,
  "agents/stock-checker/prompt.md": "You check stock levels and answer with one line per product.\n",
};
const tree = { ...baseWorkspace, "mcp-servers/storefront.yaml": "command: node\nargs: [storefront.js]\n" };

const dbs: Database[] = [];
afterEach(() => {
  while (dbs.length) dbs.pop()?.close();
});
beforeAll(() => isolateGit());

const now = new Date("2026-11-23T08:00:00.000Z");

async function desired(files: Record<string, string>) {
  const dir = tempDir();
  writeTree(dir, { ...tree, ...files });
  const result = await validateWorkspace({ dir, now, frameworkDir: null });
  expect(result.ok).toBe(true);
  return desiredState(result.defs);
}

describe("a Claude Code subagent file is planned and applied like any agent", () => {
  it("plan shows it as an agent created from agents/<name>.md, its prompt diff headed with that file, and its risks", async () => {
    const p = plan(await desired({ "agents/stock-checker.md": subagent }), [], { base: null, head: "b".repeat(40), now });
    const change = p.changes.find((c) => c.kind === "agent" && c.name === "stock-checker");
    expect(change).toMatchObject({ op: "create", layer: "workspace", file: "agents/stock-checker.md" });
    expect(change?.fields).toEqual([
      { path: "name", after: "stock-checker" },
      { path: "description", after: "Checks stock levels. Use when a product may be running low." },
      { path: "tools.allow", after: ["mcp__storefront__get_stock"] },
      { path: "mcp_servers", after: ["storefront"] },
      { path: "model", after: "claude-sonnet-5-5" },
      { path: "prompt" }, // a text: its diff is in text_diffs
    ]);
    expect(change?.text_diffs[0]?.patch).toContain("+++ b/agents/stock-checker.md");
    expect(change?.risks.map((r) => r.code)).toContain("tool-permission");
  });

  it("stores the same spec as the folder agent it stands for, so moving between the two plans no change", async () => {
    const asFile = await desired({ "agents/stock-checker.md": subagent });
    const asFolder = await desired(folder);
    const fromFile = asFile.find((o) => o.name === "stock-checker");
    expect(fromFile?.spec).toEqual(asFolder.find((o) => o.name === "stock-checker")?.spec);
    const moved = plan(asFolder, asCurrent(asFile, "a".repeat(40)), { base: "a".repeat(40), head: "b".repeat(40), now });
    expect(moved.changes).toEqual([]);
  });

  it("reconcile applies it, and a run reads it back as any agent", async () => {
    const ws = gitWorkspace({ ...tree, "agents/stock-checker.md": subagent });
    const db = openDatabase(join(tempDir(), "nexaas.db"));
    dbs.push(db);
    expect((await reconcile(sqliteSql(db), { dir: ws.dir, now, frameworkDir: null })).result).toBe("applied");
    expect(await readDefinition(sqliteSql(db), "agent", "stock-checker")).toEqual({
      name: "stock-checker",
      description: "Checks stock levels. Use when a product may be running low.",
      tools: { allow: ["mcp__storefront__get_stock"] },
      mcp_servers: ["storefront"],
      model: "claude-sonnet-5-5",
      prompt: "You check stock levels and answer with one line per product.\n",
    });
  });
});
