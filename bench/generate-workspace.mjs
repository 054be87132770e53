// Writes a valid workspace of 1,000 definitions (times `scale`) for the benchmarks: the
// mix a large team would have (mostly events), every condition and action type, layered
// references to framework definitions, flows with templates and CEL `when`, and
// cross references everywhere, so every rule has real work to do. Deterministic: the
// same files on every run, so figures from two runs compare.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The mix of 1,000 definitions; writeWorkspace(dir, 10) writes ten times each. */
export const counts = { agents: 100, skills: 150, events: 600, flows: 100, registries: 30, mcpServers: 20 };
let scaled = counts;

export const scaledCounts = (scale) => Object.fromEntries(Object.entries(counts).map(([k, n]) => [k, n * scale]));

const q = JSON.stringify; // a JSON string is a valid YAML double-quoted scalar
const pad = (i, n = 3) => String(i).padStart(n, "0");
const agent = (i) => `agent-${pad(i % scaled.agents)}`;
const skill = (i) => `skill-${pad(i % scaled.skills)}`;
const flow = (i) => `flow-${pad(i % scaled.flows)}`;
const registry = (i) => `registry-${pad(i % scaled.registries, 2)}`;
const mcp = (i) => `mcp-${pad(i % scaled.mcpServers, 2)}`;
const zones = ["Europe/Paris", "America/New_York", "Asia/Tokyo", "UTC", "Australia/Sydney"];
const crons = ["0 9 * * 1-5", "30 8 * * 1-6", "*/15 * * * *", "0 0 1 * *", "0 30 6 * * 1", "0 17 * * 5"];
const intervals = ["90s", "15m", "2h", "1d", 3600];

export function writeWorkspace(dir, scale = 1) {
  scaled = scaledCounts(scale);
  const file = (path, text) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  file("nexaas.yaml", manifest());
  for (let i = 0; i < scaled.registries; i++) file(`registries/${registry(i)}.yaml`, registryFile(i));
  for (let i = 0; i < scaled.mcpServers; i++) {
    if (i % 4 === 3) file(`mcp-servers/${mcp(i)}.json`, JSON.stringify(mcpSpec(i), null, 2));
    else file(`mcp-servers/${mcp(i)}.yaml`, Object.entries(mcpSpec(i)).map(([k, v]) => `${k}: ${q(v)}\n`).join(""));
  }
  for (let i = 0; i < scaled.skills; i++) {
    if (i % 2 === 0) file(`skills/${skill(i)}.md`, `# ${skill(i)}\n\nSummarise input batch ${i} into one status line per item.\n\n${instructions(i)}`);
    else file(`skills/${skill(i)}/SKILL.md`, `---\nname: ${skill(i)}\ndescription: Turn report ${i} into a short proposal grouped by owner.\nlicense: MIT\nmetadata:\n  owner: team-${i % 7}\n  version: "${i % 3}"\n---\n\n${instructions(i)}`);
  }
  for (let i = 0; i < scaled.agents; i++) {
    file(`agents/${agent(i)}/config.yaml`, agentConfig(i));
    file(`agents/${agent(i)}/prompt.md`, `You are ${agent(i)}, an operations agent of team ${Math.floor(i / 10)}.\nAnswer briefly; say what you checked.\n`);
  }
  for (let i = 0; i < scaled.flows; i++) file(`flows/${flow(i)}.yaml`, flowFile(i));
  for (let i = 0; i < scaled.events; i++) file(`events/event-${pad(i)}.yaml`, eventFile(i));
}

const manifest = () => `name: bench-1000
description: A large generated workspace for the validation benchmark.
timezone: Europe/Paris
defaults: {model: claude-sonnet-4-5, max_tokens: 4096, agent: agent-000}
mcp_servers: [filesystem, fetch]
identity: {company_names: ["Bench Corp"], domains: ["bench.example"], people: []}
budget: {daily_usd: 50}
`;

const instructions = (i) => `## Steps\n\n1. Read the input.\n2. Group lines by owner ${i % 5}.\n3. Flag anything older than ${i % 9 + 1} days.\n`;

const registryFile = (i) => `name: ${registry(i)}
description: Generated registry ${i}.
fields:
  name:      {type: string, required: true}
  lead_time: {type: integer, required: true, description: "Days."}
  weight:    {type: number}
  active:    {type: boolean}
entries:
${[0, 1, 2, 3, 4].map((e) => `  - {name: item-${i}-${e}, lead_time: ${e + i}, weight: ${e + 0.5}, active: ${e % 2 === 0}}`).join("\n")}
`;

function mcpSpec(i) {
  const base = { name: mcp(i), description: `Generated MCP server ${i}.` };
  if (i % 3 === 0) return { ...base, type: "stdio", command: "npx", args: ["-y", `@bench/server-${i}`], env: { TOKEN: `\${MCP_${i}_TOKEN}` } };
  return { ...base, type: i % 3 === 1 ? "http" : "sse", url: `\${MCP_${i}_URL}`, headers: { "X-Api-Key": `\${MCP_${i}_KEY}` } };
}

