import type { Diagnostic } from "./diagnostic.js";
import type { Definition, DefinitionKind, Definitions } from "./model.js";
import type { ParsedLayer } from "./parse-layer.js";
import { finding } from "./rules/rule.js";

const NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

const kindLabel: Record<DefinitionKind, string> = {
  agent: "agent",
  skill: "skill",
  event: "event",
  flow: "flow",
  "mcp-server": "MCP server",
  registry: "registry",
};

/**
 * Puts the workspace layer over the framework layer (SPEC §2): a workspace
 * definition with the same kind and name replaces the framework one whole.
 * Within one layer a name may be defined once; a second definition is an error.
 */
export function mergeLayers(framework: ParsedLayer, workspace: ParsedLayer): { defs: Definitions; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const defs: Definitions = {
    manifest: workspace.manifest,
    agents: new Map(),
    skills: new Map(),
    events: new Map(),
    flows: new Map(),
    mcpServers: new Map(),
    mcpCatalog: new Map(),
    registries: new Map(),
  };
  const add = (def: Definition): void => {
    switch (def.kind) {
      case "agent":
        defs.agents.set(def.name, def);
        break;
      case "skill":
        defs.skills.set(def.name, def);
        break;
      case "event":
        defs.events.set(def.name, def);
        break;
      case "flow":
        defs.flows.set(def.name, def);
        break;
      case "registry":
        defs.registries.set(def.name, def);
        break;
      case "mcp-server":
        (def.layer === "framework" ? defs.mcpCatalog : defs.mcpServers).set(def.name, def);
        break;
    }
  };

  for (const layer of [framework, workspace]) {
    const seen = new Map<string, Definition>();
    for (const def of layer.definitions) {
      const problems = nameProblems(def);
      diagnostics.push(...problems);
      if (problems.some((p) => p.severity === "error")) continue;
      const key = `${def.kind}:${def.name}`;
      const first = seen.get(key);
      if (first) {
        diagnostics.push(
          finding(def, idPath(def), "duplicate-id", `${kindLabel[def.kind]} "${def.name}" is already defined in ${first.file}`),
        );
        continue;
      }
      seen.set(key, def);
      add(def);
    }
  }

  // Framework MCP servers are a catalog: active only when nexaas.yaml enables them.
  const enabled = defs.manifest?.spec.mcp_servers ?? [];
  enabled.forEach((name, i) => {
    const entry = defs.mcpCatalog.get(name);
    if (defs.mcpServers.has(name)) return;
    if (entry) defs.mcpServers.set(name, entry);
    else if (defs.manifest) {
      const known = [...defs.mcpCatalog.keys()].join(", ") || "none";
      diagnostics.push({
        file: defs.manifest.source.file,
        ...defs.manifest.source.at(["mcp_servers", i]),
        rule: "unknown-reference",
        severity: "error",
        message: `mcp_servers: "${name}" is not a framework MCP server (known: ${known})`,
      });
    }
  });
  return { defs, diagnostics };
}

function idPath(def: Definition): (string | number)[] {
  if (def.kind === "event" && def.origin !== "events") return ["id"];
  const value = def.source.value;
  if (value && typeof value === "object" && ("id" in value || "name" in value)) return ["id" in value ? "id" : "name"];
  return [];
}

/** File and folder names are names too; a `name:` field must agree with the file that holds it. */
function nameProblems(def: Definition): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (!NAME.test(def.name) || def.name.length > 64) {
    out.push(
      finding(def, idPath(def), "name-pattern", `"${def.name}" is not a valid ${kindLabel[def.kind]} name: use lower-case letters, digits and single hyphens, at most 64 characters`),
    );
    return out;
  }
  const fileName = fileNameOf(def);
  const value = def.source.value;
  const declared = value && typeof value === "object" && "name" in value ? value.name : undefined;
  if (fileName !== undefined && def.kind !== "event" && def.kind !== "flow" && typeof declared === "string" && declared !== fileName) {
    const message =
      def.kind === "skill" && def.format === "markdown"
        ? `the heading "# ${declared}" must be the skill's name, which is its file name "${fileName}"`
        : `name "${declared}" does not match its ${inFolder(def) ? "folder" : "file"} name "${fileName}"`;
    out.push(finding(def, ["name"], "name-mismatch", message));
  }
  return out;
}

/** Agents and Agent Skills are folders named after them; a Claude Code subagent file is named after its agent. */
const inFolder = (def: Definition): boolean => (def.kind === "agent" && def.format === "folder") || (def.kind === "skill" && def.format === "agent-skill");

function fileNameOf(def: Definition): string | undefined {
  const parts = def.file.split("/");
  if (inFolder(def)) return parts.at(-2);
  if (def.kind === "event" && def.origin !== "events") return undefined;
  return parts.at(-1)?.replace(/\.(ya?ml|json|md)$/, "");
}
