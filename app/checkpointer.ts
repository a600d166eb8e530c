import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import type { BaseCheckpointSaver } from "@langchain/langgraph";
import { projectRoot } from "../lib/index.js";
import type { Settings } from "./settings.js";

/** Where threads are kept when neither `--db` nor `MCP_GRAPH_DB` says: under the project root, wherever the command runs. */
export const DEFAULT_THREADS_DB = join(projectRoot(import.meta.url), ".mcp-graph", "threads.db");

/** How long opening PostgreSQL may take to connect before it fails, unless told otherwise. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const IN_MEMORY = ":memory:";

/** The checkpointer could not be opened; one line that names the file or `POSTGRES_URI` (password masked). */
export class CheckpointerError extends Error {
  constructor(
    message: string,
    readonly kind: Checkpointer["kind"],
    /** The file, or the connection string with its password masked. */
    readonly where: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "CheckpointerError";
  }
}

/** An open checkpoint saver and where it keeps threads; `close()` releases the file or the connection pool. */
export interface Checkpointer {
  saver: BaseCheckpointSaver;
  kind: "sqlite" | "postgres";
  /** The absolute SQLite file, or the PostgreSQL connection string with its password masked. */
  where: string;
  /** Closes the database (SQLite) or ends the pool (PostgreSQL). Safe to call more than once. */
  close(): Promise<void>;
}

export interface CheckpointerOptions {
  /** The SQLite file (a CLI's `--db FILE`); wins over `settings.db`. A relative path is taken from the working directory. */
  db?: string;
  /** Bound on connecting to PostgreSQL, {@link DEFAULT_CONNECT_TIMEOUT_MS} by default. */
  connectTimeoutMs?: number;
}

/**
 * Opens where threads are kept: PostgreSQL when `settings.postgresUri` is set (its tables created or
 * migrated, which is safe to repeat and serialised between processes), otherwise a SQLite file
 * (`options.db`, `settings.db`, else {@link DEFAULT_THREADS_DB}) whose directory is created with mode
 * 0700. Only the package of the backend used is loaded.
 * @throws {CheckpointerError} when the file cannot be created or written, or PostgreSQL refuses the
 * connection, the credentials or the database, or does not answer within the connect bound.
 */
