import { type Cidr, inCidr, type IpAddress, parseCidr, parseIp } from "./ip-address.js";
import type { NexaasFile } from "./schema-types.js";

/**
 * Where outbound requests of actions may go (nexaas.yaml `egress`). Public
 * addresses always; the private, loopback and link-local ones with
 * `allow_private: true`; any address inside a CIDR of `allow`. Cloud metadata
 * endpoints and reserved ranges (multicast, documentation, ...) only through
 * `allow`: `allow_private` is about reaching your own network, not the
 * instance's credentials.
 */
export interface EgressPolicy {
  allowPrivate: boolean;
  allow: readonly Cidr[];
}

/** What a refused range is; `private` opens with allow_private, the others only through allow. */
type RangeClass = "private" | "metadata" | "reserved";

interface SpecialRange {
  cidr: Cidr;
  /** For the run's error: "a link-local address (169.254.0.0/16)". */
  what: string;
  class: RangeClass;
}

const range = (text: string, what: string, rangeClass: RangeClass): SpecialRange => {
  const cidr = parseCidr(text);
  if (!cidr) throw new Error(`egress-policy: bad built-in range ${text}`);
  return { cidr, what: `${what} (${text})`, class: rangeClass };
};

// Most specific first: the first match names the range.
const specialRanges: readonly SpecialRange[] = [
  range("169.254.169.254/32", "a cloud metadata address", "metadata"),
  range("169.254.170.2/32", "a container metadata address", "metadata"),
  range("100.100.100.200/32", "a cloud metadata address", "metadata"),
  range("fd00:ec2::254/128", "a cloud metadata address", "metadata"),
  range("0.0.0.0/8", "an unspecified address, which reaches this host", "private"),
  range("10.0.0.0/8", "a private address", "private"),
  range("100.64.0.0/10", "a shared (carrier-grade NAT) address", "private"),
  range("127.0.0.0/8", "a loopback address", "private"),
  range("169.254.0.0/16", "a link-local address", "private"),
  range("172.16.0.0/12", "a private address", "private"),
  range("192.168.0.0/16", "a private address", "private"),
  range("192.0.0.0/24", "a reserved address", "reserved"),
  range("192.0.2.0/24", "a documentation address", "reserved"),
  range("198.18.0.0/15", "a benchmarking address", "reserved"),
  range("198.51.100.0/24", "a documentation address", "reserved"),
  range("203.0.113.0/24", "a documentation address", "reserved"),
  range("224.0.0.0/4", "a multicast address", "reserved"),
  range("240.0.0.0/4", "a reserved address", "reserved"),
  range("::/128", "an unspecified address, which reaches this host", "private"),
  range("::1/128", "a loopback address", "private"),
  range("64:ff9b:1::/48", "a local NAT64 address", "private"),
  range("fc00::/7", "a unique local (private) address", "private"),
  range("fe80::/10", "a link-local address", "private"),
  range("fec0::/10", "a site-local address", "private"),
  range("100::/64", "a discard address", "reserved"),
  range("2001::/23", "a reserved address", "reserved"),
  range("2001:db8::/32", "a documentation address", "reserved"),
  range("ff00::/8", "a multicast address", "reserved"),
];

/** IPv6 forms that carry an IPv4 address, which is what the connection reaches: the IPv4 is judged. */
const embedding: readonly { cidr: Cidr; offset: number }[] = [
  { text: "::ffff:0:0/96", offset: 12 }, // IPv4-mapped
  { text: "64:ff9b::/96", offset: 12 }, // NAT64
  { text: "2002::/16", offset: 2 }, // 6to4
  { text: "::/96", offset: 12 }, // IPv4-compatible (deprecated); :: and ::1 are judged first
].map(({ text, offset }) => ({ cidr: range(text, "", "reserved").cidr, offset }));

const unspecified6 = range("::/128", "", "private").cidr;
const loopback6 = range("::1/128", "", "private").cidr;

/** The policy nexaas.yaml's `egress` asks for; its CIDRs were checked at validation (a bad one is left out). */
export function egressPolicy(settings: NexaasFile["egress"]): EgressPolicy {
  const allow = (settings?.allow ?? []).map(parseCidr).filter((c): c is Cidr => c !== undefined);
  return { allowPrivate: settings?.allow_private === true, allow };
}

/** The IPv4 address an IPv6 address stands for (mapped, NAT64, 6to4, compatible), if any. */
export function embeddedIpv4(ip: IpAddress): IpAddress | undefined {
  if (ip.family !== 6 || inCidr(ip, unspecified6) || inCidr(ip, loopback6)) return undefined;
  const form = embedding.find((e) => inCidr(ip, e.cidr));
  return form ? { family: 4, bytes: ip.bytes.slice(form.offset, form.offset + 4) } : undefined;
}

/** Why an address is refused, and whether allow_private would open it (else only egress.allow does). */
export interface EgressRefusal {
  /** "a link-local address (169.254.0.0/16)" */
  what: string;
  opensWithPrivate: boolean;
}

/** Why `address` may not be reached under `policy`, or undefined when it may. Not an address at all is refused. */
export function egressRefusal(address: string, policy: EgressPolicy): EgressRefusal | undefined {
  const ip = parseIp(address);
  if (!ip) return { what: "not an IP address", opensWithPrivate: false };
  const judged = embeddedIpv4(ip) ?? ip;
  if (policy.allow.some((cidr) => inCidr(ip, cidr) || inCidr(judged, cidr))) return undefined;
  const special = specialRanges.find((r) => inCidr(judged, r.cidr));
  if (!special || (special.class === "private" && policy.allowPrivate)) return undefined;
  return { what: special.what, opensWithPrivate: special.class === "private" };
}
