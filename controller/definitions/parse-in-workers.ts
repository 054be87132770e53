import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { packageRoot } from "../package-root.js";
import type { CheckedYaml } from "./check-yaml-file.js";
import type { ParseJob } from "./parse-worker.js";

/**
 * Below this many YAML files, starting workers (each loads the parser and the
 * validators, ~50 ms) costs more than it saves.
 */
export const parallelThreshold = 1500;
const batchSize = 250;

/**
 * Parses and schema-checks many YAML files on worker threads. YAML parsing is
 * most of the cost of loading a large workspace (10,000 files: ~1.5 s on one
 * core). Returns undefined (the caller parses in line) for small inputs, or
 * when the compiled worker is not there (tests running from source).
 */
export async function checkYamlFilesInWorkers(jobs: readonly ParseJob[]): Promise<Map<string, CheckedYaml> | undefined> {
  const script = join(packageRoot, "dist/controller/definitions/parse-worker.js");
  const threads = Math.min(4, availableParallelism());
  if (jobs.length < parallelThreshold || threads < 2 || !existsSync(script)) return undefined;

  const batches: ParseJob[][] = [];
  for (let i = 0; i < jobs.length; i += batchSize) batches.push(jobs.slice(i, i + batchSize));
  const results = new Map<string, CheckedYaml>();
  const workers = Array.from({ length: Math.min(threads, batches.length) }, () => new Worker(script));
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const next = () => {
              const batch = batches.shift();
              if (batch) worker.postMessage(batch);
              else resolve();
            };
            worker.on("message", (done: (CheckedYaml & { file: string })[]) => {
              for (const r of done) results.set(r.file, { value: r.value, diagnostics: r.diagnostics });
              next();
            });
            worker.once("error", reject);
            next();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
