import type { Diagnostic } from "../../../controller/definitions/diagnostic.js";
import { repoRelative } from "./repo-path.js";
import { summarize } from "./text.js";

// Escaping as in @actions/core's command.ts: data escapes %, CR, LF; properties also : and ,.
const escapeData = (s: string): string => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

/**
 * GitHub Actions workflow commands (`::error file=…,line=…,col=…,title=…::message`), which
 * become annotations on the pull request's diff. A plain summary line closes the log.
 */
export function formatGithub(diagnostics: Diagnostic[], workspaceFromRepoRoot: string): string {
  const lines = diagnostics.map((d) => {
    const file = repoRelative(workspaceFromRepoRoot, d.file);
    const props: string[] = [];
    if (file) props.push(`file=${escapeProperty(file)}`);
    if (d.line >= 1) props.push(`line=${d.line}`);
    if (d.line >= 1 && d.column >= 1) props.push(`col=${d.column}`);
    props.push(`title=${escapeProperty(d.rule)}`);
    return `::${d.severity} ${props.join(",")}::${escapeData(d.message)}`;
  });
  lines.push(`nexaas: ${summarize(diagnostics)}`);
  return lines.join("\n") + "\n";
}
