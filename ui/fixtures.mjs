// Fixture answers of the status API for the preview server (ui/dev-server.mjs),
// in the shapes of controller/api/routes/*.ts, with times relative to `now`.
// One run's output holds markup on purpose: the page must show it as text.

const minute = 60_000;
const iso = (ms) => new Date(ms).toISOString();

const diagnostic = (file, line, column, rule, message) => ({ file, line, column, rule, severity: "error", message });

export function fixtures(now = Date.now()) {
  const events = [
    event("daily-report", "active", "writer", { type: "cron", expr: "0 9 * * *", timezone: "Europe/Paris" }, now + 90 * minute, 0),
    event("low-stock-check", "active", "stock-keeper", { type: "interval", expr: "1h", timezone: null }, now + 20 * minute, 2),
    event("orders-hook", "active", null, { type: "webhook", expr: null, timezone: null }, null, 0),
    event("weekly-digest", "paused", "writer", { type: "cron", expr: "0 8 * * 1", timezone: "UTC" }, null, 3, "3 failures in a row"),
    event("launch-reminder", "expired", null, { type: "once", expr: iso(now - 86_400_000), timezone: null }, null, 0),
  ];

  const statuses = ["success", "success", "failed", "success", "running", "success", "failed", "cancelled", "success", "queued"];
  const runs = [];
  for (let id = 60; id >= 1; id--) {
    const ev = events[id % 4];
    const status = id === 60 ? "queued" : id === 59 ? "running" : statuses[id % statuses.length];
    const scheduled = now - (60 - id) * 37 * minute;
    const done = status !== "queued" && status !== "running";
    runs.push({
      id,
      event_id: ev.id,
      status,
      attempt: status === "failed" ? 3 : 1,
      scheduled_for: iso(scheduled),
      started_at: status === "queued" ? null : iso(scheduled + 1500),
      finished_at: done ? iso(scheduled + 1500 + id * 731) : null,
      duration_ms: done ? id * 731 : null,
      output: status === "success" ? `Report for run ${id}: 12 rows\n<script>alert("xss")</script><img src=x onerror="alert(1)">` : null,
      error: status === "failed" ? `exit code 2: stock export missing\n  at step fetch <b>bold?</b>` : null,
      trigger: ev.condition.type === "webhook" ? "webhook" : "schedule",
      stop_reason: ev.agent ? (status === "failed" ? "max_turns" : "end_turn") : null,
    });
  }

  const steps = [
    turn(1, 1, "stock-keeper", 0, 1200, 180, 0.0042, "tool_use", now - 5 * minute),
    toolCall(1, 2, "stock-keeper", 0, "mcp__files__read_file", "files", '{"path":"scripts/stock-sample.csv"}', "sku,qty\nA1,3\n<script>alert(2)</script>", false, now - 5 * minute + 900),
    turn(1, 3, "stock-keeper", 0, 1500, 90, 0.0039, "tool_use", now - 5 * minute + 1200),
    toolCall(1, 4, "stock-keeper", 0, "nexaas__delegate", null, '{"agent":"summariser","task":"Summarise the low items"}', "delegated", false, now - 5 * minute + 2000),
    turn(1, 5, "summariser", 1, 400, 60, null, "end_turn", now - 5 * minute + 2100),
    toolCall(1, 6, "summariser", 1, "mcp__files__write_file", "files", '{"path":"/etc/passwd"}', "Access denied: path outside allowed directories", true, now - 5 * minute + 2600),
    turn(1, 7, "stock-keeper", 0, 1700, 240, 0.0051, "end_turn", now - 5 * minute + 3000),
    turn(2, 1, "stock-keeper", 0, 1200, 20, 0.0031, "end_turn", now - 2 * minute),
  ];

  const day = (offset) => iso(now - offset * 86_400_000).slice(0, 10);
  const totals = (input, output, cost, unpriced = 0) => ({
    input_tokens: input,
    output_tokens: output,
    cache_creation_input_tokens: Math.round(input / 10),
    cache_read_input_tokens: Math.round(input / 4),
    cost_usd: cost,
    unpriced_calls: unpriced,
  });

  return {
    session: { name: "ops-laptop", expires_at: iso(now + 90 * 86_400_000) },
    status: {
      last_applied_revision: "3f2a9c1d7e5b4a6f8c0d1e2f3a4b5c6d7e8f9a0b",
      last_applied_at: iso(now - 3 * 3_600_000),
      last_attempted_revision: "9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b",
      last_attempted_at: iso(now - 10 * minute),
      last_result: "invalid",
      errors: [
        diagnostic("events/daily-report.yaml", 4, 9, "cron", 'invalid cron expression "0 25 * * *": hour 25 out of range'),
        diagnostic("agents/writer/config.yaml", 7, 3, "reference", 'skill "summarize" does not exist <img src=x onerror=alert(3)>'),
      ],
      drift: [],
      events: { active: 3, paused: 1, disabled: 0, expired: 1 },
      queue: { queued: 1, running: 1, ready: 1 },
      spend_today_usd: 0.8421,
      budget_daily_usd: 5,
    },
    queue: { queued: 1, running: 1, success: 40, failed: 12, cancelled: 6, ready: 1 },
    agents: ["stock-keeper", "writer"].map((name) => ({ name, layer: "workspace", file: `agents/${name}/config.yaml`, description: null, model: "claude-haiku-4-5", skills: [], mcp_servers: ["files"] })),
    events,
    runs,
    steps,
    usage: {
      total: totals(182_000, 24_000, 3.21, 2),
      by_model: [
        { model: "claude-sonnet-4-6", ...totals(120_000, 16_000, 2.7) },
        { model: "claude-haiku-4-5", ...totals(60_000, 8_000, 0.51) },
        { model: "local-llm", ...totals(2_000, 0, 0, 2) },
      ],
      by_agent: [
        { agent: "stock-keeper", ...totals(110_000, 14_000, 2.1) },
        { agent: "writer", ...totals(70_000, 10_000, 1.11) },
        { agent: null, ...totals(2_000, 0, 0, 2) },
      ],
      by_event: [
        { event: "low-stock-check", ...totals(110_000, 14_000, 2.1) },
        { event: "daily-report", ...totals(60_000, 8_000, 0.9) },
        { event: "weekly-digest", ...totals(12_000, 2_000, 0.21, 2) },
      ],
      by_day: [6, 5, 3, 2, 1, 0].map((d, i) => ({ day: day(d), ...totals(20_000 + i * 5_000, 3_000 + i * 500, 0.3 + i * 0.12) })),
    },
    revisions: [
      { revision: "9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b", result: "refused", at: iso(now - 10 * minute), errors: [diagnostic("events/daily-report.yaml", 4, 9, "cron", "invalid cron expression")] },
      { revision: "3f2a9c1d7e5b4a6f8c0d1e2f3a4b5c6d7e8f9a0b", result: "applied", at: iso(now - 3 * 3_600_000), errors: [] },
      { revision: "3f2a9c1d7e5b4a6f8c0d1e2f3a4b5c6d7e8f9a0b", result: "unchanged", at: iso(now - 4 * 3_600_000), errors: [] },
      { revision: "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b", result: "applied", at: iso(now - 26 * 3_600_000), errors: [] },
    ],
  };
}

