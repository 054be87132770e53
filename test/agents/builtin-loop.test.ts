import { describe, expect } from "vitest";
import { readRunSteps } from "../../controller/store/run-steps.js";
import { claudeChat } from "../../controller/workers/executors/claude-chat.js";
import { skillExecutor } from "../../controller/workers/executors/skill.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { backendTest, storeBackends } from "../support/store-backends.js";
import { context, define, failure, fakeApi, stopReason, usageRows } from "../llm/helpers.js";

/** A workspace whose `ops` agent has a skill, a folder skill with a reference file, a sub-agent and a registry. */
async function seedAgents(sql: Sql, ops: Record<string, unknown> = {}, workspace: Record<string, unknown> = {}): Promise<void> {
  await define(sql, "workspace", "workspace", { name: "shop", defaults: { model: "claude-sonnet-5-5", max_tokens: 1000, agent: "ops" }, ...workspace });
  await define(sql, "agent", "ops", {
    name: "ops",
    description: "Runs the shop.",
    prompt: "You run the shop.\n",
    skills: ["refunds", "reorder"],
    sub_agents: ["desk"],
    ...ops,
  });
  await define(sql, "agent", "desk", { name: "desk", description: "Handles one order.", model: "claude-haiku-5-5", prompt: "You handle one order.\n" });
  await define(sql, "skill", "refunds", { format: "markdown", description: "Decide a refund.", instructions: "Refund when the parcel is lost." });
  await define(sql, "skill", "reorder", {
    format: "agent-skill",
    description: "Reorder stock.",
    instructions: "See references/suppliers.md.",
    files: { "references/suppliers.md": "Order beans from Acme Roasters." },
  });
  await define(sql, "registry", "on-call", {
    description: "Who is on call.",
    fields: { week: { type: "string" }, person: { type: "string" } },
    entries: [
      { week: "2027-W01", person: "Camille" },
      { week: "2027-W02", person: "Sam" },
    ],
  });
}

type Body = { system?: string; tools?: { name: string }[]; messages: { role: string; content: unknown }[] };
const body = (api: Awaited<ReturnType<typeof fakeApi>>, i: number): Body => api.requests[i]?.body as unknown as Body;
const lastResults = (b: Body): unknown => b.messages.at(-1)?.content;

