import { describe, expect, it } from "vitest";
import type { ObjectState } from "../../controller/definitions/object-state.js";
import { plan } from "../../controller/reconcile/plan.js";
import type { Risk } from "../../controller/reconcile/plan.js";
import { urlHost } from "../../controller/reconcile/risk-flags.js";
import { event, object, stored, workspace } from "./plan-objects.js";

const now = new Date("2026-11-20T12:00:00Z");

/** The risks of each change when `before` (stored) becomes `after` (desired). */
function risksOf(after: ObjectState[], before: ObjectState[] = []): Record<string, Risk[]> {
  const p = plan(after, before.map((o) => stored(o)), { base: "r1", head: "r2", now });
  return Object.fromEntries(p.changes.map((c) => [`${c.kind}/${c.name}`, c.risks]));
}

const scriptEvent = (name: string, command: string) => event(name, { action: { type: "script", command } });
const webhookEvent = (name: string, url: string) => event(name, { action: { type: "webhook", url } });

describe("risk flags", () => {
  it("flags a new script command", () => {
    expect(risksOf([scriptEvent("backup", "./scripts/backup.sh")])).toEqual({
      "event/backup": [{ code: "script-command", message: "new script command: ./scripts/backup.sh" }],
    });
  });

  it("flags a changed script command, naming both", () => {
    expect(risksOf([scriptEvent("backup", "./scripts/backup.sh --all")], [scriptEvent("backup", "./scripts/backup.sh")])["event/backup"]).toEqual([
      { code: "script-command", message: "changed script command: ./scripts/backup.sh -> ./scripts/backup.sh --all" },
    ]);
  });

  it("finds script commands in flow steps and in nested inline steps", () => {
    const flow = object("flow", "nightly", {
      steps: [
        { id: "fetch", action: "script", command: "./fetch.sh" },
        { id: "inner", action: "flow", steps: [{ id: "clean", action: "script", command: "rm -rf tmp/" }] },
      ],
    });
    const inline = event("inline", { action: { type: "flow", steps: [{ id: "go", action: "script", command: "./go.sh" }] } });
    const before = object("flow", "nightly", { steps: [{ id: "fetch", action: "script", command: "./fetch.sh" }] });
    expect(risksOf([flow, inline], [before])).toEqual({
      "flow/nightly": [{ code: "script-command", message: "new script command (step clean): rm -rf tmp/" }],
      "event/inline": [{ code: "script-command", message: "new script command (step go): ./go.sh" }],
    });
  });

  it("flags a webhook host no current object calls, and not one already called", () => {
    const known = webhookEvent("ping", "https://hooks.example.com/a");
    const risks = risksOf([known, webhookEvent("other", "https://HOOKS.example.com:443/b"), webhookEvent("fresh", "https://user:pw@new.example.org/x?token=1")], [known]);
    expect(risks["event/other"]).toEqual([]);
    expect(risks["event/fresh"]).toEqual([{ code: "webhook-host", message: "new webhook host: new.example.org" }]);
    expect(JSON.stringify(risks)).not.toContain("pw");
  });

  it("names the variable of a URL read from the environment, and only when it is new", () => {
    const known = webhookEvent("ping", "${PING_URL}");
    const risks = risksOf([known, webhookEvent("slack", "${SLACK_URL}"), webhookEvent("again", "${PING_URL}")], [known]);
    expect(risks["event/slack"]).toEqual([{ code: "webhook-host", message: "new webhook host from environment variable SLACK_URL" }]);
    expect(risks["event/again"]).toEqual([]);
    expect(urlHost("https://${API_HOST}:8443/v1")).toEqual({ key: "${API_HOST}", variables: ["API_HOST"] });
  });

  it("flags a new MCP server and a changed command, args or URL", () => {
    const fetch = object("mcp_server", "fetch", { type: "stdio", command: "uvx", args: ["mcp-server-fetch"] });
    const fetch2 = object("mcp_server", "fetch", { type: "stdio", command: "uvx", args: ["mcp-server-fetch==2.0"] });
    const remote = object("mcp_server", "remote", { type: "http", url: "https://mcp.example.com/sse?key=abc" });
    expect(risksOf([fetch2, remote], [fetch])).toEqual({
      "mcp_server/fetch": [{ code: "mcp-server", message: "MCP server fetch changed its args: uvx mcp-server-fetch -> uvx mcp-server-fetch==2.0" }],
      "mcp_server/remote": [{ code: "mcp-server", message: "new MCP server remote: https://mcp.example.com/sse" }],
    });
    const described = object("mcp_server", "fetch", { type: "stdio", command: "uvx", args: ["mcp-server-fetch"], description: "Fetch pages." });
    expect(risksOf([described], [fetch])["mcp_server/fetch"]).toEqual([]);
  });

  it("flags an MCP server's headersHelper, new or changed, as a command the controller runs", () => {
    const plain = object("mcp_server", "shop", { url: "https://mcp.example.com/mcp" });
    const helped = object("mcp_server", "shop", { url: "https://mcp.example.com/mcp", headersHelper: "./scripts/shop-headers.sh" });
    const changed = object("mcp_server", "shop", { url: "https://mcp.example.com/mcp", headersHelper: "./scripts/shop-headers.sh --refresh" });
    expect(risksOf([helped])["mcp_server/shop"]).toEqual([
      { code: "mcp-server", message: "new MCP server shop: https://mcp.example.com/mcp" },
      { code: "script-command", message: "MCP server shop runs a headersHelper command at connect time: ./scripts/shop-headers.sh" },
    ]);
    expect(risksOf([helped], [plain])["mcp_server/shop"]).toEqual([{ code: "script-command", message: "MCP server shop runs a headersHelper command at connect time: ./scripts/shop-headers.sh" }]);
    expect(risksOf([changed], [helped])["mcp_server/shop"]).toEqual([
      { code: "script-command", message: "MCP server shop changed its headersHelper command: ./scripts/shop-headers.sh -> ./scripts/shop-headers.sh --refresh" },
    ]);
    expect(risksOf([helped], [helped])["mcp_server/shop"]).toBeUndefined();
  });

  it("names the variable of a ${NAME:-default} webhook host", () => {
    expect(urlHost("${HOOK_BASE:-https://hooks.example.com}/x").variables).toEqual(["HOOK_BASE"]);
  });

  it("flags a model change of an agent and of the workspace default, naming both models", () => {
    const agent = (model?: string) => object("agent", "manager", { description: "Runs.", prompt: "P\n", ...(model ? { model } : {}) });
    expect(risksOf([agent("claude-opus-4-1")], [agent("claude-sonnet-4-5")])["agent/manager"]).toEqual([
      { code: "model-change", message: "agent manager changes model: claude-sonnet-4-5 -> claude-opus-4-1" },
    ]);
    expect(risksOf([agent()], [agent("claude-sonnet-4-5")])["agent/manager"]?.[0]?.message).toBe("agent manager changes model: claude-sonnet-4-5 -> (workspace default)");
    expect(risksOf([workspace({ defaults: { model: "claude-haiku-4-5" } })], [workspace()])["workspace/workspace"]).toEqual([
      { code: "model-change", message: "default model of agents without their own changes: claude-sonnet-4-5 -> claude-haiku-4-5" },
    ]);
  });

  it("flags an event firing more often than once a minute", () => {
    const risks = risksOf([
      event("fast", { condition: { type: "interval", expr: "30s" } }),
      event("seconds", { condition: { type: "cron", expr: "*/10 * * * * *" } }),
      event("minutely", { condition: { type: "cron", expr: "* * * * *" } }),
      event("off", { enabled: false, condition: { type: "interval", expr: "1s" } }),
    ]);
    expect(risks["event/fast"]).toEqual([{ code: "frequent-event", message: "fires more often than once a minute (every 30s)" }]);
    expect(risks["event/seconds"]).toEqual([{ code: "frequent-event", message: "fires more often than once a minute (every 10s)" }]);
    expect(risks["event/minutely"]).toEqual([]);
    expect(risks["event/off"]).toEqual([]);
  });

  it("flags nothing for a harmless change, nor for removals", () => {
    const before = [scriptEvent("backup", "./backup.sh"), webhookEvent("ping", "https://hooks.example.com/a"), object("mcp_server", "fetch", { command: "uvx", args: ["f"] })];
    const after = [
      event("backup", { description: "Nightly backup", action: { type: "script", command: "./backup.sh", timeout: "5m" } }),
      webhookEvent("ping", "https://hooks.example.com/b"),
    ];
    const risks = risksOf(after, before);
    expect(Object.keys(risks).sort()).toEqual(["event/backup", "event/ping", "mcp_server/fetch"]);
    expect(Object.values(risks).flat()).toEqual([]);
  });
});

