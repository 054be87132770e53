import { describe, expect, it } from "vitest";
import { egressPolicy, egressRefusal } from "../../controller/definitions/egress-policy.js";
import { parseCidr, parseIp } from "../../controller/definitions/ip-address.js";
import { originTemplate } from "../../controller/definitions/url-origin.js";

const closed = egressPolicy(undefined);
const privateOk = egressPolicy({ allow_private: true });

describe("egress policy: which addresses a request may reach", () => {
  it.each([
    ["8.8.8.8", undefined],
    ["2606:4700:4700::1111", undefined],
    ["169.254.169.254", "cloud metadata"],
    ["169.254.170.2", "container metadata"],
    ["fd00:ec2::254", "cloud metadata"],
    ["10.0.0.1", "private address (10.0.0.0/8)"],
    ["172.31.255.255", "private address (172.16.0.0/12)"],
    ["192.168.1.1", "private address"],
    ["100.64.0.1", "shared"],
    ["127.0.0.1", "loopback"],
    ["0.0.0.0", "unspecified"],
    ["169.254.1.1", "link-local"],
    ["::1", "loopback address (::1/128)"],
    ["::", "unspecified"],
    ["fe80::1%eth0", "link-local"],
    ["fd12:3456::1", "unique local"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "reserved"],
    // IPv6 spellings of IPv4 addresses are judged as the IPv4 they reach.
    ["::ffff:127.0.0.1", "loopback address (127.0.0.0/8)"],
    ["::ffff:a9fe:a9fe", "cloud metadata"],
    ["64:ff9b::a9fe:a9fe", "cloud metadata"],
    ["2002:0a00:0001::1", "private address (10.0.0.0/8)"],
    ["::ffff:8.8.8.8", undefined],
    ["not-an-address", "not an IP address"],
  ])("%s: %s", (address, refused) => {
    const refusal = egressRefusal(address, closed);
    if (refused === undefined) expect(refusal).toBeUndefined();
    else expect(refusal?.what).toContain(refused);
  });

  it("allow_private opens private, loopback and link-local ranges, never metadata or reserved ones", () => {
    for (const address of ["10.0.0.1", "127.0.0.1", "::1", "169.254.1.1", "fd00::1", "::ffff:192.168.0.1"]) expect(egressRefusal(address, privateOk), address).toBeUndefined();
    for (const address of ["169.254.169.254", "::ffff:169.254.169.254", "224.0.0.1"]) expect(egressRefusal(address, privateOk)?.opensWithPrivate, address).toBe(false);
    expect(egressRefusal("10.0.0.1", closed)?.opensWithPrivate).toBe(true);
  });

  it("a CIDR of allow opens exactly its block, whatever the range, IPv4-mapped spellings included", () => {
    const policy = egressPolicy({ allow: ["10.1.2.0/24", "169.254.169.254", "fd00::/8"] });
    expect(egressRefusal("10.1.2.200", policy)).toBeUndefined();
    expect(egressRefusal("::ffff:10.1.2.3", policy)).toBeUndefined();
    expect(egressRefusal("10.1.3.1", policy)?.what).toContain("private");
    expect(egressRefusal("169.254.169.254", policy)).toBeUndefined();
    expect(egressRefusal("fd00::1", policy)).toBeUndefined();
    expect(egressRefusal("fc00::1", policy)?.what).toContain("unique local");
  });
});

describe("addresses and CIDR blocks", () => {
  it("parses IPv4, IPv6 in its spellings, and rejects the rest", () => {
    expect(parseIp("1.2.3.4")?.bytes).toEqual(Uint8Array.from([1, 2, 3, 4]));
    expect(parseIp("::ffff:1.2.3.4")?.bytes).toEqual(Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4]));
    expect(parseIp("1:2:3:4:5:6:7:8")?.family).toBe(6);
    expect(parseIp("1::8")?.bytes[15]).toBe(8);
    for (const bad of ["1.2.3", "1.2.3.256", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "::g", "", "1.2.3.4/"]) expect(parseIp(bad), bad).toBeUndefined();
    expect(parseCidr("10.0.0.0/8")?.prefix).toBe(8);
    expect(parseCidr("::1")?.prefix).toBe(128);
    for (const bad of ["10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/8/8", "localhost/8", "10.0.0.0/-1"]) expect(parseCidr(bad), bad).toBeUndefined();
  });
});

describe("a URL's origin is never a template", () => {
  it.each([
    ["http://{{trigger.payload.host}}/x", "{{trigger.payload.host}}"],
    ["https://{{trigger.payload.sub}}.example.com/", "{{trigger.payload.sub}}"],
    ["https://api.example:{{trigger.payload.port}}/", "{{trigger.payload.port}}"],
    ["{{trigger.payload.url}}", "{{trigger.payload.url}}"],
    ["${BASE_URL}{{trigger.payload.path}}", "{{trigger.payload.path}}"],
    ["https://user:{{steps.a.output}}@api.example/", "{{steps.a.output}}"],
    ["https://api.example/{{trigger.payload.path}}", undefined],
    ["https://api.example?q={{trigger.payload.q}}", undefined],
    ["${BASE_URL}/items/{{trigger.payload.id}}", undefined],
    ["${HOOK_URL}", undefined],
  ])("%s", (url, template) => {
    expect(originTemplate(url)).toBe(template);
  });
});
