import { parse } from "yaml";
import type { FileSource } from "../source/file-source.js";

/** nexaas.yaml's `identity`: what must never leave the workspace. */
export interface Identity {
  company_names: string[];
  domains: string[];
  people: string[];
}

export const emptyIdentity: Identity = { company_names: [], domains: [], people: [] };

/** Reads `identity` from the source's nexaas.yaml; a missing or broken manifest gives an empty identity (validate reports it). */
export async function readIdentity(source: FileSource): Promise<Identity> {
  let text: string;
  try {
    const content = (await source.read(["nexaas.yaml"], 1024 * 1024)).get("nexaas.yaml");
    if (!Buffer.isBuffer(content)) return emptyIdentity;
    text = content.toString("utf8");
  } catch {
    return emptyIdentity;
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return emptyIdentity;
  }
  return identityOf(doc);
}

/** The `identity` of nexaas.yaml's parsed value (a validated manifest is one: no second parse); anything else gives an empty identity. */
export function identityOf(doc: unknown): Identity {
  const identity = doc && typeof doc === "object" && "identity" in doc ? doc.identity : undefined;
  if (!identity || typeof identity !== "object") return emptyIdentity;
  const list = (value: unknown): string[] =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === "string" && v.trim() !== "") : [];
  return {
    company_names: list("company_names" in identity ? identity.company_names : undefined),
    domains: list("domains" in identity ? identity.domains : undefined),
    people: list("people" in identity ? identity.people : undefined),
  };
}