describe("risk flags: what an agent can reach and spend", () => {
  const agent = (spec: Record<string, unknown> = {}) => object("agent", "desk", { description: "Orders.", prompt: "P\n", ...spec });
  const codes = (risks: Risk[] | undefined) => (risks ?? []).map((r) => `${r.code}: ${r.message}`);

  it("flags a new agent's MCP servers and sub-agents, and limits above the defaults it would get", () => {
    const risks = risksOf([agent({ mcp_servers: ["storefront"], sub_agents: ["writer"], tools: { allow: ["mcp__storefront__get_*"] }, max_turns: 50, max_tool_calls: 10 })]);
    expect(codes(risks["agent/desk"])).toEqual([
      "tool-permission: agent desk uses MCP server storefront (tools matching mcp__storefront__get_*)",
      "tool-permission: agent desk can delegate to writer (nexaas__delegate_writer)",
      "agent-limit: agent desk max_turns raised: 20 -> 50",
    ]);
  });

  it("flags a server or sub-agent added, allow widened or dropped, deny dropped", () => {
    const before = agent({ mcp_servers: ["storefront"], tools: { allow: ["mcp__storefront__get_*"], deny: ["mcp__storefront__refund", "nexaas__lookup_registry"] } });
    const wider = agent({ mcp_servers: ["storefront", "filesystem"], sub_agents: ["writer"], tools: { allow: ["mcp__storefront__get_*", "mcp__filesystem__*"], deny: ["nexaas__lookup_registry"] } });
    expect(codes(risksOf([wider], [before])["agent/desk"])).toEqual([
      "tool-permission: agent desk uses MCP server filesystem (tools matching mcp__storefront__get_*, mcp__filesystem__*)",
      "tool-permission: agent desk can delegate to writer (nexaas__delegate_writer)",
      "tool-permission: agent desk tools.allow adds mcp__filesystem__*",
      "tool-permission: agent desk tools.deny no longer has mcp__storefront__refund",
    ]);
    const open = agent({ mcp_servers: ["storefront"] });
    expect(codes(risksOf([open], [before])["agent/desk"])).toEqual([
      "tool-permission: agent desk tools.allow removed: every tool of its MCP servers is offered",
      "tool-permission: agent desk tools.deny no longer has mcp__storefront__refund",
      "tool-permission: agent desk tools.deny no longer has nexaas__lookup_registry",
    ]);
    // Narrowing is no risk: setting allow where there was none, adding a deny, dropping a server.
    expect(risksOf([before], [open])["agent/desk"]).toEqual([]);
    expect(risksOf([agent()], [open])["agent/desk"]).toEqual([]);
  });

  it("flags a limit raised or removed, against the workspace default when the agent falls back to it", () => {
    const ws = workspace({ defaults: { model: "claude-sonnet-4-5", max_turns: 30, max_cost_usd: 1 } });
    const before = agent({ max_turns: 10, max_tool_calls: 50, max_cost_usd: 0.2, tool_timeout: "30s" });
    const after = agent({ max_tool_calls: 40, max_cost_usd: 0.5, tool_timeout: "2m" });
    expect(codes(risksOf([ws, after], [ws, before])["agent/desk"])).toEqual([
      "agent-limit: agent desk max_turns raised: 10 -> 30",
      "agent-limit: agent desk max_cost_usd raised: $0.2 -> $0.5",
      "agent-limit: agent desk tool_timeout raised: 30s -> 2m",
    ]);
    expect(codes(risksOf([agent()], [agent({ max_cost_usd: 0.2 })])["agent/desk"])).toEqual(["agent-limit: agent desk max_cost_usd removed (was $0.2): no limit"]);
    expect(risksOf([agent({ max_turns: 5 })], [agent({ max_turns: 10 })])["agent/desk"]).toEqual([]);
  });

  it("flags the workspace defaults once, not on every agent that falls back to them", () => {
    const before = workspace({ defaults: { model: "claude-sonnet-4-5", max_cost_usd: 2, tools: { deny: ["mcp__*__delete_*"] } } });
    const after = workspace({ defaults: { model: "claude-sonnet-4-5", max_turns: 40, max_delegation_depth: 4, tools: { allow: ["mcp__*__get_*"] } } });
    const risks = risksOf([after, agent()], [before, agent()]);
    expect(codes(risks["workspace/workspace"])).toEqual([
      "tool-permission: workspace defaults: tools.deny no longer has mcp__*__delete_*",
      "agent-limit: workspace defaults: max_turns raised: 20 -> 40",
      "agent-limit: workspace defaults: max_cost_usd removed (was $2): no limit",
      "agent-limit: workspace defaults: max_delegation_depth raised: 2 -> 4",
    ]);
    expect(risks["agent/desk"]).toBeUndefined();
  });
});
