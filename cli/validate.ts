import { stat } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";
import { validateWorkspace } from "../controller/definitions/validate-workspace.js";
import { GitError } from "../controller/source/git.js";
import type { Command } from "./command.js";
import { CommandError, UsageError } from "./errors.js";
import { formatDiagnostics, isOutputFormat, outputFormats } from "./format/index.js";

export const command: Command = {
  summary: "check every file of the workspace; every error in one pass",
  help: `Usage: nexaas validate [PATHS...] [--staged | --revision REV] [--format text|json|sarif|github] [--workspace DIR]
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
  --revision REV   validate a commit's tree from git objects (what a push or
                   the reconciler would see), not the working tree
  --format FORMAT  text (default), json, sarif (SARIF 2.1.0) or github
                   (workflow annotations); --json is --format json
  --framework DIR  validate DIR as the product's framework layer (framework/, or
                   a copy with a contribution applied): its definitions, and the
                   upstream sanitizer rules: no secrets, emails, real domains or
                   company-like names, only placeholders such as {{COMPANY_NAME}}
                   (rule framework-placeholders; "nexaas:allow" on a line permits it)

Exit codes: 0 no errors (warnings allowed), 1 errors, 2 usage error.`,
  maxPositionals: Number.POSITIVE_INFINITY,
  options: {
    staged: { type: "boolean" },
    revision: { type: "string", short: "r" },
    format: { type: "string", short: "f" },
    framework: { type: "string" },
  },
  async run(ctx) {
    const format = ctx.common.json ? "json" : ((ctx.values.format as string | undefined) ?? "text");
    if (!isOutputFormat(format)) throw new UsageError(`unknown format "${format}" (use ${outputFormats.join(", ")})`);
    const framework = ctx.values.framework as string | undefined;
    const workspace = framework !== undefined ? resolve(ctx.cwd, framework) : ctx.common.workspace;
    const paths = ctx.positionals.map((p) => {
      const rel = relative(workspace, resolve(ctx.cwd, p)).split("\\").join("/");
      if (rel.startsWith("..") || isAbsolute(rel)) throw new UsageError(`${p} is outside the ${framework !== undefined ? "framework" : "workspace"} ${workspace}`);
      return rel === "" ? "." : rel;
    });
    const revision = ctx.values.revision as string | undefined;
    if (revision !== undefined && ctx.values.staged) throw new UsageError("--staged and --revision exclude each other");
    if (framework !== undefined && (revision !== undefined || ctx.values.staged)) throw new UsageError("--framework reads a folder: it takes neither --staged nor --revision");
    if (framework !== undefined) await assertFolder(workspace);
    const tree = ctx.values.staged ? ({ from: "index" } as const) : revision !== undefined ? ({ from: "revision", revision } as const) : ({ from: "worktree" } as const);
    const validating =
      framework !== undefined
        ? Promise.all([import("../controller/definitions/validate-framework.js"), import("../controller/contribute/scan-framework.js")]).then(([{ validateFramework }, { scanFramework }]) =>
            validateFramework(workspace, scanFramework, paths),
          )
        : validateWorkspace({ dir: workspace, tree, paths });
    const result = await validating.catch((error: unknown) => {
      if (error instanceof GitError) {
        const what = tree.from === "index" ? "--staged reads the git index" : `--revision ${revision ?? ""} reads git objects`;
        throw new CommandError(`${what}: ${error.message}`, "git", { cause: error });
      }
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new CommandError(`no ${framework !== undefined ? "framework" : "workspace"} at ${workspace}`, "not-found", { cause: error });
      throw error;
    });
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
    return result.ok ? 0 : 1;
  },
};

/** A file given to --framework is a wrong argument, not a missing framework (which the caller reports as such). */
async function assertFolder(dir: string): Promise<void> {
  const stats = await stat(dir).catch(() => undefined);
  if (stats !== undefined && !stats.isDirectory()) throw new UsageError(`--framework takes a folder: ${dir} is not one`);
}
