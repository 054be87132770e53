import type { LookupAddress } from "node:dns";
import { lookup } from "node:dns/promises";
import type { LookupFunction } from "node:net";
import { type EgressPolicy, egressPolicy, egressRefusal } from "../definitions/egress-policy.js";
import { readDefinition } from "../store/read-definition.js";
import type { Sql } from "../store/sql/sql.js";
import { ExecutionError } from "./executor.js";

/** Codes of egress failures: the same request again would meet them again (run-job does not retry them). */
export const egressCodes = ["egress-refused", "egress-redirect", "egress-url"] as const;

/** Host name -> its addresses, as the system resolves them (getaddrinfo: /etc/hosts, then DNS). */
export type Resolver = (host: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (host) => lookup(host, { all: true, verbatim: true });

/** The applied workspace's `egress` (nexaas.yaml), read at each attempt so a reconcile takes effect at once. */
export async function workspaceEgress(sql: Sql): Promise<EgressPolicy> {
  return egressPolicy((await readDefinition(sql, "workspace", "workspace"))?.egress);
}

/**
 * Resolves `url`'s host, checks every address it resolves to against
 * `policy`, and returns a `lookup` for the connection that answers with those
 * addresses only. The connection goes to an address that was checked: a DNS
 * answer that changes between the check and the connect (rebinding) is never
 * asked for. An IP literal is checked as it is (the connection does no lookup).
 * A refusal names the host and the address, before anything is connected.
 */
export async function checkedLookup(url: URL, policy: EgressPolicy, resolve: Resolver = systemResolver): Promise<LookupFunction> {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  let addresses: LookupAddress[];
  try {
    addresses = await resolve(host);
  } catch (error) {
    const code = error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : "no answer";
    throw new ExecutionError(`could not resolve ${host}: ${code}`, "dns");
  }
  if (addresses.length === 0) throw new ExecutionError(`could not resolve ${host}: no address`, "dns");
  for (const { address } of addresses) {
    const refusal = egressRefusal(address, policy);
    if (!refusal) continue;
    const where = address === host ? host : `${host} (resolved to ${address})`;
    const opens = refusal.opensWithPrivate ? "nexaas.yaml egress.allow_private: true, or a CIDR in egress.allow, allows it" : "only a CIDR in nexaas.yaml egress.allow allows it";
    throw new ExecutionError(`refused to connect to ${where}: ${refusal.what}; ${opens}`, "egress-refused");
  }
  return (_host, options, callback) => {
    const usable = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
    const [first] = usable;
    if (options.all) callback(null, usable);
    else if (first) callback(null, first.address, first.family);
    else callback(Object.assign(new Error(`${host} has no IPv${String(options.family)} address`), { code: "ENOTFOUND" }), "", 0);
  };
}
