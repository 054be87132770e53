import type { FrameworkScanner } from "../definitions/validate-framework.js";
import { emptyIdentity } from "./identity.js";
import { scanSource } from "./scan-source.js";

/**
 * The scanner that `validate --framework` and the upstream check hand to
 * validateFramework: the upstream rules with no workspace identity, and every file,
 * since everything in a framework folder ships (.env, data/ and exports/ too).
 */
export const scanFramework: FrameworkScanner = async (source) =>
  (await scanSource(source, { identity: emptyIdentity, upstream: true, includeIgnored: true })).findings;
