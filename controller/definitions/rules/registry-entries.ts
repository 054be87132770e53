import type { Diagnostic } from "../diagnostic.js";
import { finding, type Rule } from "./rule.js";

/** Registry entries use only declared fields, set the required ones, with the declared types. */
export const registryEntries: Rule = ({ defs }) => {
  const out: Diagnostic[] = [];
  for (const registry of defs.registries.values()) {
    const fields = registry.spec.fields;
    registry.spec.entries.forEach((entry, i) => {
      for (const [key, value] of Object.entries(entry)) {
        const field = fields[key];
        if (!field) {
          out.push(finding(registry, ["entries", i, key], "registry-entry", `entries[${i}]: "${key}" is not a declared field (fields: ${Object.keys(fields).join(", ")})`));
          continue;
        }
        const type = field.type ?? "string";
        const ok = value === null || (type === "integer" ? Number.isInteger(value) : typeof value === type);
        if (!ok) out.push(finding(registry, ["entries", i, key], "registry-entry", `entries[${i}].${key}: must be ${type}`));
      }
      for (const [name, field] of Object.entries(fields)) {
        if (field.required && (entry[name] === undefined || entry[name] === null)) {
          out.push(finding(registry, ["entries", i], "registry-entry", `entries[${i}]: missing required field "${name}"`));
        }
      }
    });
  }
  return out;
};
