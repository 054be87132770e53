import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, isAbsolute, join, relative, resolve } from "node:path";
import { defineCommand } from "./support/command.js";
import { UsageError } from "./support/errors.js";
import { listedVariables, withVariables } from "./support/mcp-import/env-example.js";
import { planMcpImport, type McpImportPlan } from "./support/mcp-import/plan-mcp-import.js";
import { requireFolder } from "./support/require-folder.js";

const help = `Usage: nexaas import mcp FILE [--dir DIR] [--dry-run] [--json] [--workspace DIR]

Splits a .mcp.json ({"mcpServers": {...}}, or a bare map of servers by name)
into one mcp-servers/<name>.json file per server:

  - names are slugified (lower case, hyphens: "GitHub Tools" -> github-tools),
    the original kept in "original_name"; a name already taken by a file in
    DIR, or by an earlier server of FILE, gets -2, -3, and so on;
  - literal secrets in env values, headers, URL query strings and passwords,
    and arguments (what nexaas scan finds, and values under names such as
    *TOKEN*, *KEY*, *SECRET*, *PASSWORD* or Authorization) become "\${NAME}",
    NAME from the server and the key in upper snake case, and a line NAME= is
    added to .env.example. Secret values are written nowhere and never printed;
  - fields of other clients (alwaysAllow, disabledTools, timeout...) are kept,
    and listed as ignored.

Every file written validates. An existing file is never overwritten.

Options:
      --dir DIR   where the files go (default: mcp-servers/ in the workspace)
      --dry-run   print what would be written, and write nothing

Exit codes: 0 imported, 2 usage error or a FILE that cannot be imported (nothing written).`;

export const command = defineCommand({
  summary: "import mcp FILE: split a .mcp.json into mcp-servers/ files",
  help,
  maxPositionals: 2,
  options: { dir: { type: "string" }, "dry-run": { type: "boolean" } },
  async run(ctx) {
    const [what, file] = ctx.positionals;
    if (what !== "mcp") throw new UsageError(what === undefined ? "say what to import: nexaas import mcp FILE" : `cannot import "${what}": nexaas import mcp FILE`);
    if (file === undefined) throw new UsageError("missing FILE: the .mcp.json to import");
    const workspace = ctx.common.workspace;
    await requireFolder(workspace, "workspace");
    const dir = ctx.values.dir === undefined ? join(workspace, "mcp-servers") : resolve(ctx.cwd, ctx.values.dir);
    const dryRun = ctx.values["dry-run"] === true;
    const refuse = (problems: string[]): number => {
      for (const p of problems) ctx.stderr(`nexaas import: ${p}\n`);
      ctx.stderr("nexaas import: nothing was written\n");
      return 2;
    };

    const source = resolve(ctx.cwd, file);
    let text: string;
    try {
      text = readFileSync(source, "utf8");
    } catch (error) {
      return refuse([`cannot read ${file}: ${error instanceof Error && "code" in error ? String(error.code) : String(error)}`]);
    }
    const envFile = join(workspace, ".env.example");
    const envText = existsSync(envFile) ? readFileSync(envFile, "utf8") : "";
    const plan = planMcpImport({ text, label: file, dir: display(workspace, dir), taken: namesIn(dir), envListed: listedVariables(envText) });
    if (plan.problems.length > 0) return refuse(plan.problems);

    if (!dryRun) {
      mkdirSync(dir, { recursive: true });
      // "wx": should a file appear since the plan looked, it is left alone and the import fails.
      for (const s of plan.servers) writeFileSync(join(dir, `${s.name}.json`), s.text, { flag: "wx" });
      if (plan.envAdded.length > 0) writeFileSync(envFile, withVariables(envText, plan.envAdded, basename(source)));
    }
    ctx.stdout(ctx.common.json ? JSON.stringify(toJson(plan, dryRun), null, 2) + "\n" : describe(plan, dryRun));
    return 0;
  },
});

/** Server names that files of `dir` already have (.json, .yaml, .yml). */
function namesIn(dir: string): Set<string> {
  if (!existsSync(dir)) return new Set();
  return new Set(
    readdirSync(dir)
      .map((f) => /^(.*)\.(json|ya?ml)$/.exec(f)?.[1])
      .filter((n): n is string => n !== undefined),
  );
}

/** `dir` relative to the workspace when inside it, else absolute; forward slashes. */
function display(workspace: string, dir: string): string {
  const rel = relative(workspace, dir).split("\\").join("/");
  return rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? dir : rel;
}

function describe(plan: McpImportPlan, dryRun: boolean): string {
  const lines: string[] = [];
  for (const s of plan.servers) {
    const from = s.originalName === s.name ? "" : ` from "${s.originalName}"`;
    lines.push(`${dryRun ? "would write" : "wrote"} ${s.file} (${s.transport}${from})`);
    for (const l of s.lifted) lines.push(`  secret in ${l.field} -> \${${l.variable}}`);
    if (s.ignored.length > 0) lines.push(`  kept but ignored by Nexaas: ${s.ignored.join(", ")}`);
    if (!s.enabled) lines.push("  disabled (enabled: false): agents that name it run without its tools");
  }
  if (plan.envAdded.length > 0) lines.push(`${dryRun ? "would add" : "added"} to .env.example: ${plan.envAdded.join(", ")}`);
  const count = `${plan.servers.length} server${plan.servers.length === 1 ? "" : "s"}`;
  const lifted = plan.servers.some((s) => s.lifted.length > 0) ? "; set the lifted variables in .env or the controller's environment" : "";
  lines.push(dryRun ? `${count} to import (dry run: nothing written)` : `${count} imported${lifted}`);
  return lines.join("\n") + "\n";
}

function toJson(plan: McpImportPlan, dryRun: boolean) {
  return {
    dry_run: dryRun,
    servers: plan.servers.map((s) => ({
      name: s.name,
      original_name: s.originalName,
      file: s.file,
      type: s.transport,
      enabled: s.enabled,
      secrets: s.lifted.map((l) => ({ field: l.field, variable: l.variable })),
      ignored_fields: s.ignored,
    })),
    env_example: { file: ".env.example", added: plan.envAdded },
  };
}
