import { checkYamlFile } from "../../../controller/definitions/check-yaml-file.js";
import { isRecord } from "../../../controller/definitions/is-record.js";
import { mcpServerFields, mcpTransport } from "../../../controller/definitions/mcp-transport.js";
import { liftSecrets, VariableNames, type LiftedSecret } from "./lift-secrets.js";
import { slugifyName, uniqueName } from "../name-slug.js";

/** One server of the .mcp.json, as it will be written. */
export interface PlannedServer {
  /** Its name in the .mcp.json. */
  originalName: string;
  name: string;
  /** Path of the file to write, relative to the workspace (forward slashes). */
  file: string;
  /** The file's text (JSON); its secrets already replaced by `${NAME}`. */
  text: string;
  transport: string;
  enabled: boolean;
  lifted: LiftedSecret[];
  /** Fields kept in the file that Nexaas does not read. */
  ignored: string[];
}

export interface McpImportPlan {
  servers: PlannedServer[];
  /** Variables to add to .env.example (`NAME=`), in order: the lifted ones it does not list yet. */
  envAdded: string[];
  /** Why the input cannot be imported; nothing is written when there is one. */
  problems: string[];
}

export interface McpImportInput {
  /** The .mcp.json's text. */
  text: string;
  /** Its name for messages. */
  label: string;
  /** The folder the files go to, relative to the workspace (`mcp-servers`). */
  dir: string;
  /** Server names that files in `dir` already have. */
  taken: ReadonlySet<string>;
  /** Variables .env.example already lists. */
  envListed: ReadonlySet<string>;
}

/**
 * What `nexaas import mcp` will write, worked out without touching the disk:
 * each server under a slugified name unique among `taken` and the file's
 * other servers, its literal secrets lifted to `${NAME}`, and each file checked
 * against schemas/mcp-server.schema.json as validate will check it.
 */
export function planMcpImport(input: McpImportInput): McpImportPlan {
  const empty = (problem: string): McpImportPlan => ({ servers: [], envAdded: [], problems: [problem] });
  let parsed: unknown;
  try {
    parsed = JSON.parse(input.text.replace(/^\uFEFF/, ""));
  } catch (error) {
    return empty(`${input.label} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const servers = serverMap(parsed);
  if (typeof servers === "string") return empty(`${input.label}: ${servers}`);

  const taken = new Set(input.taken);
  const names = new VariableNames();
  const planned: PlannedServer[] = [];
  const problems: string[] = [];
  for (const [originalName, entry] of Object.entries(servers)) {
    if (!isRecord(entry)) {
      problems.push(`server "${originalName}": an entry is an object of fields (command, args, env, or url, headers)`);
      continue;
    }
    const root = slugifyName(originalName);
    const name = uniqueName(root, taken);
    taken.add(name);
    const { entry: safe, lifted } = liftSecrets({ name, root }, entry, names);
    const fields = Object.fromEntries(Object.entries(safe).filter(([key]) => key !== "name"));
    const spec: Record<string, unknown> = { name, ...(originalName === name ? {} : { original_name: originalName }), ...fields };
    const file = `${input.dir}/${name}.json`;
    const text = JSON.stringify(spec, null, 2) + "\n";
    for (const d of checkYamlFile(file, text, "mcp-server").diagnostics) {
      if (d.severity === "error") problems.push(`server "${originalName}": ${d.message}`);
    }
    const kind = mcpTransport(spec);
    const transport = kind ?? String(spec.type);
    const ignored = kind ? Object.keys(spec).filter((k) => !mcpServerFields[kind].has(k)) : [];
    planned.push({ originalName, name, file, text, transport, enabled: spec.enabled !== false, lifted, ignored });
  }
  if (problems.length > 0) return { servers: [], envAdded: [], problems };
  if (planned.length === 0) return empty(`${input.label} lists no servers`);
  const envAdded = [...new Set(planned.flatMap((s) => s.lifted.map((l) => l.variable)))].filter((v) => !input.envListed.has(v));
  return { servers: planned, envAdded, problems: [] };
}

/** The servers of a .mcp.json (`{"mcpServers": {...}}`), or of a bare map of them; a string says why not. */
function serverMap(value: unknown): Record<string, unknown> | string {
  if (!isRecord(value)) return "expected an object: {\"mcpServers\": {\"<name>\": {...}}}";
  if ("mcpServers" in value) return isRecord(value.mcpServers) ? value.mcpServers : "\"mcpServers\" must be an object of servers by name";
  if (["command", "url", "type"].some((k) => typeof value[k] === "string")) return "this is one server entry: name it, as {\"mcpServers\": {\"<name>\": {...}}}";
  return value;
}
