import type { FileSource } from "../source/file-source.js";
import { classifyPath, type FileRole } from "./classify-path.js";
import type { Diagnostic } from "./diagnostic.js";
import { checkSize, checkText, maxFileBytes, symlinkEscape, symlinkTarget } from "./file-checks.js";

export interface LayerFile {
  /** Path inside the layer (relative to its root). */
  path: string;
  role: FileRole;
  text: string;
  /** git's id of the content, when the layer is read from git: what a parse result is remembered by. */
  oid?: string;
}

/**
 * Lists a layer, keeps its definition files, and reads them as text. Safety
 * checks that need no parsing happen here: symlinks leaving the tree, oversize
 * and binary files. A symlink inside the tree is followed to its target.
 */
export async function readLayerFiles(source: FileSource): Promise<{ files: LayerFile[]; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  const entries = await source.list();
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const symlinks = entries.filter((e) => e.type === "symlink");
  const targets = symlinks.length > 0 ? await source.read(symlinks.map((e) => e.path)) : new Map<string, Buffer | number>();

  /** Follows in-tree symlinks (a few hops at most) to the file that holds the content. */
  const resolve = (path: string): string | undefined => {
    let current = path;
    for (let hop = 0; hop < 8; hop++) {
      const entry = byPath.get(current);
      if (!entry) return undefined;
      if (entry.type === "file") return current;
      const target = symlinkTarget(current, targets.get(current)?.toString() ?? "");
      if (target === undefined) return undefined;
      current = target;
    }
    return undefined;
  };

  for (const link of symlinks) {
    const target = targets.get(link.path)?.toString() ?? "";
    if (symlinkTarget(link.path, target) === undefined) diagnostics.push(symlinkEscape(link.path, target));
  }

  const wanted: { path: string; role: FileRole; contentPath: string }[] = [];
  for (const entry of entries) {
    const role = classifyPath(entry.path);
    if (!role) continue;
    if (role.role === "stray") {
      diagnostics.push({ file: entry.path, line: 1, column: 1, rule: "unknown-file", severity: "warning", message: `ignored: ${role.hint}` });
      continue;
    }
    const contentPath = resolve(entry.path);
    if (contentPath === undefined) continue; // escaping or dangling symlink: reported above or nothing to read
    const size = byPath.get(contentPath)?.size ?? -1;
    const tooLarge = checkSize(entry.path, size);
    if (tooLarge) diagnostics.push(asResource(role, tooLarge));
    else wanted.push({ path: entry.path, role, contentPath });
  }

  const contents = await source.read([...new Set(wanted.map((w) => w.contentPath))], maxFileBytes);
  const files: LayerFile[] = [];
  for (const w of wanted) {
    const content = contents.get(w.contentPath) ?? Buffer.alloc(0);
    // The index does not tell sizes up front: the source skipped what is too large.
    const tooLarge = checkSize(w.path, typeof content === "number" ? content : content.length);
    if (tooLarge) {
      diagnostics.push(asResource(w.role, tooLarge));
      continue;
    }
    if (typeof content === "number") continue;
    const { text, diagnostic } = checkText(w.path, content);
    if (diagnostic) diagnostics.push(asResource(w.role, diagnostic));
    else if (text !== undefined) files.push({ path: w.path, role: w.role, text, oid: byPath.get(w.contentPath)?.oid });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { files, diagnostics };
}

/**
 * A skill's other files are the skill's business (an image, a large data
 * file): one agents cannot read is worth a warning, never a refused revision.
 */
function asResource(role: FileRole, diagnostic: Diagnostic): Diagnostic {
  if (role.role !== "skill-file") return diagnostic;
  return { ...diagnostic, severity: "warning", message: `${diagnostic.message}; agents cannot read this file of the skill` };
}
