import type { Diagnostic } from "../diagnostic.js";
import { parseCidr } from "../ip-address.js";
import type { Rule } from "./rule.js";

/** Each CIDR of nexaas.yaml `egress.allow` must parse: a typo would silently open nothing, or be read as something else. */
export const egressAllow: Rule = ({ defs }) => {
  const manifest = defs.manifest;
  const out: Diagnostic[] = [];
  for (const [i, text] of (manifest?.spec.egress?.allow ?? []).entries()) {
    if (!manifest || parseCidr(text) !== undefined) continue;
    out.push({
      file: manifest.source.file,
      ...manifest.source.at(["egress", "allow", i]),
      rule: "egress-allow",
      severity: "error",
      message: `"${text}" is not a CIDR block: write an address and a prefix length (10.1.2.0/24, 127.0.0.1/32, fd00::/8), or a bare address`,
    });
  }
  return out;
};
