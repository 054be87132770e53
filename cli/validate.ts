import { existsSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { ValidateCache } from "../controller/definitions/validate-cache.js";
import { validateWorkspace } from "../controller/definitions/validate-workspace.js";
import { GitSource } from "../controller/source/git-source.js";
import { stagedChanges } from "../controller/source/git.js";
import { defineCommand } from "./support/command.js";
import { during, UsageError } from "./support/errors.js";
import { formatDiagnostics, isOutputFormat, outputFormats } from "./support/format/index.js";
import { requireFolder } from "./support/require-folder.js";

export const command = defineCommand({
  summary: "check every file of the workspace; every error in one pass",
  help: `Usage: nexaas validate [PATHS...] [--staged [--scan] | --revision REV] [--no-cache] [--format text|json|sarif|github] [--workspace DIR]
       nexaas validate --framework DIR [PATHS...] [--format ...]

Checks every file of the workspace (and the framework layer under it): YAML
syntax, the schemas in schemas/, and cross-file rules (unknown agents, skills,
flows and MCP servers, duplicate ids, names, cron expressions and time zones,
intervals and dates, flow templates and CEL conditions, paths and symlinks
leaving the workspace, oversize and binary files). Every problem is reported
in one pass as file:line:col.

  PATHS            only report problems in these files or folders (the rules
                   still see the whole workspace)
  --staged         validate what the git index holds: the commit about to be made
  --scan           with --staged, then (when it validates) look for secrets in
                   the staged files as \`nexaas scan --staged --secrets\` does, in
                   the same process: the pre-commit hook's two checks, one start
  --revision REV   validate a commit's tree from git objects (what a push or
                   the reconciler would see), not the working tree
  --no-cache       with --staged or --revision, read and parse every file again:
                   by default the files read from git and their parse results
                   are kept under the repository's git folder (.git/nexaas/),
                   by content, so a commit parses only the files it changes;
                   the findings are the same either way
  --format FORMAT  text (default), json, sarif (SARIF 2.1.0) or github
                   (workflow annotations); --json is --format json
  --framework DIR  validate DIR as the product's framework layer (framework/, or
                   a copy with a contribution applied): its definitions, and the
                   upstream sanitizer rules: no secrets, emails, real domains or
                   company-like names, only placeholders such as {{COMPANY_NAME}}
                   (rule framework-placeholders; "nexaas:allow" on a line permits it)

Exit codes: 0 no errors (warnings allowed), 1 errors, 2 usage error;
with --scan, 3 when the files validate but hold secrets.`,
  maxPositionals: Number.POSITIVE_INFINITY,
  options: {
    staged: { type: "boolean" },
    scan: { type: "boolean" },
    revision: { type: "string", short: "r" },
    format: { type: "string", short: "f" },
    framework: { type: "string" },
    "no-cache": { type: "boolean" },
  },
  async run(ctx) {
    const format = ctx.common.json ? "json" : (ctx.values.format ?? "text");
    if (!isOutputFormat(format)) throw new UsageError(`unknown format "${format}" (use ${outputFormats.join(", ")})`);
    const framework = ctx.values.framework;
    const workspace = framework !== undefined ? resolve(ctx.cwd, framework) : ctx.common.workspace;
    const paths = ctx.positionals.map((p) => {
      const rel = relative(workspace, resolve(ctx.cwd, p)).split("\\").join("/");
      if (rel.startsWith("..") || isAbsolute(rel)) throw new UsageError(`${p} is outside the ${framework !== undefined ? "framework" : "workspace"} ${workspace}`);
      return rel === "" ? "." : rel;
    });
    const revision = ctx.values.revision;
    if (revision !== undefined && ctx.values.staged) throw new UsageError("--staged and --revision exclude each other");
    if (framework !== undefined && (revision !== undefined || ctx.values.staged)) throw new UsageError("--framework reads a folder: it takes neither --staged nor --revision");
    if (ctx.values.scan && !ctx.values.staged) throw new UsageError("--scan goes with --staged (the pre-commit hook's checks)");
    await requireFolder(workspace, framework !== undefined ? "framework" : "workspace");
    // A path that names nothing would report "no problems" about nothing: a typo must not pass as clean.
    if (revision === undefined && !ctx.values.staged) {
      const missing = paths.filter((p) => !existsSync(resolve(workspace, p)));
      if (missing.length > 0) throw new UsageError(`no such file or folder: ${missing.join(", ")}`);
    }
    const tree = ctx.values.staged ? ({ from: "index" } as const) : revision !== undefined ? ({ from: "revision", revision } as const) : ({ from: "worktree" } as const);
    // Blobs and parse results kept from the last run (the pre-commit hook's, mostly): read
    // while git lists the tree.
    const cache = tree.from !== "worktree" && !ctx.values["no-cache"] ? ValidateCache.open(workspace) : undefined;
    // The hook's two checks share one reading of the index, and git lists the staged
    // changes for the scan while the files validate.
    const index = ctx.values.scan ? GitSource.index(workspace, { blobs: cache, worktree: true }) : undefined;
    const staged = ctx.values.scan ? stagedChanges(workspace) : undefined;
    staged?.catch(() => undefined); // reported by the scan, if it runs
    const validating =
      framework !== undefined
        ? Promise.all([import("../controller/definitions/validate-framework.js"), import("../controller/contribute/scan-framework.js")]).then(([{ validateFramework }, { scanFramework }]) =>
            validateFramework(workspace, scanFramework, paths),
          )
        : validateWorkspace({ dir: workspace, tree, paths, source: index, cache, worktreeBlobs: true });
    // git's message names its command, not the flag that ran it.
    const gitRead = tree.from === "index" ? "--staged reads the git index" : tree.from === "revision" ? `--revision ${tree.revision} reads git objects` : undefined;
    const result = await validating.catch(during(gitRead));
    // Before the scan: what it reads (any staged file) is not the validation's to keep.
    await cache?.save();
    const needsRepoPath = format === "sarif" || format === "github";
    const workspaceFromRepoRoot = needsRepoPath ? await (await import("../controller/source/git.js")).repoPrefix(workspace) : "";
    const { readPackageVersion } = await import("../controller/package-root.js");
    ctx.stdout(
      formatDiagnostics(format, result.diagnostics, {
        workspaceFromRepoRoot,
        toolVersion: readPackageVersion(),
        color: format === "text" && process.stdout.isTTY === true && !ctx.env.NO_COLOR,
      }),
    );
    if (!result.ok) return 1;
    if (!index || !staged) return 0;
    // What `scan --staged --secrets` does, on the index already read.
    const { scanFiles } = await import("./scan.js");
    const manifest = result.defs.manifest?.spec;
    const identity = manifest ? (await import("../controller/contribute/identity.js")).identityOf(manifest) : undefined;
    const scanFormat = format === "json" ? "json" : "text";
    const found = await scanFiles(ctx, { workspace, format: scanFormat, paths, upstream: false, secretsOnly: true, source: index, staged, identity });
    return found === 0 ? 0 : 3;
  },
});
