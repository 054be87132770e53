import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
// @ts-expect-error -- a plain .mjs build script without type declarations
import { generateTypes, typesFile } from "../../scripts/generate-types.mjs";

describe("schemas are the single source of truth", () => {
  it("controller/definitions/schema-types.ts is what the schemas generate (run npm run gen:types)", async () => {
    const generate: () => Promise<string> = generateTypes;
    expect(readFileSync(String(typesFile), "utf8")).toBe(await generate());
  });
});
