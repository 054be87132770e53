// Prints the status page's size as the browser downloads it (gzip level 9,
// per file and in total) and fails over the goal of issue 14: 200 kB gzipped.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";

const root = new URL("../dist/ui/", import.meta.url).pathname;
const goalBytes = 200 * 1000;

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
let raw = 0;
let gzipped = 0;
for (const path of [...files(root)].sort()) {
  const content = readFileSync(path);
  const size = gzipSync(content, { level: 9 }).length;
  raw += content.length;
  gzipped += size;
  process.stdout.write(`  ${relative(root, path).padEnd(40)} ${kB(content.length).padStart(10)} ${kB(size).padStart(10)} gzipped\n`);
}
process.stdout.write(`ui bundle: ${kB(raw)}, ${kB(gzipped)} gzipped (goal < ${kB(goalBytes)})\n`);
if (gzipped >= goalBytes) {
  process.stderr.write("ui bundle: over the size goal\n");
  process.exit(1);
}
