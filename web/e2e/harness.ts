/**
 * The stack under test: the real service binary (with its TikTok sandbox) on free ports and a fresh database
 * (SQLite file or PostgreSQL database), and the page's production build served by `vite preview`, whose proxy
 * sends /api and /dev to the service.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DASHBOARD, WEB, serviceBinary } from "./paths";

/** The database kinds the tests run on. */
export type DbKind = "sqlite" | "postgres";

const PG = { host: "127.0.0.1", port: "5432", user: "postgres" };

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

function psql(database: string, sql: string): string {
  return execFileSync("psql", ["-h", PG.host, "-p", PG.port, "-U", PG.user, "-d", database, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 15_000,
  });
}

/** Whether PostgreSQL answers on 127.0.0.1:5432 (user postgres). */
export function postgresReachable(): boolean {
  try {
    return psql("postgres", "SELECT 1").trim() === "1";
  } catch {
    return false;
  }
}

/** A fresh, empty database for one test. */
export class TestDatabase {
  private constructor(
    readonly kind: DbKind,
    readonly url: string,
    private readonly name: string,
  ) {}

  /** Creates the database (a file for SQLite, `CREATE DATABASE` for PostgreSQL). */
  static create(kind: DbKind): TestDatabase {
    const suffix = `${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
    if (kind === "sqlite") {
      const file = join(mkdtempSync(join(tmpdir(), "dash-e2e-")), "e2e.db");
      return new TestDatabase(kind, `sqlite://${file}`, file);
    }
    const name = `dash_e2e_${suffix}`;
    psql("postgres", `CREATE DATABASE ${name}`);
    return new TestDatabase(kind, `postgres://${PG.user}@${PG.host}:${PG.port}/${name}`, name);
  }

  /** Runs one SQL statement. */
  exec(sql: string): void {
    if (this.kind === "postgres") {
      psql(this.name, sql);
    } else {
      execFileSync("python3", ["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()", this.name, sql], {
        stdio: ["ignore", "pipe", "pipe"],
        timeout: 15_000,
      });
    }
  }

  /**
   * Writes a history point for the UTC day before today (as a sync that day would have): the snapshot and the
   * day's rollup, which the history endpoint reads.
   */
  insertYesterday(userId: string, followers: number): void {
    const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const start = `${day} 00:00:00`;
    const recorded = `${day} 12:00:00`;
    const counts = `${followers}, 10, 1000, 45`;
    this.exec(
      `INSERT INTO tiktok_profile_snapshots (user_id, bucket_start, recorded_at, follower_count, following_count, like_count, video_count) VALUES ('${userId}', '${start}', '${recorded}', ${counts})`,
    );
    this.exec(
      `INSERT INTO tiktok_profile_rollups (user_id, span, span_start, recorded_at, follower_count, following_count, like_count, video_count) VALUES ('${userId}', 'day', '${start}', '${recorded}', ${counts})`,
    );
  }

  /** Drops the PostgreSQL database (SQLite files stay in the temp folder). */
  drop(): void {
    if (this.kind === "postgres") {
      try {
        psql("postgres", `DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`);
      } catch {
        // best effort
      }
    }
  }
}

async function waitFor(url: string, what: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not answer ${url} within ${timeoutMs} ms`);
}

async function stopChild(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

/** The service binary with its sandbox, on fixed ports chosen once, restartable on the same database. */
export class Service {
  private child: ChildProcess | null = null;
  private readonly logFile = join(mkdtempSync(join(tmpdir(), "dash-e2e-log-")), "service.log");

  constructor(
    readonly port: number,
    readonly sandboxPort: number,
    readonly redirectUri: string,
  ) {}

  /** `http://127.0.0.1:PORT` of the API. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `http://127.0.0.1:PORT` of the sandbox. */
  get sandboxUrl(): string {
    return `http://127.0.0.1:${this.sandboxPort}`;
  }

  /** Starts the service on `database` (with `extraEnv` on top of the test set-up) and waits until it is ready. */
  async start(database: TestDatabase, extraEnv: Record<string, string> = {}): Promise<void> {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (!/^(APP_|TIKTOK_|DATABASE_URL|AUTH_JWT|TOKEN_ENCRYPTION|PORT$|HOST$)/.test(key)) env[key] = value;
    }
    Object.assign(env, {
      APP_ENV: "development",
      HOST: "127.0.0.1",
      PORT: String(this.port),
      APP_SANDBOX__PORT: String(this.sandboxPort),
      DATABASE_URL: database.url,
      TIKTOK_REDIRECT_URI: this.redirectUri,
      APP_BACKGROUND__ENABLED: "false",
      APP_RATE_LIMIT__PER_CALLER_PER_MINUTE: "0",
      RUST_LOG: process.env.E2E_RUST_LOG ?? "warn",
    });
    Object.assign(env, extraEnv);
    const log = createWriteStream(this.logFile, { flags: "a" });
    const child = spawn(serviceBinary(), ["serve"], { env, cwd: tmpdir(), stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.child = child;
    await waitFor(`${this.url}/health/ready`, `the service (log: ${this.logFile})`, child);
  }

  /** Stops the service (SIGTERM). */
  async stop(): Promise<void> {
    await stopChild(this.child);
    this.child = null;
  }

  /** A development JWT for `userId`, from `POST /dev/token`. */
  async token(userId: string): Promise<string> {
    const response = await fetch(`${this.url}/dev/token?user_id=${encodeURIComponent(userId)}`, { method: "POST" });
    if (!response.ok) throw new Error(`POST /dev/token answered ${response.status}`);
    return ((await response.json()) as { token: string }).token;
  }

  /** Calls the API as `userId`; answers status and JSON body. */
  async api(userId: string, method: string, path: string): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${this.url}/api/v1/integrations/tiktok/${path}`, {
      method,
      headers: { Authorization: `Bearer ${await this.token(userId)}` },
    });
    return { status: response.status, body: await response.json().catch(() => null) };
  }

  /** Calls one of the sandbox's control endpoints. */
  async sandbox(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.sandboxUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`sandbox ${method} ${path} answered ${response.status}: ${await response.text()}`);
    return response.json().catch(() => null);
  }
}

/** The page's production build behind `vite preview`, its proxy pointing at the service. */
export class PagePreview {
  private child: ChildProcess | null = null;

  constructor(
    readonly port: number,
    private readonly apiUrl: string,
  ) {}

  /** `http://localhost:PORT`, the origin of the redirect URI. */
  get origin(): string {
    return `http://localhost:${this.port}`;
  }

  /** Starts the preview server and waits for it. */
  async start(): Promise<void> {
    const vite = join(WEB, "node_modules/vite/bin/vite.js");
    const child = spawn(process.execPath, [vite, "preview", "--port", String(this.port), "--strictPort"], {
      cwd: DASHBOARD,
      env: { ...process.env, TIKTOK_API_URL: this.apiUrl },
      stdio: ["ignore", "ignore", "inherit"],
    });
    this.child = child;
    await waitFor(`${this.origin}/creator-dashboard/settings`, "vite preview", child);
  }

  /** Stops it. */
  async stop(): Promise<void> {
    await stopChild(this.child);
    this.child = null;
  }
}
