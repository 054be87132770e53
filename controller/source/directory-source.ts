import { lstat, readdir, readFile, readlink } from "node:fs/promises";
import { join } from "node:path";
import { type FileSource, type ListOptions, type SourceEntry, isIgnoredPath } from "./file-source.js";

/** A workspace read from a folder on disk (the working tree, or framework/). */
export class DirectorySource implements FileSource {
  readonly label: string;
  constructor(
    readonly root: string,
    label = "working tree",
  ) {
    this.label = label;
  }

  async list(options: ListOptions = {}): Promise<SourceEntry[]> {
    const entries: SourceEntry[] = [];
    const walk = async (rel: string): Promise<void> => {
      const dirents = await readdir(join(this.root, rel), { withFileTypes: true });
      await Promise.all(
        dirents.map(async (d) => {
          const path = rel ? `${rel}/${d.name}` : d.name;
          if (isIgnoredPath(path, options)) return;
          if (d.isDirectory()) return walk(path);
          if (d.isSymbolicLink()) {
            const target = await readlink(join(this.root, path));
            entries.push({ path, type: "symlink", size: Buffer.byteLength(target) });
          } else if (d.isFile()) {
            entries.push({ path, type: "file", size: (await lstat(join(this.root, path))).size });
          }
        }),
      );
    };
    await walk("");
    return entries;
  }

  async read(paths: readonly string[], maxBytes = Number.POSITIVE_INFINITY): Promise<Map<string, Buffer | number>> {
    const out = new Map<string, Buffer | number>();
    await Promise.all(
      paths.map(async (path) => {
        const full = join(this.root, path);
        const stat = await lstat(full);
        if (stat.isSymbolicLink()) out.set(path, Buffer.from(await readlink(full)));
        else out.set(path, stat.size > maxBytes ? stat.size : await readFile(full));
      }),
    );
    return out;
  }
}
