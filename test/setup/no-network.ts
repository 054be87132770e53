// Guard: no test may reach the internet. Any socket to a non-loopback address fails loudly.
import net from "node:net";

const loopback = (host: string | undefined): boolean =>
  host === undefined || host === "localhost" || host === "::1" || host.startsWith("127.") || host === "::ffff:127.0.0.1";

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  const first = args[0] as { host?: string; path?: string } | number | string | undefined;
  let host: string | undefined;
  if (typeof first === "object" && first !== null && !Array.isArray(first)) {
    if (first.path) return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
    host = first.host;
  } else if (typeof first === "number") {
    host = typeof args[1] === "string" ? (args[1] as string) : undefined;
  } else if (typeof first === "string" && Number.isNaN(Number(first))) {
    // A string first argument is a unix socket path.
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  }
  if (!loopback(host)) throw new Error(`test tried to reach ${host ?? "?"}: tests may only use loopback`);
  return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;
