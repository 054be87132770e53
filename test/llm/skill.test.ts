import { describe, expect } from "vitest";
import { skillExecutor } from "../../controller/workers/executors/skill.js";
import { backendTest, storeBackends } from "../support/store-backends.js";
import { context, define, failure, fakeApi, seedWorkspace, usageRows } from "./helpers.js";

// Both store backends (issue 16): the agent, the skill and usage through Sql.
describe.each(storeBackends)("on $name", (backend) => {
  const it = backendTest(backend, "test/llm/skill");

  describe("skill executor", () => {
    it("sends the agent's prompt then the skill's instructions as system, and `input` as the user message", async () => {
      const sql = await backend.open();
      await seedWorkspace(sql);
      await define(sql, "skill", "triage", { name: "triage", description: "Sort tickets by urgency.", instructions: "List urgent tickets first.\n" });
      const api = await fakeApi([
        { text: "1. outage", usage: { input_tokens: 50, output_tokens: 9, cache_read_input_tokens: 20 } },
        { text: "2. ok" },
      ]);
      const { output } = await skillExecutor(await context(sql, { type: "skill", skill: "triage", agent: "writer", input: "outage; typo" }, { api }));
      expect(output).toBe("1. outage");
      const body = api.requests[0]?.body;
      expect(body?.model).toBe("claude-sonnet-5-5");
      expect(body?.system).toBe("You are the writer. Be brief.\n\n# Skill: triage\n\nSort tickets by urgency.\n\nList urgent tickets first.");
      expect(body?.messages).toEqual([{ role: "user", content: "outage; typo" }]);
      expect((await usageRows(sql))[0]).toMatchObject({ agent: "writer", input_tokens: 50, output_tokens: 9, cache_read_input_tokens: 20 });

      await skillExecutor(await context(sql, { type: "skill", skill: "triage", input: { tickets: ["a", "b"] } }, { api }));
      expect(api.requests[1]?.body.model).toBe("claude-haiku-5-5");
      expect(JSON.parse((api.requests[1]?.body.messages as { content: string }[])[0]?.content ?? "")).toEqual({ tickets: ["a", "b"] });
    });

    it("fails clearly on an unknown skill, before any request", async () => {
      const sql = await backend.open();
      await seedWorkspace(sql);
      const api = await fakeApi();
      const error = await failure(skillExecutor(await context(sql, { type: "skill", skill: "missing", input: "x" }, { api })));
      expect(error.code).toBe("unknown-skill");
      expect(api.requests).toHaveLength(0);
    });
  });
});
