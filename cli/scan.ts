import { isAbsolute, relative, resolve } from "node:path";
import type { Diagnostic } from "../controller/definitions/diagnostic.js";
import type { Finding } from "../controller/contribute/finding.js";
import type { ScanResult } from "../controller/contribute/scan-source.js";
import type { Identity } from "../controller/contribute/identity.js";
import type { FileSource } from "../controller/source/file-source.js";
import { type CommandIO, defineCommand } from "./support/command.js";
import { during, UsageError } from "./support/errors.js";
import { isOneOf } from "./support/one-of.js";
import { requireFolder } from "./support/require-folder.js";

const formats = ["text", "json", "sarif"] as const;
export type ScanFormat = (typeof formats)[number];

export const command = defineCommand({
  summary: "find secrets and identity data (what contribute would replace)",
  help: `Usage: nexaas scan [PATHS...] [--staged] [--secrets] [--upstream] [--format text|json|sarif] [--workspace DIR]

Looks through every text file of the workspace for secrets (API keys, private
keys, JWTs, bearer tokens, passwords in URLs and connection strings) and
identity data (company names, domains and people from nexaas.yaml's identity,
email addresses, webhook URLs, IP addresses, home-directory paths), and any
literal copy of a secret value from the workspace's .env or from an environment
variable with a credential-like name (…KEY, …TOKEN, …SECRET, …PASSWORD). Values
are never printed in full. A line holding "nexaas:allow" is not reported.

  PATHS            only scan these files or folders
  --staged         scan the files the commit about to be made adds or changes,
                   as the git index holds them (the pre-commit hook's check),
                   including a forced \`git add\` of .env, data/ or exports/
                   (which a plain scan passes over)
  --secrets        report only secrets and webhook URLs: what must never be
                   committed (the pre-commit hook blocks these; identity data
                   may stay in your own workspace, contribute replaces it)
  --upstream       what contribute would replace: also any real domain and
                   company-like name, and "nexaas:allow" does not apply
  --format FORMAT  text (default), json ({findings: [...], skipped: [{file,
                   reason}]}) or sarif (SARIF 2.1.0); --json is --format json

Binary files and files over 1 MiB are not scanned: text and sarif list each on
stderr ("skipped FILE: binary" or "too large (> 1 MiB)"), json under "skipped"
(reason "binary" or "too-large"). They do not change the exit code: validate
refuses them in a commit.

Exit codes: 0 nothing found, 1 findings, 2 usage error.`,
  maxPositionals: Number.POSITIVE_INFINITY,
  options: {
    staged: { type: "boolean" },
    secrets: { type: "boolean" },
    upstream: { type: "boolean" },
    format: { type: "string", short: "f" },
  },
  async run(ctx) {
    const format = ctx.common.json ? "json" : (ctx.values.format ?? "text");
    if (!isOneOf(formats, format)) throw new UsageError(`unknown format "${format}" (use ${formats.join(", ")})`);
    const workspace = ctx.common.workspace;
    const paths = ctx.positionals.map((p) => {
      const rel = relative(workspace, resolve(ctx.cwd, p)).split("\\").join("/");
      if (rel.startsWith("..") || isAbsolute(rel)) throw new UsageError(`${p} is outside the workspace ${workspace}`);
      return rel === "" ? "." : rel;
    });
    await requireFolder(workspace, "workspace");
    const upstream = ctx.values.upstream === true;
    const secretsOnly = ctx.values.secrets === true;
    if (!ctx.values.staged) {
      const { DirectorySource } = await import("../controller/source/directory-source.js");
      return scanFiles(ctx, { workspace, format, paths, upstream, secretsOnly, source: new DirectorySource(workspace) });
    }
    const { GitSource } = await import("../controller/source/git-source.js");
    const { stagedChanges } = await import("../controller/source/git.js");
    return scanFiles(ctx, { workspace, format, paths, upstream, secretsOnly, source: GitSource.index(workspace), staged: stagedChanges(workspace) });
  },
});

