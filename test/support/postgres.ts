/**
 * A real, throwaway PostgreSQL server for tests: a fresh cluster in a temp directory, listening on
 * 127.0.0.1 only at a free port, trust authentication, no fsync. `initdb` refuses to run as root, so
 * as root every server command runs as the `postgres` OS user (the Debian package creates it; `.ci/run`
 * installs the package where it is missing).
 *
 * Call `stop()` in `afterAll`. An exit hook stops a server that was not stopped (a test that threw
 * before `afterAll`), but a test process killed by a signal leaves it running: its directory, named
 * `mcp-graph-pg-*` in the temp folder, holds `data/postmaster.pid`.
 *
 * Measured on the 2-core machine CI uses (PostgreSQL 15, load average 6-7): start (initdb and
 * `pg_ctl start -w`) 1.5 s, about 3 s with another test file running beside it; stop 0.2-0.3 s.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { appendFile, chown, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "./processes.js";

const run = promisify(execFile);

export interface PostgresServer {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres`; trust auth, so no password. */
  uri: string;
  port: number;
  /** The temp directory holding the cluster (`data/`) and `server.log`; removed by `stop()`. */
  dir: string;
  /** The postmaster's PID, the one process `stop()` ends. */
  pid: number;
  /** How long initdb and start took. */
  startMs: number;
  /** Creates a database on this server; resolves with its connection string. */
  createDatabase(name: string): Promise<string>;
  /** Stops the postmaster (`pg_ctl stop -m immediate`, else a signal to its PID) and removes the directory. Safe to call twice. */
  stop(): Promise<void>;
}

/** The directory holding `initdb`, `pg_ctl` and `postgres`: PostgreSQL 15's, another installed version's, or `pg_config --bindir`. */
export function postgresBinDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of ["15", ...versions]) {
    if (existsSync(join(root, version, "bin", "initdb"))) return join(root, version, "bin");
  }
  try {
    const dir = execFileSync("pg_config", ["--bindir"], { encoding: "utf8" }).trim();
    if (existsSync(join(dir, "initdb"))) return dir;
  } catch {
    // no pg_config: fall through to the error that says what to install
  }
  throw new Error("PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin or pg_config --bindir: apt-get install postgresql");
}

const isRoot = () => process.getuid?.() === 0;

/** `command args` as the postgres OS user when we are root, else as ourselves. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  if (!isRoot()) return [command, args];
  if (existsSync("/usr/sbin/runuser") || existsSync("/sbin/runuser")) return ["runuser", ["-u", "postgres", "--", command, ...args]];
  const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;
  return ["su", ["postgres", "-s", "/bin/sh", "-c", [command, ...args].map(quote).join(" ")]];
}

async function runAsServerUser(command: string, args: string[], cwd: string, timeoutMs: number): Promise<void> {
  const [file, argv] = asServerUser(command, args);
  try {
    await run(file, argv, { cwd, timeout: timeoutMs, killSignal: "SIGKILL" });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command.split("/").pop()} failed: ${(error as Error).message.split("\n")[0]}\n${stdout ?? ""}${stderr ?? ""}`, { cause: error });
  }
}

/**
 * Starts a fresh server and waits (at most `timeoutMs`) until it accepts connections: `pg_ctl -w`
 * returns once the postmaster reports itself ready. A port taken between choosing and binding it
 * is retried with another.
 */
export async function startPostgres(options: { timeoutMs?: number } = {}): Promise<PostgresServer> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const started = performance.now();
  const bin = postgresBinDir();
  const dir = await mkdtemp(join(tmpdir(), "mcp-graph-pg-"));
  const data = join(dir, "data");
  let pid: number | undefined;
  let stopped = false;

  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    process.off("exit", stopNow);
    // A start that timed out may have left a postmaster running before we learnt its PID.
    pid ??= readPid(data);
    if (pid !== undefined && isRunning(pid)) {
      const [file, argv] = asServerUser(join(bin, "pg_ctl"), ["stop", "-D", data, "-m", "immediate", "-w", "-t", "10"]);
      try {
        execFileSync(file, argv, { cwd: dir, stdio: "ignore", timeout: 15_000 });
      } catch {
        signal(pid, "SIGQUIT"); // the postmaster's own "immediate shutdown"
      }
    }
    rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  };
  process.on("exit", stopNow);

  try {
    if (isRoot()) {
      const [uid, gid] = ["-u", "-g"].map((flag) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim()));
      await chown(dir, uid!, gid!);
    }
    await runAsServerUser(join(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"], dir, timeoutMs);
    await appendFile(
      join(data, "postgresql.conf"),
      [
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${dir}'`,
        "fsync = off",
        "synchronous_commit = off",
        "full_page_writes = off",
        "max_connections = 50",
        "",
      ].join("\n"),
    );
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const left = Math.max(1, Math.ceil((timeoutMs - (performance.now() - started)) / 1000));
      try {
        await runAsServerUser(join(bin, "pg_ctl"), ["start", "-D", data, "-l", join(dir, "server.log"), "-o", `-p ${port}`, "-w", "-t", String(left)], dir, left * 1000 + 5_000);
        break;
      } catch (error) {
        const log = readLog(dir);
        if (attempt < 3 && /could not bind|already in use/i.test(log)) continue;
        throw new Error(`${(error as Error).message}\nserver.log:\n${log}`, { cause: error });
      }
    }
    pid = readPid(data);
    if (pid === undefined) throw new Error(`pg_ctl started the server but ${join(data, "postmaster.pid")} names no PID`);
    const uri = `postgresql://postgres@127.0.0.1:${port}/postgres`;
    return {
      uri,
      port,
      dir,
      pid,
      startMs: performance.now() - started,
      async createDatabase(name) {
        await run(join(bin, "createdb"), ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", name], { timeout: 10_000 });
        return uri.replace(/\/postgres$/, `/${name}`);
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        process.off("exit", stopNow);
        try {
          await runAsServerUser(join(bin, "pg_ctl"), ["stop", "-D", data, "-m", "immediate", "-w", "-t", "10"], dir, 15_000);
        } catch (error) {
          if (pid !== undefined && isRunning(pid)) {
            signal(pid, "SIGQUIT");
            await waitForExit(pid, 5_000);
            if (isRunning(pid)) signal(pid, "SIGKILL");
          } else if (!/not running|does not exist/i.test(String(error))) throw error;
        }
        rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
      },
    };
  } catch (error) {
    stopNow();
    throw error;
  }
}

function readPid(data: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function readLog(dir: string): string {
  try {
    return readFileSync(join(dir, "server.log"), "utf8");
  } catch {
    return "";
  }
}

/**
 * Whether `pid` is a live process. The postmaster is not our child: once it exits it stays a zombie
 * until PID 1 reaps it, and `kill(pid, 0)` still succeeds on a zombie, so its state is read too.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(")") + 2));
  } catch {
    return !existsSync("/proc/self/stat");
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

async function waitForExit(pid: number, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (isRunning(pid) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}
