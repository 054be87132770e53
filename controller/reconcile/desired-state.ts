import type { Definition, Definitions } from "../definitions/model.js";
import { flowEventName, resolveEvent, withZone } from "../definitions/resolved-event.js";
import { workspaceDefaults } from "../definitions/schema-types.js";
import { objectDigest } from "../definitions/canonical-json.js";
import { isRecord } from "../definitions/is-record.js";
import type { ObjectKind, ObjectState } from "../definitions/object-state.js";

/**
 * definitions -> the objects a revision wants in the store. Pure. The workspace
 * manifest's `identity` stays out: it exists to keep names from leaving the
 * workspace, and the store is read by the API.
 */
export function desiredState(defs: Definitions): ObjectState[] {
  const out: ObjectState[] = [];
  const push = (kind: ObjectKind, def: Pick<Definition, "name" | "layer" | "file">, spec: Record<string, unknown>) => {
    const copy: unknown = JSON.parse(JSON.stringify(spec)); // drop undefined, copy
    const clean = isRecord(copy) ? copy : {};
    out.push({ kind, name: def.name, layer: def.layer, file: def.file, spec: clean, digest: objectDigest(def.layer, clean) });
  };
  if (defs.manifest) {
    const { identity: _identity, ...settings } = defs.manifest.spec;
    push("workspace", { name: "workspace", layer: "workspace", file: defs.manifest.source.file }, settings);
  }
  for (const a of defs.agents.values()) push("agent", a, { ...a.config, prompt: a.prompt });
  for (const s of defs.skills.values()) {
    push("skill", s, { format: s.format, description: s.description, instructions: s.instructions, ...(s.frontMatter ? { front_matter: s.frontMatter } : {}), ...(s.files ? { files: s.files } : {}) });
  }
  for (const m of defs.mcpServers.values()) push("mcp_server", m, { ...m.spec });
  for (const r of defs.registries.values()) push("registry", r, { ...r.spec });
  // Events are stored resolved (defaults applied, the cron zone filled in), so a plan
  // shows the values that will run and every reader gets them without defaults of its own.
  const workspace = { timezone: defs.manifest?.spec.timezone };
  const zone = workspace.timezone ?? workspaceDefaults.timezone;
  for (const f of defs.flows.values()) push("flow", f, { ...f.spec, ...(f.spec.trigger ? { trigger: withZone(f.spec.trigger, zone) } : {}) });
  for (const e of defs.events.values()) push("event", e, { ...resolveEvent(e.spec, workspace, e.origin) });
  // A flow with its own trigger is scheduled as an event named "flow:<id>" (a name no
  // event file can take): the scheduler, queue and runs treat it like any other.
  for (const f of defs.flows.values()) {
    if (!f.spec.trigger) continue;
    const event = resolveEvent(
      {
        description: `Trigger of flow ${f.name}`,
        ...(f.spec.agent ? { agent: f.spec.agent } : {}),
        condition: f.spec.trigger,
        action: { type: "flow", flow: f.name },
        ...(f.spec.policy ? { policy: f.spec.policy } : {}),
      },
      workspace,
      "flows",
    );
    push("event", { ...f, name: flowEventName(f.name) }, { ...event });
  }
  return out;
}