function agentConfig(i) {
  const lead = Math.floor(i / 10) * 10; // teams of ten, each lead reporting to agent-000
  const parent = i === 0 ? "" : `parent: ${agent(i === lead ? 0 : lead)}\n`;
  const subs = i % 10 === 0 ? `sub_agents: [${[1, 2, 3].map((k) => agent(i + k)).join(", ")}]\n` : "";
  return `name: ${agent(i)}
description: Use for generated operations task ${i}.
role: Handles queue ${i % 13}.
${i % 3 === 0 ? "model: claude-haiku-4-5\nmax_tokens: 1024\n" : ""}${parent}${subs}skills: [${skill(i)}, ${skill(i + 50)}${i % 4 === 0 ? ", health-check" : ""}]
mcp_servers: [${mcp(i)}${i % 5 === 0 ? ", filesystem" : ""}]
capabilities: [ops, queue-${i % 13}]
version: ${i % 2 === 0 ? i : q(`v${i}`)}
`;
}

function flowFile(i) {
  const trigger =
    i % 10 === 5 ? `trigger: {type: after, flow: ${flow(i - 1)}, on: ${["success", "failure", "always"][i % 3]}}\n`
    : i % 10 === 7 ? `trigger: {type: cron, expr: ${q(crons[i % crons.length])}, timezone: ${zones[i % zones.length]}}\n`
    : "";
  const third = `  - id: notify
    when: 'steps.analyse.status == "success" && steps.analyse.output.size() > 0'
    action: webhook
    url: "\${FLOW_${i}_WEBHOOK_URL}"
    body: {text: "Flow ${i} on {{date.today}}: {{steps.analyse.output}}"}
    on_error: continue
`;
  return `description: Generated flow ${i} (fetch, analyse${i % 2 ? "" : ", notify"}).
agent: ${agent(i)}
${trigger}steps:
  - id: fetch
    action: script
    command: node scripts/report-${i % 4}.mjs
    cwd: .
    timeout: 1m
    retries: 1
  - id: analyse
    when: 'steps.fetch.status == "success" && steps.fetch.output.contains("LOW")'
    action: ${i % 2 ? "claude_chat" : "skill"}
${i % 2 ? `    prompt: "Explain {{steps.fetch.output}} using {{registries.${registry(i)}}}."` : `    skill: ${skill(i)}\n    input:\n      report: "{{steps.fetch.output}}"\n      table: "{{registries.${registry(i)}}}"`}
${i % 2 ? "" : third}`;
}

function condition(i) {
  switch (i % 4) {
    case 0: return `{type: cron, expr: ${q(crons[i % crons.length])}${i % 8 ? `, timezone: ${zones[i % zones.length]}` : ""}}`;
    case 1: return `{type: interval, expr: ${intervals[i % intervals.length]}}`;
    case 2: return `{type: once, expr: ${q(`${2027 + (i % 3)}-${pad((i % 12) + 1, 2)}-${pad((i % 28) + 1, 2)}T08:00:00+01:00`)}}`;
    default: return `{type: webhook, secret: "\${EVENT_${i}_SECRET}"}`;
  }
}

function action(i) {
  switch (Math.floor(i / 4) % 5) { // independent of i % 4, so every condition meets every action
    case 0: return i % 2 ? `{type: claude_chat, prompt: "Check queue ${i} and answer OK or list problems.", session: s-${i % 9}}`
      : `\n  type: claude_chat\n  agent: ${agent(i + 1)}\n  messages:\n    - {role: user, content: "Status of ${i}?"}\n    - {role: assistant, content: "Checking."}\n    - {role: user, content: "Go on."}`;
    case 1: return `{type: skill, skill: ${skill(i)}, input: {period: yesterday, batch: ${i}}}`;
    case 2: return `{type: script, command: "node scripts/check-${i % 6}.mjs", cwd: scripts, timeout: 30s, env: [CHECK_${i % 6}_LEVEL]}`;
    case 3: return `{type: webhook, url: ${i % 2 ? q(`\${HOOK_${i}_URL}`) : q(`https://hooks.bench.example/${i}`)}, method: ${["POST", "PUT", "PATCH", "GET", "DELETE"][i % 5]}, headers: {Authorization: "\${HOOK_TOKEN}"}, body: {text: "event ${i}"}}`;
    default: return i % 3 ? `{type: flow, flow: ${flow(i)}, trigger_payload: {source: event-${i}}}`
      : `\n  type: flow\n  steps:\n    - {id: first, action: script, command: node scripts/a.mjs}\n    - {id: second, action: claude_chat, when: 'steps.first.status == "success"', prompt: "Review {{steps.first.output}} for {{event.id}}"}`;
  }
}

const policy = (i) => i % 3 === 1 ? "" : `policy:
  retries: ${i % 4}
  backoff: [${10 + (i % 50)}s, 5m]
  timeout: ${1 + (i % 20)}m
  overlap: ${["skip", "queue", "allow"][i % 3]}
  catchup: ${["skip", "once", "all"][i % 3]}
  catchup_window: ${1 + (i % 6)}h
  pause_after_failures: ${i % 5}
  priority: ${i % 101}
${i % 10 === 0 ? `  concurrency_key: key-${i % 7}\n  expires_at: "2028-12-31T23:59:59+01:00"\n` : ""}`;

const eventFile = (i) => `description: Generated event ${i}.
${i % 6 === 5 ? "enabled: false\n" : ""}${i % 2 ? `agent: ${agent(i)}\n` : ""}condition: ${condition(i)}
action: ${action(i)}
${policy(i)}`;
