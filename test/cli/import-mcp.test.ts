import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateWorkspace } from "../../controller/definitions/validate-workspace.js";
import { baseWorkspace, writeTree } from "../support/tree.js";
import { cli, listFiles, tempDir } from "./helpers.js";

// Sample secrets, made up for these tests (shapes from each provider's documentation).
const secrets = {
  github: "ghp_Zq3xR8mN2pL5vW9kT1yB6cH4dF7gJ0sA3eQ8",
  bearer: "Kq8wE3rT6yU1iO4pA7sD0fG2hJ5kL9zX",
  query: "Pz81Lk29Qm47Xv63Rt",
  password: "hunter2-but-longer",
  dbPassword: "S3cr3tPw0rd",
};

/** A .mcp.json as Claude Code documents it, with the forms teams write: capitals, spaces, underscores, literal secrets. */
const mcpJson = {
  mcpServers: {
    GitHub: {
      command: "npx",
      args: ["-y", "@modelcontextprotocol/server-github"],
      env: { GITHUB_PERSONAL_ACCESS_TOKEN: secrets.github, LOG_LEVEL: "info" },
      alwaysAllow: ["list_issues"],
    },
    github: { type: "streamable-http", url: "https://mcp.example.com/github/", headers: { Authorization: `Bearer ${secrets.bearer}`, "X-Client": "nexaas" } },
    "Sentry Tools": { url: `https://mcp.example.com/sentry?api_key=${secrets.query}&org=acme` },
    db_admin: {
      command: "node",
      args: ["server.js", "--password", secrets.password, `postgres://app:${secrets.dbPassword}@db.example.com/app`],
      cwd: "tools/db",
      env: { DB_TOKEN: "${DB_TOKEN}" },
      enabled: false,
      timeout_ms: 5000,
    },
  },
};

function setup(extra: Record<string, string> = {}) {
  const ws = tempDir();
  writeTree(ws, { ...baseWorkspace, "mcp-servers/github.yaml": "command: uvx\nargs: [mcp-github]\n", ".env.example": "API_KEY=", ...extra });
  const outside = tempDir();
  const file = join(outside, ".mcp.json");
  writeFileSync(file, JSON.stringify(mcpJson, null, 2));
  return { ws, file };
}

const readJson = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;

