import { Writable } from "node:stream";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLogger, logFormat } from "../../controller/log.js";
import { isolateGit } from "../cli/helpers.js";
import { everySecond, health, killAll, level, startController, until, workspace } from "./controller-process.js";

// Issue 15: logs in one format (pino, ISO times), pretty on a terminal, and health probes off the info level.

beforeAll(() => isolateGit());
afterEach(() => killAll());

const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe("nexaas start's logs", () => {
  it("LOG_FORMAT=json: every stdout line is JSON with an ISO time; health and metrics requests are not at info, other requests are", { timeout: 30_000 }, async () => {
    const controller = startController(workspace({ "events/tick.yaml": everySecond("echo tick") }));
    const port = await controller.port();
    for (let i = 0; i < 3; i++) expect((await health(port)).status).toBe(200);
    await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: "Bearer unattended-test-key" } });
    const status = await fetch(`http://127.0.0.1:${port}/api/status`, { headers: { authorization: "Bearer unattended-test-key" } });
    expect(status.status).toBe(200);
    await controller.waitFor((l) => l.msg === "incoming request" && JSON.stringify(l).includes("/api/status"), { what: "the status request's line" });
    await controller.waitFor((l) => l.msg === "request completed", { what: "the status request's completion" });

    const raw = controller.stdout().trim().split("\n");
    expect(raw.length).toBeGreaterThan(3);
    for (const text of raw) {
      const line: unknown = JSON.parse(text);
      expect(line).toMatchObject({ time: expect.stringMatching(isoTime), level: expect.any(Number), msg: expect.any(String) });
    }
    // Five requests, one of them not a probe: only its two lines are at info.
    const requestLines = controller.lines.filter((l) => l.msg === "incoming request" || l.msg === "request completed");
    expect(requestLines).toHaveLength(2);
    expect(controller.lines.filter((l) => /\/api\/health|\/metrics/.test(JSON.stringify(l)))).toEqual([]);
    // The bearer token never reaches the log.
    expect(controller.stdout()).not.toContain("unattended-test-key");
  });

  it("LOG_LEVEL=debug shows the health probes, at debug", { timeout: 30_000 }, async () => {
    const controller = startController(workspace({ "events/tick.yaml": everySecond("echo tick") }), { env: { LOG_LEVEL: "debug" } });
    const port = await controller.port();
    await health(port);
    const line = await controller.waitFor((l) => l.msg === "request completed" && l.url === "/api/health", { what: "the probe's debug line" });
    expect(line.level).toBe(level.debug);
  });

  it("LOG_FORMAT=pretty: human-readable lines, not JSON, with the same ISO times", { timeout: 30_000 }, async () => {
    const controller = startController(workspace({ "events/tick.yaml": everySecond("echo tick") }), { env: { LOG_FORMAT: "pretty" } });
    const text = await until(() => (controller.stdout().includes("status API listening") ? controller.stdout() : undefined), "the pretty 'listening' line", 15_000);
    const listening = text.split("\n").find((l) => l.includes("status API listening")) ?? "";
    expect(listening).toMatch(/^\[\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3} [+-]\d{4}\] INFO: status API listening/);
    expect(() => JSON.parse(listening) as unknown).toThrow();
    expect(controller.lines).toEqual([]);
  });

  it("LOG_FORMAT=yaml is refused before anything starts", { timeout: 30_000 }, async () => {
    const controller = startController(workspace({}), { env: { LOG_FORMAT: "yaml" } });
    expect((await controller.exit()).code).toBe(2);
    expect(controller.stderr()).toContain("LOG_FORMAT=yaml: use json or pretty");
  });
});

describe("createLogger", () => {
  const capture = () => {
    let text = "";
    const stream = new Writable({ write: (chunk: Buffer, _encoding, done) => ((text += chunk.toString()), done()) });
    return { stream, text: () => text };
  };

  it("defaults to pretty on a terminal and JSON lines otherwise; LOG_FORMAT wins", () => {
    expect(logFormat({}, true)).toBe("pretty");
    expect(logFormat({}, false)).toBe("json");
    expect(logFormat({ LOG_FORMAT: "json" }, true)).toBe("json");
    expect(logFormat({ LOG_FORMAT: "pretty" }, false)).toBe("pretty");
  });

  it("writes JSON with an ISO time, or pretty text, to the same destination", () => {
    const json = capture();
    createLogger({ LOG_FORMAT: "json" }, json.stream).info({ run: 7 }, "run finished");
    expect(JSON.parse(json.text())).toMatchObject({ msg: "run finished", run: 7, time: expect.stringMatching(isoTime) });

    const pretty = capture();
    createLogger({ LOG_FORMAT: "pretty" }, pretty.stream).info({ run: 7 }, "run finished");
    expect(pretty.text()).toMatch(/INFO: run finished\n\s+run: 7/);
  });
});