function event(id, status, agent, condition, nextFire, failures, pausedReason = null) {
  return {
    id,
    status,
    agent,
    layer: "workspace",
    condition,
    condition_spec: condition.type === "webhook" ? { type: "webhook", secret: "${HOOK_SECRET}" } : { type: condition.type, expr: condition.expr },
    next_fire_at: nextFire === null ? null : iso(nextFire),
    consecutive_failures: failures,
    paused_reason: pausedReason,
    description: id === "daily-report" ? "Writes the morning report" : null,
    enabled: status !== "disabled",
    origin: "git",
    file: `events/${id}.yaml`,
  };
}

function turn(attempt, seq, agent, depth, input, output, cost, stop, at) {
  return {
    attempt, seq, kind: "turn", agent, depth, model: depth > 0 ? "local-llm" : "claude-sonnet-4-6", stop_reason: stop,
    input_tokens: input, output_tokens: output, cache_creation_input_tokens: 0, cache_read_input_tokens: Math.round(input / 2), cost_usd: cost,
    tool: null, server: null, input: null, output: null, is_error: null, duration_ms: 850, started_at: iso(at),
  };
}

function toolCall(attempt, seq, agent, depth, tool, server, input, output, isError, at) {
  return {
    attempt, seq, kind: "tool_call", agent, depth, model: null, stop_reason: null,
    input_tokens: null, output_tokens: null, cache_creation_input_tokens: null, cache_read_input_tokens: null, cost_usd: null,
    tool, server, input, output, is_error: isError, duration_ms: 35, started_at: iso(at),
  };
}