// Both store backends (issue 16): definitions, usage, the transcript and the stop reason through Sql.
describe.each(storeBackends)("on $name", (backend) => {
  const it = backendTest(backend, "test/agents/builtin-loop");

  describe("the tool loop with built-in tools", () => {
    it("lists skills in the system prompt, loads one on demand, reads a folder skill's file, and confines that read", async () => {
      const sql = await backend.open();
      await seedAgents(sql);
      const api = await fakeApi([
        { text: "", content: [{ type: "tool_use", name: "nexaas__load_skill", input: { name: "reorder" } }] },
        {
          text: "",
          content: [
            { type: "tool_use", name: "nexaas__read_skill_file", input: { skill: "reorder", path: "references/suppliers.md" } },
            { type: "tool_use", name: "nexaas__read_skill_file", input: { skill: "reorder", path: "../../.env" } },
          ],
        },
        { text: "Ordered from Acme." },
      ]);
      const { output } = await claudeChat(await context(sql, { type: "claude_chat", prompt: "We are low on beans" }, { api }));
      expect(output).toBe("Ordered from Acme.");
      const first = body(api, 0);
      expect(first.system).toContain("You run the shop.");
      expect(first.system).toMatch(/- refunds: Decide a refund\.\n- reorder: Reorder stock\./);
      expect(first.system).not.toContain("Refund when the parcel is lost"); // instructions only on demand
      expect(first.tools?.map((t) => t.name).sort()).toEqual([
        "nexaas__delegate_desk",
        "nexaas__load_skill",
        "nexaas__lookup_registry",
        "nexaas__read_skill_file",
      ]);
      expect(JSON.stringify(lastResults(body(api, 1)))).toContain("See references/suppliers.md.");
      const results = lastResults(body(api, 2)) as { content: { text: string }[]; is_error?: boolean }[];
      expect(results[0]?.content[0]?.text).toBe("Order beans from Acme Roasters.");
      expect(results[0]?.is_error).toBeUndefined();
      expect(results[1]).toMatchObject({ is_error: true });
      expect(results[1]?.content[0]?.text).toContain("outside the skill's folder");
    });

    it("delegates to a sub-agent: a nested loop with its own prompt and model, its usage under its name, its answer back", async () => {
      const sql = await backend.open();
      await seedAgents(sql);
      const api = await fakeApi([
        {
          text: "",
          content: [{ type: "tool_use", name: "nexaas__delegate_desk", input: { task: "Check order 1042" } }],
          usage: { input_tokens: 100, output_tokens: 10 },
        },
        { text: "Order 1042 shipped yesterday.", usage: { input_tokens: 40, output_tokens: 8 } },
        { text: "All orders fine." },
      ]);
      const { output } = await claudeChat(await context(sql, { type: "claude_chat", prompt: "Check the late orders" }, { api, runId: 3 }));
      expect(output).toBe("All orders fine.");
      expect(body(api, 1)).toMatchObject({ system: "You handle one order.\n", messages: [{ role: "user", content: "Check order 1042" }] });
      expect(api.requests[1]?.body.model).toBe("claude-haiku-5-5");
      expect(JSON.stringify(lastResults(body(api, 2)))).toContain("Order 1042 shipped yesterday.");
      expect((await usageRows(sql)).map((r) => [r.agent, r.model, r.run_id])).toEqual([
        ["ops", "claude-sonnet-5-5", 3],
        ["desk", "claude-haiku-5-5", 3],
        ["ops", "claude-sonnet-5-5", 3],
      ]);
      const steps = await readRunSteps(sql, 3);
      // In the order asked for: the delegation, then the sub-agent's own turn inside it.
      expect(steps.map((s) => [s.seq, s.kind, s.agent, s.depth, s.tool ?? s.stop_reason])).toEqual([
        [1, "turn", "ops", 0, "tool_use"],
        [2, "tool_call", "ops", 0, "nexaas__delegate_desk"],
        [3, "turn", "desk", 1, "end_turn"],
        [4, "turn", "ops", 0, "end_turn"],
      ]);
      expect(await stopReason(sql, 3)).toBe("end_turn");
    });

    it("limits delegation depth: a sub-agent at the limit is offered no delegate tool", async () => {
      const sql = await backend.open();
      await seedAgents(sql, {}, { defaults: { model: "claude-sonnet-5-5", agent: "ops", max_delegation_depth: 1 } });
      await define(sql, "agent", "desk", { name: "desk", description: "Handles one order.", prompt: "You handle one order.\n", sub_agents: ["ops"] });
      const api = await fakeApi([
        { text: "", content: [{ type: "tool_use", name: "nexaas__delegate_desk", input: { task: "t" } }] },
        { text: "done" },
        { text: "ok" },
      ]);
      await claudeChat(await context(sql, { type: "claude_chat", prompt: "go" }, { api }));
      expect(body(api, 0).tools?.map((t) => t.name)).toContain("nexaas__delegate_desk");
      expect(body(api, 1).tools?.map((t) => t.name) ?? []).not.toContain("nexaas__delegate_ops");
    });

    it("looks up registry entries, read-only, by field values", async () => {
      const sql = await backend.open();
      await seedAgents(sql);
      const api = await fakeApi([
        { text: "", content: [{ type: "tool_use", name: "nexaas__lookup_registry", input: { registry: "on-call", match: { week: "2027-w02" } } }] },
        { text: "Sam" },
      ]);
      await claudeChat(await context(sql, { type: "claude_chat", prompt: "Who is on call?" }, { api }));
      const [result] = lastResults(body(api, 1)) as { content: { text: string }[] }[];
      expect(JSON.parse(result?.content[0]?.text ?? "")).toEqual({ registry: "on-call", total: 1, entries: [{ week: "2027-W02", person: "Sam" }] });
    });

    it("refuses a denied tool with an is_error result naming the pattern, and hides it from the model", async () => {
      const sql = await backend.open();
      await seedAgents(sql, { tools: { deny: ["nexaas__delegate_*"] } });
      const api = await fakeApi([{ text: "", content: [{ type: "tool_use", name: "nexaas__delegate_desk", input: { task: "t" } }] }, { text: "ok" }]);
      await claudeChat(await context(sql, { type: "claude_chat", prompt: "go" }, { api }));
      expect(body(api, 0).tools?.map((t) => t.name)).not.toContain("nexaas__delegate_desk");
      const [result] = lastResults(body(api, 1)) as { content: { text: string }[]; is_error: boolean }[];
      expect(result?.is_error).toBe(true);
      expect(result?.content[0]?.text).toContain("nexaas__delegate_*");
      expect(api.requests).toHaveLength(2); // the sub-agent never ran
    });

    it("answers a tool the agent does not have with an is_error result, and the model goes on", async () => {
      const sql = await backend.open();
      await seedAgents(sql);
      const api = await fakeApi([{ text: "", content: [{ type: "tool_use", name: "mcp__bank__transfer", input: { amount: 100 } }] }, { text: "I cannot." }]);
      const { output } = await claudeChat(await context(sql, { type: "claude_chat", prompt: "go" }, { api }));
      expect(output).toBe("I cannot.");
      expect(JSON.stringify(lastResults(body(api, 1)))).toContain("not available to agent ops");
      // Shown under the server the name points at, not as a built-in.
      expect((await readRunSteps(sql, 1)).find((step) => step.kind === "tool_call")).toMatchObject({
        tool: "mcp__bank__transfer",
        server: "bank",
        is_error: 1,
      });
    });

    it("stops at max_turns: the run fails without a retry, with the stop reason and every turn recorded", async () => {
      const sql = await backend.open();
      await seedAgents(sql, { max_turns: 2 });
      const again = { text: "still looking", content: [{ type: "tool_use" as const, name: "nexaas__load_skill", input: { name: "refunds" } }] };
      const api = await fakeApi([again, again, again]);
      const error = await failure(claudeChat(await context(sql, { type: "claude_chat", prompt: "go" }, { api, runId: 5 })));
      expect(error.code).toBe("max_turns");
      expect(error.message).toContain("max_turns (2)");
      expect(api.requests).toHaveLength(2);
      expect(await stopReason(sql, 5)).toBe("max_turns");
      expect((await readRunSteps(sql, 5)).filter((s) => s.kind === "turn")).toHaveLength(2);
      // The call asked for in the last allowed turn is not run: no turn would be left to read its result.
      expect((await readRunSteps(sql, 5)).filter((s) => s.kind === "tool_call").map((s) => [s.is_error, s.output?.slice(0, 40)])).toEqual([
        [0, expect.stringContaining("# Skill: refunds")],
        [1, "not run: the agent reached max_turns (2)"],
      ]);
    });

    it("stops at max_tool_calls across the run, answering the calls it did not run", async () => {
      const sql = await backend.open();
      await seedAgents(sql, { max_tool_calls: 1 });
      const two = { text: "", content: [1, 2].map(() => ({ type: "tool_use" as const, name: "nexaas__load_skill", input: { name: "refunds" } })) };
      const api = await fakeApi([two]);
      const error = await failure(claudeChat(await context(sql, { type: "claude_chat", prompt: "go" }, { api })));
      expect(error.code).toBe("max_tool_calls");
      // Neither ran; both are in the transcript as not run.
      const calls = (await readRunSteps(sql, 1)).filter((s) => s.kind === "tool_call");
      expect(calls.map((c) => [c.tool, c.is_error, c.output])).toEqual([
        ["nexaas__load_skill", 1, "not run: the run reached max_tool_calls (1)"],
        ["nexaas__load_skill", 1, "not run: the run reached max_tool_calls (1)"],
      ]);
    });

    it("stops before a call that could pass max_cost_usd, and lowers max_tokens to what is left", async () => {
      const sql = await backend.open();
      // claude-sonnet-5-5: $3 in, $15 out per million. $0.01 buys at most 666 output tokens with no input.
      await seedAgents(sql, { max_cost_usd: 0.01 });
      const api = await fakeApi([
        { text: "", content: [{ type: "tool_use", name: "nexaas__load_skill", input: { name: "refunds" } }], usage: { input_tokens: 2000, output_tokens: 200 } },
        { text: "never" },
      ]);
      const error = await failure(claudeChat(await context(sql, { type: "claude_chat", prompt: "go" }, { api })));
      const firstMax = api.requests[0]?.body.max_tokens;
      expect(typeof firstMax === "number" && firstMax < 666).toBe(true);
      expect(error.code).toBe("budget");
      expect(api.requests).toHaveLength(1); // $0.009 spent: the second call could not fit
      const spent = (await usageRows(sql)).reduce((sum, r) => sum + (r.cost_usd ?? 0), 0);
      expect(spent).toBeLessThanOrEqual(0.01);
    });

    it("records a refusal as the stop reason and fails the run", async () => {
      const sql = await backend.open();
      await seedAgents(sql);
      const api = await fakeApi([{ text: "I can't help with that.", stop_reason: "refusal" }]);
      const error = await failure(claudeChat(await context(sql, { type: "claude_chat", prompt: "go" }, { api, runId: 9 })));
      expect(error.code).toBe("refusal");
      expect(await stopReason(sql, 9)).toBe("refusal");
    });

    it("ends a reply cut at max_tokens as a success with its text, the stop reason kept", async () => {
      const sql = await backend.open();
      await seedAgents(sql);
      const api = await fakeApi([{ text: "The report so f", stop_reason: "max_tokens" }]);
      const { output } = await claudeChat(await context(sql, { type: "claude_chat", prompt: "go" }, { api, runId: 4 }));
      expect(output).toBe("The report so f");
      expect(await stopReason(sql, 4)).toBe("max_tokens");
    });

    it("keeps tool_use and tool_result blocks in a session, so the next run continues a valid conversation", async () => {
      const sql = await backend.open();
      await seedAgents(sql);
      const api = await fakeApi([
        { text: "", content: [{ type: "tool_use", name: "nexaas__load_skill", input: { name: "refunds" }, id: "toolu_a" }] },
        { text: "Refunded." },
        { text: "Yes, refunded." },
      ]);
      await claudeChat(await context(sql, { type: "claude_chat", prompt: "Refund 1042?", session: "desk-chat" }, { api, runId: 1 }));
      await claudeChat(await context(sql, { type: "claude_chat", prompt: "Was it refunded?", session: "desk-chat" }, { api, runId: 2 }));
      const messages = body(api, 2).messages;
      expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant", "user"]);
      expect(messages[1]?.content).toEqual([{ type: "tool_use", id: "toolu_a", name: "nexaas__load_skill", input: { name: "refunds" } }]);
      expect(messages[2]?.content).toMatchObject([{ type: "tool_result", tool_use_id: "toolu_a" }]);
      expect(messages[4]).toEqual({ role: "user", content: "Was it refunded?" });
    });

    it("runs a skill action with the agent's tools, the skill's instructions after its prompt", async () => {
      const sql = await backend.open();
      await seedAgents(sql);
      const api = await fakeApi([
        { text: "", content: [{ type: "tool_use", name: "nexaas__lookup_registry", input: { registry: "on-call" } }] },
        { text: "Two weeks covered." },
      ]);
      const { output } = await skillExecutor(await context(sql, { type: "skill", skill: "refunds", input: "order 1042" }, { api }));
      expect(output).toBe("Two weeks covered.");
      expect(body(api, 0).system).toContain("You run the shop.\n\n# Skill: refunds");
      expect(JSON.stringify(lastResults(body(api, 1)))).toContain('\\"total\\": 2');
    });
  });
});