describe("nexaas import mcp", () => {
  it("splits a .mcp.json into validating mcp-servers files, lifting every literal secret to .env.example", async () => {
    const { ws, file } = setup();
    const result = await cli(["import", "mcp", file, "--workspace", ws], ws);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'wrote mcp-servers/github-2.json (stdio from "GitHub")',
        "  secret in env.GITHUB_PERSONAL_ACCESS_TOKEN -> ${GITHUB_PERSONAL_ACCESS_TOKEN}",
        "  kept but ignored by Nexaas: alwaysAllow",
        'wrote mcp-servers/github-3.json (http from "github")',
        "  secret in headers.Authorization -> ${GITHUB_3_TOKEN}",
        'wrote mcp-servers/sentry-tools.json (http from "Sentry Tools")',
        "  secret in url query api_key -> ${SENTRY_TOOLS_API_KEY}",
        'wrote mcp-servers/db-admin.json (stdio from "db_admin")',
        "  secret in args[2] -> ${DB_ADMIN_PASSWORD}",
        "  secret in args[3] -> ${DB_ADMIN_PASSWORD_2}",
        "  kept but ignored by Nexaas: timeout_ms",
        "  disabled (enabled: false): agents that name it run without its tools",
        "added to .env.example: GITHUB_PERSONAL_ACCESS_TOKEN, GITHUB_3_TOKEN, SENTRY_TOOLS_API_KEY, DB_ADMIN_PASSWORD, DB_ADMIN_PASSWORD_2",
        "4 servers imported; set the lifted variables in .env or the controller's environment",
        "",
      ].join("\n"),
    );

    expect(readdirSync(join(ws, "mcp-servers")).sort()).toEqual(["db-admin.json", "github-2.json", "github-3.json", "github.yaml", "sentry-tools.json"]);
    expect(readFileSync(join(ws, "mcp-servers/github.yaml"), "utf8")).toBe("command: uvx\nargs: [mcp-github]\n");
    expect(readJson(join(ws, "mcp-servers/github-2.json"))).toEqual({
      name: "github-2",
      original_name: "GitHub",
      command: "npx",
      args: ["-y", "@modelcontextprotocol/server-github"],
      env: { GITHUB_PERSONAL_ACCESS_TOKEN: "${GITHUB_PERSONAL_ACCESS_TOKEN}", LOG_LEVEL: "info" },
      alwaysAllow: ["list_issues"],
    });
    expect(readJson(join(ws, "mcp-servers/github-3.json"))).toMatchObject({ type: "streamable-http", headers: { Authorization: "Bearer ${GITHUB_3_TOKEN}", "X-Client": "nexaas" } });
    expect(readJson(join(ws, "mcp-servers/sentry-tools.json"))).toEqual({
      name: "sentry-tools",
      original_name: "Sentry Tools",
      url: "https://mcp.example.com/sentry?api_key=${SENTRY_TOOLS_API_KEY}&org=acme",
    });
    expect(readJson(join(ws, "mcp-servers/db-admin.json"))).toMatchObject({
      args: ["server.js", "--password", "${DB_ADMIN_PASSWORD}", "postgres://app:${DB_ADMIN_PASSWORD_2}@db.example.com/app"],
      env: { DB_TOKEN: "${DB_TOKEN}" },
      cwd: "tools/db",
      enabled: false,
    });
    expect(readFileSync(join(ws, ".env.example"), "utf8")).toBe(
      "API_KEY=\n\n# MCP servers imported from .mcp.json\nGITHUB_PERSONAL_ACCESS_TOKEN=\nGITHUB_3_TOKEN=\nSENTRY_TOOLS_API_KEY=\nDB_ADMIN_PASSWORD=\nDB_ADMIN_PASSWORD_2=\n",
    );

    // No secret anywhere in the workspace, nor in what was printed.
    for (const path of listFiles(ws)) {
      const text = readFileSync(join(ws, path), "utf8");
      for (const secret of Object.values(secrets)) expect(text, path).not.toContain(secret);
    }
    for (const secret of Object.values(secrets)) expect(result.stdout).not.toContain(secret);

    const validated = await validateWorkspace({ dir: ws, now: new Date("2026-11-23T12:00:00Z"), frameworkDir: null });
    expect(validated.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(validated.diagnostics.map((d) => `${d.file} ${d.rule}`).sort()).toEqual(["mcp-servers/db-admin.json mcp-ignored-field", "mcp-servers/github-2.json mcp-ignored-field"]);
  });

  it("never overwrites: a second import takes the next free names, and .env.example lists each variable once", async () => {
    const { ws, file } = setup();
    expect((await cli(["import", "mcp", file, "-w", ws], ws)).code).toBe(0);
    const before = readFileSync(join(ws, "mcp-servers/github-2.json"), "utf8");
    const second = await cli(["import", "mcp", file, "-w", ws], ws);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('wrote mcp-servers/github-4.json (stdio from "GitHub")');
    expect(second.stdout).toContain('wrote mcp-servers/sentry-tools-2.json (http from "Sentry Tools")');
    expect(readFileSync(join(ws, "mcp-servers/github-2.json"), "utf8")).toBe(before);
    // The same token is the same variable: it is not listed twice.
    const env = readFileSync(join(ws, ".env.example"), "utf8");
    expect(env.match(/^GITHUB_PERSONAL_ACCESS_TOKEN=$/gm)).toHaveLength(1);
  });

  it("--dry-run --json says what it would do and writes nothing; a bare map of servers is read too", async () => {
    const { ws } = setup();
    const bare = join(tempDir(), "servers.json");
    writeFileSync(bare, JSON.stringify({ "My_Server": { url: "https://mcp.example.com/mcp", headers: { "X-Api-Key": "short-key-1" } } }));
    const result = await cli(["import", "mcp", bare, "--dry-run", "--json", "-w", ws], ws);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      dry_run: true,
      servers: [
        {
          name: "my-server",
          original_name: "My_Server",
          file: "mcp-servers/my-server.json",
          type: "http",
          enabled: true,
          secrets: [{ field: "headers.X-Api-Key", variable: "MY_SERVER_X_API_KEY" }],
          ignored_fields: [],
        },
      ],
      env_example: { file: ".env.example", added: ["MY_SERVER_X_API_KEY"] },
    });
    expect(result.stdout).not.toContain("short-key-1");
    expect(existsSync(join(ws, "mcp-servers/my-server.json"))).toBe(false);
    expect(readFileSync(join(ws, ".env.example"), "utf8")).toBe("API_KEY=");
  });

  it("--dir writes elsewhere, creating the folder", async () => {
    const { ws, file } = setup();
    const result = await cli(["import", "mcp", file, "--dir", "imported", "-w", ws], ws);
    expect(result.code).toBe(0);
    expect(readdirSync(join(ws, "imported")).sort()).toEqual(["db-admin.json", "github-2.json", "github.json", "sentry-tools.json"]);
  });

  it("exits 2 on input it cannot import, says why, and writes nothing", async () => {
    const { ws } = setup();
    const dir = tempDir();
    const write = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const cases: Array<[string[], RegExp]> = [
      [[write("broken.json", "{ mcpServers: ")], /broken\.json is not JSON/],
      [[join(dir, "missing.json")], /cannot read .*missing\.json: ENOENT/],
      [[write("one.json", JSON.stringify({ command: "npx", args: ["x"] }))], /this is one server entry: name it/],
      [[write("empty.json", JSON.stringify({ mcpServers: {} }))], /lists no servers/],
      [[write("list.json", JSON.stringify({ mcpServers: [] }))], /"mcpServers" must be an object/],
      [[write("ws.json", JSON.stringify({ mcpServers: { good: { command: "npx" }, odd: { type: "websocket", url: "wss://x" } } }))], /server "odd": type: must be one of "stdio", "http", "streamable-http", "sse"/],
      [[write("str.json", JSON.stringify({ mcpServers: { odd: "npx server" } }))], /server "odd": an entry is an object/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(["import", "mcp", ...args, "-w", ws], ws);
      expect(result.code, args[0]).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain("nothing was written");
    }
    expect(readdirSync(join(ws, "mcp-servers"))).toEqual(["github.yaml"]);
    expect(readFileSync(join(ws, ".env.example"), "utf8")).toBe("API_KEY=");

    for (const argv of [["import"], ["import", "skills", "x"], ["import", "mcp"]]) {
      const usage = await cli(argv, ws);
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain("Usage: nexaas import mcp FILE");
    }
  });
});
