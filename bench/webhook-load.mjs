// Load for history.bench.mjs, run as its own process (as a sender would be): posts `count`
// Standard Webhooks deliveries, each with a fresh id and signature, `concurrency` at a time,
// over keep-alive connections, and prints {per_second, codes} as JSON on stdout.
// Usage: node bench/webhook-load.mjs URL SECRET COUNT CONCURRENCY ID_PREFIX (SECRET: base64, whsec_ prefix optional)
import { createHmac } from "node:crypto";
import { Agent, request } from "node:http";

const [url, secret, count, concurrency, prefix] = process.argv.slice(2);
const total = Number(count);
const agent = new Agent({ keepAlive: true, maxSockets: Number(concurrency) });
const target = new URL(url);
const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");

function post(i) {
  const id = `${prefix}_${i}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const body = JSON.stringify({ delivery: i });
  const signature = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  return new Promise((resolve, reject) => {
    const req = request(
      { host: target.hostname, port: target.port, path: target.pathname, method: "POST", agent, headers: { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": `v1,${signature}` } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const codes = {};
let next = 0;
const start = performance.now();
await Promise.all(
  Array.from({ length: Number(concurrency) }, async () => {
    while (next < total) {
      const code = await post(next++);
      codes[code] = (codes[code] ?? 0) + 1;
    }
  }),
);
const seconds = (performance.now() - start) / 1000;
agent.destroy();
console.log(JSON.stringify({ per_second: total / seconds, codes }));
