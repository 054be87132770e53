import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A block of a scripted reply: text, or a tool call (its id defaults to toolu_<n>). */
export type FakeBlock = { type: "text"; text: string } | { type: "tool_use"; name: string; input: Record<string, unknown>; id?: string };

/** One scripted answer: a reply with its text (or blocks) and usage, or an error status. */
export type FakeReply =
  | {
      text: string;
      /** Blocks instead of one text block (text is then ignored); a reply with a tool_use stops with "tool_use" unless told. */
      content?: FakeBlock[];
      model?: string;
      stop_reason?: string;
      usage?: Partial<{ input_tokens: number; output_tokens: number; cache_creation_input_tokens: number; cache_read_input_tokens: number }>;
      /** Streamed only: stop after the first half of the text and a message_delta with the usage so far, and never end (a call the client must abort). */
      stall?: boolean;
    }
  | {
      /** 429 (rate_limit_error), 529 (overloaded_error), 500 (api_error), or any other status. */
      status: number;
      type?: string;
      message?: string;
      /** Sent as retry-after-ms; 1 by default so the SDK's retries do not slow tests down. */
      retryAfterMs?: number;
    };

export interface FakeRequest {
  method: string;
  path: string;
  /** Headers as received, with the x-api-key and authorization values replaced by "[redacted]". */
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** The request-id header this request was answered with. */
  requestId: string;
}

export interface FakeAnthropic {
  /** For ANTHROPIC_BASE_URL (the SDK appends /v1/messages). */
  url: string;
  requests: FakeRequest[];
  /** Queues more replies. */
  push(...replies: FakeReply[]): void;
  /** Resolves once `count` requests have arrived (at once if they have), so a test waits for a request instead of sleeping. */
  received(count: number): Promise<void>;
  close(): Promise<void>;
}

const errorTypes: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

/**
 * A loopback stand-in for the Messages API (STYLE 8): answers POST /v1/messages
 * from a queue of scripted replies, as JSON or as server-sent events when the
 * request asks for `stream: true`, and records every request. An empty queue
 * answers 500 so a test that sends more than it scripted fails loudly.
 */
export async function startFakeAnthropic(options: { replies?: FakeReply[] } = {}): Promise<FakeAnthropic> {
  const queue: FakeReply[] = [...(options.replies ?? [])];
  const requests: FakeRequest[] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  let count = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      count += 1;
      const requestId = `req_fake_${String(count).padStart(4, "0")}`;
      const headers = { ...req.headers };
      for (const name of ["x-api-key", "authorization"]) if (headers[name] !== undefined) headers[name] = "[redacted]";
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
      } catch {
        body = {};
      }
      const path = req.url ?? "";
      requests.push({ method: req.method ?? "", path, headers, body, requestId });
      for (const w of waiting.filter((w) => requests.length >= w.count)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve();
      }
      res.setHeader("request-id", requestId);
      if (req.method !== "POST" || !path.startsWith("/v1/messages")) {
        return sendError(res, { status: 404, message: `no route ${req.method ?? ""} ${path}` });
      }
      const reply = queue.shift() ?? { status: 500, message: "fake-anthropic: no scripted reply left" };
      if ("status" in reply) return sendError(res, reply);
      const message = {
        id: `msg_fake_${count}`,
        type: "message",
        role: "assistant",
        model: reply.model ?? (typeof body.model === "string" ? body.model : "claude-fake"),
        content: blocksOf(reply, count),
        stop_reason: reply.stop_reason ?? (reply.content?.some((b) => b.type === "tool_use") ? "tool_use" : "end_turn"),
        stop_sequence: null,
        usage: {
          input_tokens: reply.usage?.input_tokens ?? 10,
          output_tokens: reply.usage?.output_tokens ?? 5,
          cache_creation_input_tokens: reply.usage?.cache_creation_input_tokens ?? 0,
          cache_read_input_tokens: reply.usage?.cache_read_input_tokens ?? 0,
        },
      };
      if (body.stream === true) return sendStream(res, message, reply.stall === true);
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(message));
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    push: (...replies) => void queue.push(...replies),
    received: (n) => (requests.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ count: n, resolve }))),
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

function sendError(res: ServerResponse, reply: { status: number; type?: string; message?: string; retryAfterMs?: number }): void {
  res.statusCode = reply.status;
  res.setHeader("content-type", "application/json");
  res.setHeader("retry-after-ms", String(reply.retryAfterMs ?? 1));
  const type = reply.type ?? errorTypes[reply.status] ?? "api_error";
  res.end(JSON.stringify({ type: "error", error: { type, message: reply.message ?? `fake ${type}` } }));
}

function blocksOf(reply: { text: string; content?: FakeBlock[] }, request: number): WireBlock[] {
  if (!reply.content) return [{ type: "text", text: reply.text }];
  return reply.content.map((b, i) => (b.type === "text" ? b : { type: "tool_use", id: b.id ?? `toolu_${request}_${i}`, name: b.name, input: b.input }));
}

type WireBlock = { type: "text"; text: string } | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };

interface FakeMessage {
  content: WireBlock[];
  stop_reason: string;
  stop_sequence: null;
  usage: { output_tokens: number };
  [key: string]: unknown;
}

/** The Messages API's event sequence: each block started, its text (or tool input JSON) in two deltas, stopped. */
function sendStream(res: ServerResponse, message: FakeMessage, stall: boolean): void {
  res.setHeader("content-type", "text/event-stream");
  res.setHeader("cache-control", "no-cache");
  const send = (event: string, data: unknown): void => void res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  send("message_start", {
    type: "message_start",
    message: { ...message, content: [], stop_reason: null, usage: { ...message.usage, output_tokens: 1 } },
  });
  for (const [index, block] of message.content.entries()) {
    const whole = block.type === "text" ? block.text : JSON.stringify(block.input);
    const half = Math.ceil(whole.length / 2);
    const delta = (part: string) => (block.type === "text" ? { type: "text_delta", text: part } : { type: "input_json_delta", partial_json: part });
    send("content_block_start", { type: "content_block_start", index, content_block: block.type === "text" ? { type: "text", text: "" } : { ...block, input: {} } });
    if (stall) {
      send("content_block_delta", { type: "content_block_delta", index, delta: delta(whole.slice(0, half)) });
      send("message_delta", { type: "message_delta", delta: { stop_reason: null, stop_sequence: null }, usage: { output_tokens: message.usage.output_tokens } });
      return; // the connection stays open until the client gives up
    }
    for (const part of [whole.slice(0, half), whole.slice(half)]) {
      if (part) send("content_block_delta", { type: "content_block_delta", index, delta: delta(part) });
    }
    send("content_block_stop", { type: "content_block_stop", index });
  }
  send("message_delta", {
    type: "message_delta",
    delta: { stop_reason: message.stop_reason, stop_sequence: null },
    usage: { output_tokens: message.usage.output_tokens },
  });
  send("message_stop", { type: "message_stop" });
  res.end();
}
