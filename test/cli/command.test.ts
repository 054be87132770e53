import { resolve } from "node:path";
import { describe, expect, expectTypeOf, it } from "vitest";
import { defineCommand, type CommandContext } from "../../cli/support/command.js";

const io = (cwd = "/work/ws") => {
  const out = { stdout: "", stderr: "" };
  return { out, io: { stdout: (t: string) => (out.stdout += t), stderr: (t: string) => (out.stderr += t), env: {}, cwd } };
};

describe("defineCommand", () => {
  it("types each flag from the command's own options (checked by npm run typecheck)", async () => {
    let seen: unknown;
    const command = defineCommand({
      summary: "s",
      help: "Usage: nexaas x",
      maxPositionals: 1,
      options: { payload: { type: "string" }, force: { type: "boolean" }, tag: { type: "string", multiple: true } },
      async run(ctx) {
        expectTypeOf(ctx.values.payload).toEqualTypeOf<string | undefined>();
        expectTypeOf(ctx.values.force).toEqualTypeOf<boolean | undefined>();
        expectTypeOf(ctx.values.tag).toEqualTypeOf<string[] | undefined>();
        expectTypeOf(ctx.positionals).toEqualTypeOf<string[]>();
        // @ts-expect-error: a flag the command does not declare is not there.
        void ctx.values.nope;
        seen = { values: { ...ctx.values }, positionals: ctx.positionals, common: ctx.common };
        return 0;
      },
    });
    const { io: streams } = io();
    expect(await command.run(["ID", "--payload", "{}", "--force", "--tag", "a", "--tag", "b", "--json", "--db", "x.db"], streams)).toBe(0);
    expect(seen).toEqual({
      values: { payload: "{}", force: true, tag: ["a", "b"], json: true, db: "x.db" },
      positionals: ["ID"],
      common: { workspace: "/work/ws", db: resolve("/work/ws", "x.db"), json: true },
    });
  });

  it("a command's context is typed over its flags, not over a string-indexed record", () => {
    type Values = CommandContext<{ payload: { type: "string" } }>["values"];
    expectTypeOf<Values["payload"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Values>().not.toHaveProperty("force");
  });

  it("--help prints the command's help; extra positionals are a usage error", async () => {
    const command = defineCommand({ summary: "s", help: "Usage: nexaas x\n", options: {}, run: async () => 0 });
    const { io: streams, out } = io();
    expect(await command.run(["--help"], streams)).toBe(0);
    expect(out.stdout).toBe("Usage: nexaas x\n");
    await expect(command.run(["extra"], streams)).rejects.toThrow(/unexpected argument: extra/);
  });
});
