import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { freePort } from "../support/processes.js";

/** Where Debian's `nginx` package puts the binary, then whatever PATH finds. */
export function findNginx(): string | undefined {
  for (const candidate of ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx"]) {
    if (existsSync(candidate)) return candidate;
  }
  const which = spawnSync("sh", ["-c", "command -v nginx"], { encoding: "utf8" });
  const found = which.stdout.trim();
  return which.status === 0 && found ? found : undefined;
}

export const NGINX_INSTALL_HINT =
  "nginx is not installed. On Debian/Ubuntu: `sudo apt-get install -y nginx` (only the binary is used: " +
  "the script runs it in the foreground with its own config, no system service). Then run `npm run test:load` again.";

export interface NginxBalancer {
  pid: number;
  url: string;
  dir: string;
  /** Access log lines: `status|upstream_addr|upstream_status|request_time` (addresses comma-separated after a failover). */
  accessLog(): Promise<string[]>;
  stop(): Promise<void>;
  exited: Promise<number | string>;
}

/**
 * Writes an nginx.conf for a round-robin upstream over `backends` into `dir` and runs nginx in the
 * foreground as a child of this process (no daemon, no system service, nothing outside `dir`).
 *
 * Why these settings:
 * - `proxy_next_upstream error timeout`: a replica that refuses connections is skipped by nginx
 *   itself. A POST that a replica accepted and then died on is NOT retried by nginx (POST is not
 *   idempotent to HTTP); that 502 goes to the client, whose retry of idempotent tools is under test.
 * - `max_fails=1 fail_timeout=30s`: one failure takes a dead replica out of rotation for the run.
 * - `proxy_buffering off`: Streamable HTTP may answer with an event stream.
 * - The Host header is rewritten to the replica's own loopback address because the servers
 *   validate Host (DNS-rebinding protection); the balancer is the trusted party that terminates it.
 */
export async function startNginx(dir: string, backends: Array<{ host: string; port: number }>): Promise<NginxBalancer> {
  const nginx = findNginx();
  if (!nginx) throw new Error(NGINX_INSTALL_HINT);
  await mkdir(join(dir, "temp"), { recursive: true });
  const port = await freePort();
  const conf = `# written by test/load (scale-out); safe to delete
worker_processes 2;
pid ${join(dir, "nginx.pid")};
error_log ${join(dir, "error.log")} warn;
events { worker_connections 4096; }
http {
  log_format lb '$status|$upstream_addr|$upstream_status|$request_time';
  access_log ${join(dir, "access.log")} lb;
  client_body_temp_path ${join(dir, "temp", "body")};
  proxy_temp_path ${join(dir, "temp", "proxy")};
  fastcgi_temp_path ${join(dir, "temp", "fastcgi")};
  uwsgi_temp_path ${join(dir, "temp", "uwsgi")};
  scgi_temp_path ${join(dir, "temp", "scgi")};
  upstream math_replicas {
${backends.map((backend) => `    server ${backend.host}:${backend.port} max_fails=1 fail_timeout=30s;`).join("\n")}
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://math_replicas;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host 127.0.0.1;
      proxy_buffering off;
      proxy_next_upstream error timeout;
      proxy_connect_timeout 1s;
      proxy_read_timeout 15s;
    }
  }
}
`;
  const confPath = join(dir, "nginx.conf");
  await writeFile(confPath, conf);
  const errorLog = join(dir, "error.log");
  const check = spawnSync(nginx, ["-t", "-e", errorLog, "-p", dir, "-c", confPath], { encoding: "utf8" });
  if (check.status !== 0) throw new Error(`nginx -t rejected ${confPath}:\n${check.stderr}`);

  const child = spawn(nginx, ["-e", errorLog, "-p", dir, "-c", confPath, "-g", "daemon off;"], { stdio: ["ignore", "ignore", "pipe"] });
  // Last resort if this script dies first (watchdog, uncaught error): no nginx outlives it.
  const killAll = () => {
    for (const pid of childPidsSync(child.pid!)) killQuietly(pid);
    child.kill("SIGKILL");
  };
  process.once("exit", killAll);
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => {
      process.off("exit", killAll);
      resolve(code ?? signal ?? "unknown");
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 5_000;
  for (;;) {
    const ready = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(500) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`nginx did not start on ${url}:\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    pid: child.pid!,
    url,
    dir,
    accessLog: async () => (await readFile(join(dir, "access.log"), "utf8").catch(() => "")).split("\n").filter(Boolean),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // SIGQUIT is nginx's graceful stop: the master waits for its workers, then exits. Workers do
      // not die with a killed master, so the fallback kills them by PID first.
      const workers = await childPids(child.pid!);
      child.kill("SIGQUIT");
      const timer = setTimeout(() => {
        for (const pid of workers) killQuietly(pid);
        child.kill("SIGKILL");
      }, 5_000);
      await exited;
      clearTimeout(timer);
    },
    exited,
  };
}

/** Direct children of a process, from /proc (Linux). */
async function childPids(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, "utf8").catch(() => "");
  return text.split(/\s+/).filter(Boolean).map(Number);
}

function childPidsSync(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}
