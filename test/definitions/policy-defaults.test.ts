import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { resolveEvent } from "../../controller/definitions/resolved-event.js";

const root = new URL("../../", import.meta.url);
const common = JSON.parse(readFileSync(new URL("schemas/common.schema.json", root), "utf8")) as {
  $defs: { policy: { properties: Record<string, { default?: unknown }> } };
};
const readme = readFileSync(new URL("README.md", root), "utf8");

/** The README's policy table: field -> the default column as written. */
function readmeDefaults(): Map<string, string> {
  const table = readme.slice(readme.indexOf("**Policy**"));
  const rows = new Map<string, string>();
  for (const line of table.split("\n").slice(1)) {
    const m = /^\| `([a-z_]+)` \| ([^|]+) \|/.exec(line);
    if (m?.[1] && m[2]) rows.set(m[1], m[2].trim());
    else if (rows.size > 0 && !line.startsWith("|")) break;
  }
  return rows;
}

/** A schema default as the README writes it: `2`, `skip`, `[30s, 5m]`. */
const asReadme = (value: unknown) => `\`${Array.isArray(value) ? `[${value.join(", ")}]` : String(value)}\``;

describe("policy defaults: declared once in the schema", () => {
  const schema = Object.entries(common.$defs.policy.properties);

  it("the README's policy table lists every field with the schema's default", () => {
    const documented = readmeDefaults();
    expect([...documented.keys()].sort()).toEqual(schema.map(([field]) => field).sort());
    for (const [field, spec] of schema) expect(documented.get(field), field).toBe("default" in spec ? asReadme(spec.default) : "none");
  });

  it("a resolved event carries every default the schema declares, and keeps what the file sets", () => {
    const resolved = resolveEvent({ condition: { type: "interval", expr: "1m" }, action: { type: "script", command: "true" }, policy: { retries: 0, overlap: "queue" } });
    for (const [field, spec] of schema) {
      if (!("default" in spec)) expect(resolved.policy).not.toHaveProperty(field);
      else if (field === "retries") expect(resolved.policy.retries).toBe(0);
      else if (field === "overlap") expect(resolved.policy.overlap).toBe("queue");
      else expect(resolved.policy[field as keyof typeof resolved.policy], field).toEqual(spec.default);
    }
    expect(resolved.enabled).toBe(true);
    // Idempotent: what the store holds resolves to itself.
    expect(resolveEvent(resolved)).toEqual(resolved);
  });

  it("a cron condition without a zone takes the workspace's, else the schema's default", () => {
    const cron = { condition: { type: "cron" as const, expr: "0 9 * * *" }, action: { type: "script" as const, command: "true" } };
    expect(resolveEvent(cron, { timezone: "Europe/Paris" }).condition).toMatchObject({ timezone: "Europe/Paris" });
    expect(resolveEvent(cron, {}).condition).toMatchObject({ timezone: "UTC" });
    // Read back from the store without a workspace, a condition stays as stored.
    expect(resolveEvent(cron).condition).toEqual(cron.condition);
  });
});
