import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MultiServerClient, resultText } from "../../adapters/index.js";
import { spawnServer, type ChildServer } from "../support/server-process.js";
import { mathCall, percentiles, rng } from "./load.js";
import { findNginx, NGINX_INSTALL_HINT, startNginx } from "./nginx.js";

export interface ScaleOutResult {
  status: "ok" | "skipped";
  reason?: string;
  replicas: number;
  clients: number;
  callsPerClient: number;
  calls: number;
  correct: number;
  /** Calls that ended in an error after the client's own retry: each one is a lost call. */
  lost: number;
  errorSamples: Record<string, number>;
  /** Completed calls when the replica was killed. */
  killedAfterCalls: number;
  killedReplica: string;
  durationMs: number;
  callsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** What nginx saw, from its access log. */
  balancer: {
    requests: number;
    byReplica: Record<string, number>;
    /** Requests nginx answered 5xx (the client saw them and retried). */
    status5xx: number;
    /** Requests nginx itself moved to another replica (connection refused before anything was sent). */
    failedOver: number;
  };
}

/**
 * Three stateless replicas of the math server behind nginx, a concurrent load of idempotent calls
 * through the project's MultiServerClient, and one replica SIGKILLed a third of the way through.
 * Every call must come back with the exact answer: nginx skips the dead replica for new
 * connections, and the client repeats calls that died with it (the tools are annotated idempotent).
 */
export async function runScaleOut(options: { replicas: number; clients: number; callsPerClient: number; seed: number; log: (line: string) => void }): Promise<ScaleOutResult> {
  const empty = { replicas: options.replicas, clients: options.clients, callsPerClient: options.callsPerClient };
  if (!findNginx()) {
    options.log(NGINX_INSTALL_HINT);
    return {
      status: "skipped",
      reason: NGINX_INSTALL_HINT,
      ...empty,
      calls: 0,
      correct: 0,
      lost: 0,
      errorSamples: {},
      killedAfterCalls: 0,
      killedReplica: "",
      durationMs: 0,
      callsPerSecond: 0,
      latencyMs: percentiles([]),
      balancer: { requests: 0, byReplica: {}, status5xx: 0, failedOver: 0 },
    };
  }

  const dir = await mkdtemp(join(tmpdir(), "mcp-graph-scale-out-"));
  const replicas: ChildServer[] = [];
  const clients: MultiServerClient[] = [];
  let balancer: Awaited<ReturnType<typeof startNginx>> | undefined;
  try {
    replicas.push(...(await Promise.all(Array.from({ length: options.replicas }, () => spawnServer("math", { stateless: true, env: { MCP_MAX_SESSIONS_PER_CLIENT: "1000" } })))));
    options.log(`replicas: ${replicas.map((replica) => `${replica.url} (pid ${replica.pid})`).join(", ")}`);
    balancer = await startNginx(dir, replicas.map((replica) => ({ host: "127.0.0.1", port: replica.port })));
    options.log(`nginx: ${balancer.url} (pid ${balancer.pid}), config in ${dir}`);

    for (let index = 0; index < options.clients; index++) {
      clients.push(
        new MultiServerClient(
          { math: { url: `${balancer.url}/mcp`, transport: "http" } },
          { callTimeoutMs: 15_000, connectTimeoutMs: 10_000, reconnect: { initialDelayMs: 50, maxDelayMs: 500, maxAttempts: 10 } },
        ),
      );
    }
    const statuses = await Promise.all(clients.map((client) => client.connect()));
    const notConnected = statuses.filter((status) => status.math?.state !== "connected").length;
    if (notConnected) throw new Error(`${notConnected} clients could not connect through nginx: ${JSON.stringify(statuses.find((status) => status.math?.state !== "connected"))}`);

    const total = options.clients * options.callsPerClient;
    const victim = replicas[1]!;
    let completed = 0;
    let correct = 0;
    let lost = 0;
    let killedAfterCalls = 0;
    const errorSamples: Record<string, number> = {};
    const latencies: number[] = [];
    let killing: Promise<void> | undefined;

    const started = performance.now();
    await Promise.all(
      clients.map(async (client, index) => {
        const random = rng(options.seed * 7_919 + index + 1);
        for (let call = 0; call < options.callsPerClient; call++) {
          const planned = mathCall(random);
          const callStarted = performance.now();
          try {
            const result = await client.callTool("math", planned.tool, planned.args);
            latencies.push(performance.now() - callStarted);
            const problem = planned.check(result);
            if (problem) throw new Error(`${problem} (${resultText(result).slice(0, 100)})`);
            correct++;
          } catch (error) {
            lost++;
            const key = (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 200);
            errorSamples[key] = (errorSamples[key] ?? 0) + 1;
          }
          completed++;
          if (!killing && completed >= total / 3) {
            killedAfterCalls = completed;
            options.log(`killing replica ${victim.url} (pid ${victim.pid}) with SIGKILL after ${completed} of ${total} calls`);
            killing = victim.stop("SIGKILL");
          }
        }
      }),
    );
    const durationMs = performance.now() - started;
    await killing;

    const log = await balancer.accessLog();
    const byReplica: Record<string, number> = {};
    let status5xx = 0;
    let failedOver = 0;
    for (const line of log) {
      const [status, upstreams] = line.split("|");
      if (Number(status) >= 500) status5xx++;
      if (upstreams?.includes(",")) failedOver++;
      for (const upstream of upstreams?.split(",").map((entry) => entry.trim()).filter(Boolean) ?? []) {
        byReplica[upstream] = (byReplica[upstream] ?? 0) + 1;
      }
    }

    return {
      status: "ok",
      ...empty,
      calls: total,
      correct,
      lost,
      errorSamples,
      killedAfterCalls,
      killedReplica: victim.url,
      durationMs: Math.round(durationMs),
      callsPerSecond: Math.round((correct / durationMs) * 1000),
      latencyMs: percentiles(latencies),
      balancer: { requests: log.length, byReplica, status5xx, failedOver },
    };
  } finally {
    await Promise.allSettled(clients.map((client) => client.close()));
    await balancer?.stop();
    await Promise.allSettled(replicas.map((replica) => replica.stop()));
    await rm(dir, { recursive: true, force: true });
  }
}
