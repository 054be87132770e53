import { randomUUID } from "node:crypto";
import pg from "pg";

// Placeholder until the globalSetup cluster lands: NEXAAS_TEST_POSTGRES_URL names a server.
const url = process.env.NEXAAS_TEST_POSTGRES_URL;

export const postgresDatabase = {
  missing: url ? undefined : "no PostgreSQL: NEXAAS_TEST_POSTGRES_URL is not set",
  async create(): Promise<string> {
    if (!url) throw new Error("no PostgreSQL");
    const name = `nexaas_test_${randomUUID().replaceAll("-", "")}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const target = new URL(url);
    target.pathname = `/${name}`;
    return target.toString();
  },
};
