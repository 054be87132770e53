import { join, resolve } from "node:path";
import type { Contribution } from "../controller/contribute/contribute.js";
import { defineCommand } from "./support/command.js";
import { CommandError } from "./support/errors.js";

export const command = defineCommand({
  summary: "write a sanitized patch of contributable changes to exports/",
  help: `Usage: nexaas contribute [--base REV] [--out DIR] [--json] [--workspace DIR]

Offers your improvements to the product: writes a patch of the contributable files
that changed between a base revision and HEAD, with every secret and piece of
identity replaced by a placeholder, for \`git apply\` on the product repository.

Contributable: agents/, skills/, mcp-servers/, flows/ and playbooks/ (each file
becomes framework/<same path> in the product). Never: nexaas.yaml, .env files,
data/, exports/, databases, registries/ (their entries are customer data),
events/, memory/, scripts, or anything else. Files are read from git objects,
so only committed changes count. A new agent or folder skill (one the product
does not have) goes whole: its unchanged files come with the changed ones.
Deleted, binary, symlinked and >1 MiB files are skipped and listed in the report.

Each finding of \`nexaas scan\` (with the stricter upstream rules: any real
domain, any company-like name, any copy of a secret value from .env or the
environment; \`nexaas:allow\` does not apply) is replaced by
a typed placeholder: {{API_KEY}}, {{PRIVATE_KEY}}, {{PASSWORD}},
{{COMPANY_NAME}}, {{DOMAIN}}, {{EMAIL}}, {{PERSON}}, {{WEBHOOK_URL}},
{{IP_ADDRESS}}, {{PATH}}. One value gets one placeholder throughout; distinct
values of a kind are numbered: {{COMPANY_NAME}}, {{COMPANY_NAME_2}}, …
The values themselves are never written or printed.

The sanitized files (and their names) are then scanned again: if anything is
still found, no patch is written, each finding is printed as
\`framework/<path>:line:col kind rule\` (line 0: the file's name) and the exit
code is 1.

  --base REV   the revision to compare with: a commit, or a tree. Default: the
               repository's first commit (the framework version a workspace
               started from is not recorded yet), so files added in that first
               commit are not offered; to offer them, compare with the empty
               tree: --base 4b825dc642cb6eb9a060e54bf8d69288fbee4904
  --out DIR    where to write (default: exports/ in the workspace, created if
               needed); writes nexaas-<UTC timestamp>.patch and a .json report
               ({patch, files, replacements, skipped, base, head}); never
               overwrites an existing file
  --json       print the report instead of a summary

The patch is also checked as the product checks its framework/ (\`nexaas
validate --framework\` on a copy with the patch applied); what it would report
(an agent naming a skill only you have, say) is printed as a warning and listed
in the report as upstream_errors. The patch is written all the same.

Read the patch before you send it.

Exit codes: 0 patch written (or nothing to contribute), 1 something still found
after sanitizing, or a git error, 2 usage error.`,
  options: {
    base: { type: "string", short: "b" },
    out: { type: "string", short: "o" },
  },
  async run(ctx) {
    const { prepareContribution } = await import("../controller/contribute/contribute.js");
    const { packageRoot } = await import("../controller/package-root.js");
    const workspace = ctx.common.workspace;
    const { environmentSecrets } = await import("../controller/contribute/env-values.js");
    const result = await prepareContribution(workspace, {
      base: ctx.values.base,
      environmentValues: environmentSecrets(workspace, ctx.env),
      frameworkDir: join(packageRoot, "framework"),
    });
    const { base, head } = result.range;
    switch (result.status) {
      case "unsafe":
        for (const f of result.remaining) ctx.stderr(`${f.file}:${f.line}:${f.column} ${f.kind} ${f.rule}\n`);
        if (ctx.common.json) ctx.stdout(JSON.stringify({ patch: null, files: [], replacements: [], findings: result.remaining.map(publicFinding), base, head }, null, 2) + "\n");
        throw new CommandError(
          `${result.remaining.length} finding${result.remaining.length === 1 ? "" : "s"} left after sanitizing: no patch written. Remove or rename what is listed (nexaas scan helps), commit, and run contribute again.`,
          "findings",
        );
      case "nothing":
        if (ctx.common.json) ctx.stdout(JSON.stringify(reportOf(result, null), null, 2) + "\n");
        else ctx.stdout(`nothing to contribute between ${base.slice(0, 12)} and ${head.slice(0, 12)}\n`);
        return 0;
      case "ready": {
        const { writeExport } = await import("../controller/contribute/write-export.js");
        const out = resolve(ctx.cwd, ctx.values.out ?? join(workspace, "exports"));
        const patchPath = await writeExport(out, new Date(), result.patch, (p) => reportOf(result, p));
        ctx.stdout(ctx.common.json ? JSON.stringify(reportOf(result, patchPath), null, 2) + "\n" : summary(result, patchPath));
        if (result.upstreamErrors.length > 0) {
          // The patch is still written: the fix may belong upstream (a skill to add there too).
          ctx.stderr(`warning: once applied, the product's \`nexaas validate --framework framework\` would report:\n`);
          for (const d of result.upstreamErrors) ctx.stderr(`  ${d.file}:${d.line}:${d.column} ${d.rule} ${d.message}\n`);
        }
        return 0;
      }
    }
  },
});

/** The report (SPEC §10 `contribute`): where things were replaced and with what, never the values. */
function reportOf(result: Exclude<Contribution, { status: "unsafe" }>, patch: string | null): Record<string, unknown> {
  const ready = result.status === "ready";
  return {
    patch,
    files: ready ? result.files : [],
    replacements: ready ? result.replacements.map(({ file, line, kind, placeholder }) => ({ file, line, kind, placeholder })) : [],
    skipped: result.skipped,
    // Counted, not named: a customer's file names (registries/acme.yaml) are theirs too.
    not_contributable: result.notContributable,
    upstream_errors: ready ? result.upstreamErrors.map(({ file, line, column, rule, message }) => ({ file, line, column, rule, message })) : [],
    base: result.range.base,
    head: result.range.head,
  };
}

const publicFinding = ({ file, line, column, kind, rule, placeholder }: { file: string; line: number; column: number; kind: string; rule: string; placeholder: string }) => ({
  file,
  line,
  column,
  kind,
  rule,
  placeholder,
});

function summary(result: Extract<Contribution, { status: "ready" }>, patchPath: string): string {
  const byKind = new Map<string, number>();
  for (const r of result.replacements) byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + 1);
  const kinds = [...byKind].map(([kind, n]) => `${n} ${kind}`).join(", ");
  const n = result.replacements.length;
  const lines = [
    `wrote ${patchPath}`,
    `  ${result.files.length} file${result.files.length === 1 ? "" : "s"}, ${n} replacement${n === 1 ? "" : "s"}${kinds ? ` (${kinds})` : ""}`,
    `  report: ${patchPath.replace(/\.patch$/, ".json")}`,
    ...result.skipped.map((s) => `  skipped ${s.file}: ${s.reason}`),
    "Read the patch before you send it: placeholders stand where values were, and a name or",
    "detail the scanner cannot know about may still be there.",
  ];
  return lines.join("\n") + "\n";
}
