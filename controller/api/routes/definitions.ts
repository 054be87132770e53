import type { FastifyInstance } from "fastify";
import { type DefinitionRecord, listDefinitions } from "../../store/list-definitions.js";
import { anyObject, errorSchema, notFound, nullableString, stringList } from "./schemas.js";

const common = { name: { type: "string" }, layer: { type: "string" }, file: { type: "string" }, description: nullableString } as const;

const agentProperties = { ...common, model: nullableString, skills: stringList, mcp_servers: stringList } as const;
const agentSchema = { type: "object", properties: agentProperties } as const;
const agentDetailSchema = { type: "object", properties: { ...agentProperties, prompt: nullableString } } as const;
const skillSchema = { type: "object", properties: common } as const;
const skillDetailSchema = { type: "object", properties: { ...common, instructions: nullableString } } as const;
const flowSchema = { type: "object", properties: { ...common, trigger: { anyOf: [anyObject, { type: "null" }] }, steps: stringList } } as const;
const registrySchema = { type: "object", properties: { name: { type: "string" }, layer: { type: "string" }, file: { type: "string" }, fields: anyObject, entries: { type: "array", items: anyObject } } } as const;

type Listed = DefinitionRecord<"agent" | "skill" | "flow">;
const base = (d: Listed) => ({ name: d.name, layer: d.layer, file: d.file, description: d.spec.description ?? null });
const agent = (d: DefinitionRecord<"agent">) => ({ ...base(d), model: d.spec.model ?? null, skills: d.spec.skills ?? [], mcp_servers: d.spec.mcp_servers ?? [] });
const flow = (d: DefinitionRecord<"flow">) => ({ ...base(d), trigger: d.spec.trigger ?? null, steps: d.spec.steps.map((s) => s.id) });

/** The applied agents, skills, flows and registries (both layers), read from the store. */
export default async function definitions(app: FastifyInstance): Promise<void> {
  const one = async <K extends "agent" | "skill" | "registry">(kind: K, name: string) => (await listDefinitions(app.deps.sql, kind, name))[0];

  app.get("/api/agents", { schema: { response: { 200: { type: "array", items: agentSchema } } } }, async () => (await listDefinitions(app.deps.sql, "agent")).map(agent));
  app.get<{ Params: { name: string } }>("/api/agents/:name", { schema: { response: { 200: agentDetailSchema, 404: errorSchema } } }, async (request, reply) => {
    const d = await one("agent", request.params.name);
    if (!d) return notFound(reply, `no agent ${JSON.stringify(request.params.name)}`);
    return { ...agent(d), prompt: d.spec.prompt };
  });

  app.get("/api/skills", { schema: { response: { 200: { type: "array", items: skillSchema } } } }, async () => (await listDefinitions(app.deps.sql, "skill")).map(base));
  app.get<{ Params: { name: string } }>("/api/skills/:name", { schema: { response: { 200: skillDetailSchema, 404: errorSchema } } }, async (request, reply) => {
    const d = await one("skill", request.params.name);
    if (!d) return notFound(reply, `no skill ${JSON.stringify(request.params.name)}`);
    return { ...base(d), instructions: d.spec.instructions };
  });

  app.get("/api/flows", { schema: { response: { 200: { type: "array", items: flowSchema } } } }, async () => (await listDefinitions(app.deps.sql, "flow")).map(flow));

  app.get<{ Params: { name: string } }>("/api/registries/:name", { schema: { response: { 200: registrySchema, 404: errorSchema } } }, async (request, reply) => {
    const d = await one("registry", request.params.name);
    if (!d) return notFound(reply, `no registry ${JSON.stringify(request.params.name)}`);
    return {
      name: d.name,
      layer: d.layer,
      file: d.file,
      fields: d.spec.fields,
      entries: d.spec.entries ?? [],
    };
  });
}
