import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * An HTTP server on 127.0.0.1 port 0 that records every request: what a
 * notification target (Slack, a webhook receiver) would get. `hang` keeps
 * requests unanswered (a target that times out).
 */
export async function notificationReceiver(options: { status?: number; hang?: boolean } = {}) {
  const received: Received[] = [];
  const waiters = new Set<() => void>();
  const open = new Set<() => void>();
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body });
      for (const w of waiters) w();
      if (options.hang) open.add(() => res.destroy());
      else res.writeHead(options.status ?? 200).end("ok");
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const url = (path: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return {
    received,
    url,
    /** Resolves once `count` requests came (or rejects after `timeoutMs`). */
    waitFor: (count: number, timeoutMs = 10_000) =>
      new Promise<Received[]>((resolve, reject) => {
        const check = () => {
          if (received.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(received.slice(0, count));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`the receiver got ${received.length} requests, not ${count}: ${received.map((r) => r.body).join("\n")}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () =>
      new Promise<void>((done) => {
        for (const end of open) end();
        server.close(() => done());
      }),
  };
}
