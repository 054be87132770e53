import type { FastifyInstance } from "fastify";
import { type DefinitionRecord, listDefinitions } from "../../store/list-definitions.js";
import { anyObject, errorSchema, notFound, nullableString, stringList } from "./schemas.js";

const text = (value: unknown): string | null => (typeof value === "string" ? value : null);
const names = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);

const common = { name: { type: "string" }, layer: { type: "string" }, file: { type: "string" }, description: nullableString } as const;

const agentProperties = { ...common, model: nullableString, skills: stringList, mcp_servers: stringList } as const;
const agentSchema = { type: "object", properties: agentProperties } as const;
const agentDetailSchema = { type: "object", properties: { ...agentProperties, prompt: nullableString } } as const;
const skillSchema = { type: "object", properties: common } as const;
const skillDetailSchema = { type: "object", properties: { ...common, instructions: nullableString } } as const;
const flowSchema = { type: "object", properties: { ...common, trigger: { anyOf: [anyObject, { type: "null" }] }, steps: stringList } } as const;
const registrySchema = { type: "object", properties: { name: { type: "string" }, layer: { type: "string" }, file: { type: "string" }, fields: anyObject, entries: { type: "array", items: anyObject } } } as const;

const base = (d: DefinitionRecord) => ({ name: d.name, layer: d.layer, file: d.file, description: text(d.spec.description) });
const agent = (d: DefinitionRecord) => ({ ...base(d), model: text(d.spec.model), skills: names(d.spec.skills), mcp_servers: names(d.spec.mcp_servers) });
const flow = (d: DefinitionRecord) => {
  const trigger = d.spec.trigger;
  const steps = Array.isArray(d.spec.steps) ? (d.spec.steps as unknown[]) : [];
  return {
    ...base(d),
    trigger: trigger && typeof trigger === "object" && !Array.isArray(trigger) ? trigger : null,
    steps: steps.map((s) => (s && typeof s === "object" ? text((s as { id?: unknown }).id) : null)).filter((id): id is string => id !== null),
  };
};
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The applied agents, skills, flows and registries (both layers), read from the store. */
export default async function definitions(app: FastifyInstance): Promise<void> {
  const one = (kind: "agent" | "skill" | "flow" | "registry", name: string) => listDefinitions(app.deps.db, kind, name)[0];

  app.get("/api/agents", { schema: { response: { 200: { type: "array", items: agentSchema } } } }, async () => listDefinitions(app.deps.db, "agent").map(agent));
  app.get<{ Params: { name: string } }>("/api/agents/:name", { schema: { response: { 200: agentDetailSchema, 404: errorSchema } } }, async (request, reply) => {
    const d = one("agent", request.params.name);
    if (!d) return notFound(reply, `no agent ${JSON.stringify(request.params.name)}`);
    return { ...agent(d), prompt: text(d.spec.prompt) };
  });

  app.get("/api/skills", { schema: { response: { 200: { type: "array", items: skillSchema } } } }, async () => listDefinitions(app.deps.db, "skill").map(base));
  app.get<{ Params: { name: string } }>("/api/skills/:name", { schema: { response: { 200: skillDetailSchema, 404: errorSchema } } }, async (request, reply) => {
    const d = one("skill", request.params.name);
    if (!d) return notFound(reply, `no skill ${JSON.stringify(request.params.name)}`);
    return { ...base(d), instructions: text(d.spec.instructions) };
  });

  app.get("/api/flows", { schema: { response: { 200: { type: "array", items: flowSchema } } } }, async () => listDefinitions(app.deps.db, "flow").map(flow));

  app.get<{ Params: { name: string } }>("/api/registries/:name", { schema: { response: { 200: registrySchema, 404: errorSchema } } }, async (request, reply) => {
    const d = one("registry", request.params.name);
    if (!d) return notFound(reply, `no registry ${JSON.stringify(request.params.name)}`);
    return {
      name: d.name,
      layer: d.layer,
      file: d.file,
      fields: isObject(d.spec.fields) ? d.spec.fields : {},
      entries: Array.isArray(d.spec.entries) ? d.spec.entries.filter(isObject) : [],
    };
  });
}
