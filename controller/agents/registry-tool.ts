import { builtinToolNames } from "../definitions/tool-names.js";
import { listDefinitions } from "../store/list-definitions.js";
import type { Sql } from "../store/sql/sql.js";
import { toolError, toolText, type AgentTool } from "./agent-tool.js";

const defaultLimit = 20;
const maxLimit = 100;

/**
 * A read-only look-up in the workspace's registries: entries whose fields equal
 * the given values (strings compared without regard to case), at most `limit`.
 * Offered when the workspace defines registries; the description lists them and
 * their fields, so the model can ask without a first call to discover them.
 */
export async function registryTool(sql: Sql): Promise<AgentTool | undefined> {
  const registries = await listDefinitions(sql, "registry");
  if (registries.length === 0) return undefined;
  const catalogue = registries.map((r) => `- ${r.name}: ${r.spec.description ?? ""} (fields: ${Object.keys(r.spec.fields).join(", ")})`).join("\n");
  return {
    name: builtinToolNames.lookupRegistry,
    description: `Look up entries of the workspace's registries (read-only). Registries:\n${catalogue}`,
    inputSchema: {
      type: "object",
      properties: {
        registry: { type: "string", enum: registries.map((r) => r.name) },
        match: { type: "object", description: "Field values the entries must have (exact; text compared without regard to case). Omit to list entries.", additionalProperties: true },
        limit: { type: "integer", minimum: 1, maximum: maxLimit, description: `At most this many entries (default ${defaultLimit}).` },
      },
      required: ["registry"],
    },
    server: null,
    run: (input) => {
      const registry = registries.find((r) => r.name === input.registry);
      if (!registry) return Promise.resolve(toolError(`no registry "${String(input.registry)}"; the registries are: ${registries.map((r) => r.name).join(", ")}`));
      const match = typeof input.match === "object" && input.match !== null ? Object.entries(input.match) : [];
      const unknown = match.map(([field]) => field).filter((field) => !(field in registry.spec.fields));
      if (unknown.length > 0) return Promise.resolve(toolError(`registry "${registry.name}" has no field ${unknown.join(", ")}; its fields are ${Object.keys(registry.spec.fields).join(", ")}`));
      const limit = typeof input.limit === "number" && input.limit >= 1 ? Math.min(Math.floor(input.limit), maxLimit) : defaultLimit;
      const found = registry.spec.entries.filter((entry) => match.every(([field, want]) => same(entry[field], want)));
      return Promise.resolve(toolText(JSON.stringify({ registry: registry.name, total: found.length, entries: found.slice(0, limit) }, null, 2)));
    },
  };
}

function same(value: unknown, want: unknown): boolean {
  if (typeof value === "string" && typeof want === "string") return value.toLowerCase() === want.toLowerCase();
  return value === want;
}
