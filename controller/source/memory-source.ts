import { type FileSource, type ListOptions, type SourceEntry, isIgnoredPath } from "./file-source.js";

/** A tree held in memory: a stand-in layer (e.g. the minimal workspace validate --framework puts over a framework). */
export class MemorySource implements FileSource {
  constructor(
    private readonly files: Readonly<Record<string, string>>,
    readonly label = "memory",
  ) {}

  list(options: ListOptions = {}): Promise<SourceEntry[]> {
    return Promise.resolve(
      Object.entries(this.files)
        .filter(([path]) => !isIgnoredPath(path, options))
        .map(([path, text]) => ({ path, type: "file" as const, size: Buffer.byteLength(text) })),
    );
  }

  read(paths: readonly string[], maxBytes = Number.POSITIVE_INFINITY): Promise<Map<string, Buffer | number>> {
    const out = new Map<string, Buffer | number>();
    for (const path of paths) {
      const text = this.files[path];
      if (text === undefined) continue;
      const content = Buffer.from(text);
      out.set(path, content.length > maxBytes ? content.length : content);
    }
    return Promise.resolve(out);
  }
}
