import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { packageRoot } from "../../controller/package-root.js";

// Issue 15: no Docker engine runs here, so the container files are checked as text:
// compose.yaml's service, volume, healthcheck and env file, and the Dockerfile's lines.

const read = (file: string) => readFileSync(join(packageRoot, file), "utf8");

describe("compose.yaml", () => {
  const compose: unknown = parse(read("compose.yaml"));

  it("runs the controller built from the Dockerfile, its data in a named volume, its secrets from .env", () => {
    expect(compose).toMatchObject({
      services: {
        nexaas: {
          build: ".",
          env_file: ".env",
          command: ["start", "--workspace", "/workspace"],
          environment: { DATABASE_PATH: "/data/nexaas.db", HOST: "0.0.0.0" },
          volumes: expect.arrayContaining(["nexaas-data:/data", expect.stringMatching(/:\/workspace:ro$/)]),
          ports: ["127.0.0.1:8400:8400"],
        },
      },
      volumes: { "nexaas-data": null },
    });
  });

  it("checks /api/health, as the Dockerfile's HEALTHCHECK does", () => {
    expect(compose).toMatchObject({ services: { nexaas: { healthcheck: { test: ["CMD", "node", "-e", expect.stringContaining("/api/health")] } } } });
  });
});

describe("Dockerfile", () => {
  const lines = read("Dockerfile").split("\n");
  const line = (prefix: string) => lines.filter((l) => l.startsWith(prefix));

  it("builds on node 20 slim, drops dev dependencies after the build, and runs as a non-root user", () => {
    expect(line("ARG NODE_IMAGE=")).toEqual(["ARG NODE_IMAGE=node:20-bookworm-slim"]);
    expect(read("Dockerfile")).toMatch(/RUN npm run build \\\n && npm prune --omit=dev/);
    expect(line("USER ")).toEqual(["USER node"]);
    expect(line("VOLUME ")).toEqual(["VOLUME /data"]);
  });

  it("checks /api/health and starts the controller on the mounted workspace", () => {
    expect(read("Dockerfile")).toMatch(/HEALTHCHECK .*\\\n\s+CMD \["node", "-e", ".*\/api\/health/);
    expect(line("ENTRYPOINT ")).toEqual(['ENTRYPOINT ["node", "/app/bin/nexaas.js"]']);
    expect(line("CMD ")).toEqual(['CMD ["start", "--workspace", "/workspace"]']);
  });
});
