import type { Diagnostic } from "../definitions/diagnostic.js";
import { validateWorkspace } from "../definitions/validate-workspace.js";
import { resolveRevision } from "../source/resolve-revision.js";
import { desiredState } from "./desired-state.js";
import type { CurrentObject, ObjectState } from "../definitions/object-state.js";

export interface RevisionState {
  commit: string;
  objects: ObjectState[];
  diagnostics: Diagnostic[];
  ok: boolean;
}

/** The objects a revision describes, read from git objects (what `plan` compares). */
export async function revisionState(dir: string, revision: string, now: Date, frameworkDir?: string | null): Promise<RevisionState> {
  const { commit } = await resolveRevision(dir, revision);
  const result = await validateWorkspace({ dir, tree: { from: "revision", revision: commit }, now, frameworkDir });
  return { commit, objects: desiredState(result.defs), diagnostics: result.diagnostics, ok: result.ok };
}

/** The objects the working tree describes: what the first commit will hold, before there is one. */
export async function worktreeState(dir: string, now: Date, frameworkDir?: string | null): Promise<RevisionState> {
  const result = await validateWorkspace({ dir, tree: { from: "worktree" }, now, frameworkDir });
  return { commit: "worktree", objects: desiredState(result.defs), diagnostics: result.diagnostics, ok: result.ok };
}

/** A revision's objects seen as if they were live: the base side of a plan between two revisions. */
export function asCurrent(objects: readonly ObjectState[], revision: string): CurrentObject[] {
  return objects.map((o) => ({ ...o, revision, actualDigest: o.digest }));
}
