import { parentPort } from "node:worker_threads";
import type { SchemaKind } from "./check-schema.js";
import { checkYamlFile } from "./check-yaml-file.js";

/** One batch of YAML files to parse and schema-check, from parse-in-workers.ts. */
export interface ParseJob {
  file: string;
  text: string;
  kind: SchemaKind;
}

parentPort?.on("message", (jobs: ParseJob[]) => {
  parentPort?.postMessage(
    jobs.map((job) => {
      const { value, diagnostics } = checkYamlFile(job.file, job.text, job.kind);
      return { file: job.file, value, diagnostics };
    }),
  );
});
