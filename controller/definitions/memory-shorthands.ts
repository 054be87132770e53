import type { Diagnostic } from "./diagnostic.js";
import type { EventDefinition, Layer } from "./model.js";
import type { ParsedFile } from "./parsed-file.js";
import type { ChecksFile, FollowupsFile } from "./schema-types.js";

/** memory/followups.yaml items become `once` events that ask an agent at `due`. */
export function followupEvents(parsed: ParsedFile<FollowupsFile>, layer: Layer): EventDefinition[] {
  const spec = parsed.value;
  return spec.followups.map((item, i) => ({
    kind: "event",
    name: item.id,
    layer,
    file: parsed.file,
    source: parsed,
    origin: "followups",
    itemPath: ["followups", i],
    spec: {
      id: item.id,
      description: item.description ?? `Followup: ${item.prompt.slice(0, 60)}`,
      enabled: item.enabled ?? true,
      ...(item.agent ? { agent: item.agent } : {}),
      condition: { type: "once", expr: item.due },
      action: { type: "claude_chat", prompt: item.prompt },
    },
  }));
}

/** memory/checks.yaml items become `interval` events running a prompt or a skill. */
export function checkEvents(parsed: ParsedFile<ChecksFile>, layer: Layer, diagnostics: Diagnostic[]): EventDefinition[] {
  const spec = parsed.value;
  const events: EventDefinition[] = [];
  spec.checks.forEach((item, i) => {
    if ((item.prompt === undefined) === (item.skill === undefined)) {
      diagnostics.push({
        file: parsed.file,
        ...parsed.at(["checks", i]),
        rule: "action-fields",
        severity: "error",
        message: `checks[${i}]: give exactly one of "prompt" or "skill"`,
      });
      return;
    }
    events.push({
      kind: "event",
      name: item.id,
      layer,
      file: parsed.file,
      source: parsed,
      origin: "checks",
      itemPath: ["checks", i],
      spec: {
        id: item.id,
        description: item.description ?? `Check ${item.id}`,
        enabled: item.enabled ?? true,
        ...(item.agent ? { agent: item.agent } : {}),
        condition: { type: "interval", expr: item.interval },
        action: item.skill !== undefined ? { type: "skill", skill: item.skill } : { type: "claude_chat", prompt: item.prompt ?? "" },
      },
    });
  });
  return events;
}
