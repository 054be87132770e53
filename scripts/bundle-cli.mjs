// Bundles the compiled CLI (dist/cli) into dist/bundle with esbuild.
// Why: `nexaas validate --staged` runs in every pre-commit hook. Loading ~150
// small ESM modules (yaml, luxon, cel-js, ajv runtime) costs ~35 ms more than
// a few bundled chunks; bundling keeps the hook near 2.5x `node -e 0`.
// Commands stay lazy: each is its own chunk. Heavy server-side dependencies
// (and the native better-sqlite3) stay external and load from node_modules.
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

await build({
  entryPoints: [join(root, "dist/cli/main.js")],
  outdir: join(root, "dist/bundle"),
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  logLevel: "warning",
  external: ["better-sqlite3", "fastify", "@anthropic-ai/sdk", "chokidar", "simple-git", "pino", "diff"],
  // Some bundled CommonJS code calls require() for Node built-ins.
  banner: { js: "import { createRequire as __nexaasRequire } from 'node:module'; const require = __nexaasRequire(import.meta.url);" },
});