export interface ScanRequest {
  workspace: string;
  format: ScanFormat;
  /** Workspace-relative files or folders to scan; empty: all. */
  paths: readonly string[];
  upstream: boolean;
  /** Report only what must never be committed (--secrets). */
  secretsOnly: boolean;
  source: FileSource;
  /** With --staged: the files the commit adds or changes (stagedChanges), only they are scanned. */
  staged?: Promise<string[]>;
  /** nexaas.yaml's identity when the caller has it (validate's manifest); default: read from the source. */
  identity?: Identity;
}

/**
 * The scan itself, from a source already open: `scan` runs it, and so does
 * `validate --staged --scan`, which passes the index it validated (its listing and
 * blobs already read), the manifest's identity, and the staged changes it asked git
 * for while validating.
 */
export async function scanFiles(ctx: Pick<CommandIO, "stdout" | "stderr" | "env">, request: ScanRequest): Promise<number> {
  const { workspace, format, source } = request;
  const { inPaths, scanSource } = await import("../controller/contribute/scan-source.js");
  let only = request.paths;
  const gitRead = request.staged ? "--staged reads the git index" : undefined;
  if (request.staged) {
    const changed = await request.staged.catch(during(gitRead));
    only = changed.filter((file) => inPaths(file, request.paths));
    if (only.length === 0) {
      ctx.stdout(await render(format, [], [], workspace));
      return 0;
    }
  }
  const upstream = request.upstream;
  const { environmentSecrets } = await import("../controller/contribute/env-values.js");
  const environmentValues = environmentSecrets(workspace, ctx.env);
  // What a commit adds is scanned whatever its path: a forced `git add .env` must not slip through.
  const includeIgnored = request.staged !== undefined;
  const result = await scanSource(source, { paths: only, upstream, allowMarker: !upstream, environmentValues, includeIgnored, identity: request.identity }).catch(
    during(gitRead),
  );
  const { credentialKinds } = await import("../controller/contribute/finding.js");
  const findings = request.secretsOnly ? result.findings.filter((f) => credentialKinds.has(f.kind)) : result.findings;
  // Not a finding, so the exit code stays: validate refuses binary and oversize files itself.
  if (format !== "json") for (const s of result.skipped) ctx.stderr(`skipped ${s.file}: ${skipReasons[s.reason]}\n`);
  ctx.stdout(await render(format, findings, result.skipped, workspace));
  return findings.length > 0 ? 1 : 0;
}

const skipReasons: Record<ScanResult["skipped"][number]["reason"], string> = { binary: "binary", "too-large": "too large (> 1 MiB)" };

async function render(format: ScanFormat, findings: Finding[], skipped: ScanResult["skipped"], workspace: string): Promise<string> {
  switch (format) {
    case "json":
      // SPEC §10: never the value, not even masked.
      return (
        JSON.stringify(
          { findings: findings.map(({ file, line, column, kind, rule, placeholder }) => ({ file, line, column, kind, rule, placeholder })), skipped },
          null,
          2,
        ) + "\n"
      );
    case "text":
      if (findings.length === 0) return "no findings\n";
      return (
        findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.kind} ${f.rule} ${f.masked}`).join("\n") +
        `\n${findings.length} finding${findings.length === 1 ? "" : "s"}\n`
      );
    case "sarif": {
      const { formatSarif } = await import("./support/format/sarif.js");
      const { readPackageVersion } = await import("../controller/package-root.js");
      const diagnostics: Diagnostic[] = findings.map((f) => ({
        file: f.file,
        line: f.line,
        column: f.column,
        rule: f.rule,
        severity: "error",
        message: `${f.kind} ${f.masked}: replace with ${f.placeholder} (or move secrets to the environment)`,
      }));
      return formatSarif(diagnostics, { workspaceFromRepoRoot: await (await import("../controller/source/git.js")).repoPrefix(workspace), toolVersion: readPackageVersion() });
    }
  }
}
