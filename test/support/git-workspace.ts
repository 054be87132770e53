import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { git, gitIdentity, tempDir } from "../cli/helpers.js";
import { baseWorkspace, dedent, type Tree, writeTree } from "./tree.js";

/** A real git repository holding a workspace, with helpers to commit changes to it. */
export interface GitWorkspace {
  dir: string;
  /** Writes (or, with null, deletes) files and commits them; returns the new commit. */
  commit(files: Record<string, string | Buffer | null>, message?: string): string;
  head(): string;
}

export function gitWorkspace(tree: Tree = baseWorkspace): GitWorkspace {
  const dir = tempDir();
  git(dir, "init", "-q", "-b", "main");
  gitIdentity(dir);
  writeTree(dir, tree);
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "initial");
  const head = () => git(dir, "rev-parse", "HEAD").trim();
  return {
    dir,
    head,
    commit(files, message = "change") {
      for (const [path, content] of Object.entries(files)) {
        if (content === null) rmSync(join(dir, path), { force: true });
        else writeTree(dir, { [path]: content });
      }
      git(dir, "add", "-A");
      git(dir, "commit", "-qm", message, "--allow-empty");
      return head();
    },
  };
}

export { dedent, writeFileSync };
