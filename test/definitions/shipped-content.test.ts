import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateWorkspace } from "../../controller/definitions/validate-workspace.js";
import { packageRoot } from "../../controller/package-root.js";
import { tempDir } from "../cli/helpers.js";
import { writeTree } from "../support/tree.js";

describe("what the product ships", () => {
  it("workspace.example validates clean over the framework, with every condition and action type", async () => {
    const { diagnostics, defs } = await validateWorkspace({ dir: join(packageRoot, "workspace.example") });
    expect(diagnostics).toEqual([]);
    const events = [...defs.events.values()];
    expect(new Set(events.map((e) => e.spec.condition.type))).toEqual(new Set(["cron", "interval", "once", "webhook"]));
    expect(new Set(events.map((e) => e.spec.action.type))).toEqual(new Set(["claude_chat", "skill", "script", "webhook", "flow"]));
    expect(defs.registries.size).toBeGreaterThan(0);
    expect(events.some((e) => e.origin === "followups")).toBe(true);
    expect(events.some((e) => e.origin === "checks")).toBe(true);
    const passesOutputOn = [...defs.flows.values()].some((f) =>
      f.spec.steps.some((s, i) => i > 0 && JSON.stringify(s).includes(`{{steps.${f.spec.steps[0]?.id}.output}}`)),
    );
    expect(passesOutputOn).toBe(true);
  });

  it("the framework layer is valid on its own", async () => {
    const dir = tempDir();
    writeTree(dir, { "nexaas.yaml": "name: empty\nmcp_servers: [filesystem, fetch]\n" });
    const { diagnostics, defs } = await validateWorkspace({ dir });
    expect(diagnostics).toEqual([]);
    expect(defs.agents.size).toBeGreaterThanOrEqual(2);
    expect(defs.skills.has("health-check") && defs.skills.has("daily-summary")).toBe(true);
  });
});