export async function openCheckpointer(settings: Settings, options: CheckpointerOptions = {}): Promise<Checkpointer> {
  if (settings.postgresUri) return openPostgres(settings.postgresUri, options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
  const db = options.db ?? settings.db ?? DEFAULT_THREADS_DB;
  // SQLite's own name for a database that lives and dies with the process.
  return openSqlite(db === IN_MEMORY ? IN_MEMORY : resolve(db));
}

async function openSqlite(file: string): Promise<Checkpointer> {
  const fail = (error: unknown) => new CheckpointerError(`cannot keep threads in ${file}: ${reason(error)}`, "sqlite", file, { cause: error });
  try {
    if (file !== IN_MEMORY) await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw fail(error);
  }
  const [{ SqliteSaver }, { default: Database }, { ThreadSerializer }] = await Promise.all([
    import("@langchain/langgraph-checkpoint-sqlite"),
    import("better-sqlite3"),
    import("./checkpoint-serde.js"),
  ]);
  let saver: InstanceType<typeof SqliteSaver>;
  try {
    saver = new SqliteSaver(new Database(file), new ThreadSerializer());
  } catch (error) {
    throw fail(error);
  }
  try {
    // The saver creates its tables on first use; reading a thread that does not exist makes that
    // happen now, so a read-only file fails here and not in the middle of a conversation.
    await saver.getTuple({ configurable: { thread_id: "" } });
  } catch (error) {
    saver.db.close();
    throw fail(error);
  }
  return {
    saver,
    kind: "sqlite",
    where: file,
    close: async () => {
      if (saver.db.open) saver.db.close();
    },
  };
}

/** The subset of `pg` used here (the package ships no types of its own). */
interface PgClient {
  query(sql: string, values?: unknown[]): Promise<unknown>;
  release(): void;
}
interface PgPool {
  connect(): Promise<PgClient>;
  end(): Promise<void>;
  on(event: "error", listener: (error: Error) => void): unknown;
}
type PgModule = { Pool: new (config: { connectionString: string; connectionTimeoutMillis: number }) => PgPool };

// Any constant works, as long as every process that runs setup() against one database uses the same.
const SETUP_LOCK = 0x6d63_7067; // "mcpg"

async function openPostgres(uri: string, connectTimeoutMs: number): Promise<Checkpointer> {
  const where = maskPassword(uri);
  const [{ PostgresSaver }, { ThreadSerializer }] = await Promise.all([
    import("@langchain/langgraph-checkpoint-postgres"),
    import("./checkpoint-serde.js"),
  ]);
  // pg is the saver's dependency, not ours: load the copy it resolves, so both share one Pool.
  const saverRequire = createRequire(createRequire(import.meta.url).resolve("@langchain/langgraph-checkpoint-postgres"));
  const { Pool } = saverRequire("pg") as PgModule;
  const pool = new Pool({ connectionString: uri, connectionTimeoutMillis: connectTimeoutMs });
  // An idle connection that breaks (a server restart) is dropped by the pool and the next query
  // connects again; without a listener Node would end the process on it.
  pool.on("error", () => undefined);
  const saver = new PostgresSaver(pool, new ThreadSerializer());
  try {
    // Two processes setting up one fresh database at once would both create the tables and one
    // would fail; an advisory lock makes the second wait and then find them.
    const client = await pool.connect();
    try {
      await client.query("SELECT pg_advisory_lock($1)", [SETUP_LOCK]);
      await saver.setup();
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [SETUP_LOCK]).catch(() => undefined);
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new CheckpointerError(`POSTGRES_URI ${where}: ${postgresReason(error, connectTimeoutMs)}`, "postgres", where, {
      cause: error,
    });
  }
  let closed: Promise<void> | undefined;
  return {
    saver,
    kind: "postgres",
    where,
    close: () => (closed ??= pool.end()),
  };
}

/** The connection string with any password (in the authority or as `?password=`) replaced by `***`. */
function maskPassword(uri: string): string {
  try {
    const url = new URL(uri);
    if (url.password) url.password = "***";
    if (url.searchParams.has("password")) url.searchParams.set("password", "***");
    return url.toString();
  } catch {
    return uri.replace(/\/\/([^:/@]*):[^@/]*@/, "//$1:***@").replace(/([?&]password=)[^&]*/, "$1***");
  }
}

function postgresReason(error: unknown, connectTimeoutMs: number): string {
  const { code, message } = error as { code?: string; message?: string };
  // By code first: Node reports a refused connection to several addresses (localhost) as an
  // AggregateError whose message is empty.
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused (is PostgreSQL running and listening there?)";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "host not found";
    case "28P01":
      return "password authentication failed";
    case "28000":
      return `authentication failed: ${oneLine(message)}`;
    case "3D000":
      return `${oneLine(message)} (create it first, e.g. createdb)`;
  }
  if (/timeout/i.test(message ?? "")) return `no answer within ${connectTimeoutMs / 1000} s`;
  return reason(error);
}

function reason(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  switch (code) {
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ENOTDIR":
    case "EEXIST": // from mkdir -p, when a part of the path is a file
      return "a part of its path is not a directory";
    case "EROFS":
    case "SQLITE_READONLY":
    case "SQLITE_READONLY_DIRECTORY":
      return "it is read-only";
    case "SQLITE_CANTOPEN":
      return "the file cannot be opened or created";
  }
  return oneLine(message) || String(code ?? error);
}

const oneLine = (text: string | undefined) => (text ?? "").replace(/\s+/g, " ").trim();
