/**
 * Load and scale-out check (`npm run test:load`), bounded and self-stopping; not part of `npm test`.
 *
 * 1. Load: math and weather as child processes (stateful, the default). For each server and each
 *    transport, `--clients` SDK clients connect at once and make `--calls` calls each; every result
 *    is checked (exact integers; weather equal to a reference answer). Server RSS is read from
 *    /proc before, during and after; the whole load runs `--rounds` times so a session leak shows as
 *    growth from round to round.
 * 2. Scale-out: `--replicas` stateless math servers behind nginx; one is SIGKILLed mid-load and no
 *    call may be lost (see scale-out.ts). Skipped with install instructions when nginx is missing.
 *
 * Flags: --clients 200 --calls 50 --rounds 2 --replicas 3 --scale-clients 100 --scale-calls 50
 *        --seed 1 --json path --no-scale-out --time-limit-s 600
 * Exit code 0 when every check passed, 1 when one failed, 2 when the time limit was hit.
 */
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { spawnServer, type ChildServer } from "../support/server-process.js";
import type { WireTransport } from "../support/sdk-client.js";
import { memoryAfterGc, runLoad, weatherReference, type LoadResult } from "./load.js";
import { runScaleOut, type ScaleOutResult } from "./scale-out.js";

const { values: flags } = parseArgs({
  options: {
    clients: { type: "string", default: "200" },
    calls: { type: "string", default: "50" },
    rounds: { type: "string", default: "2" },
    replicas: { type: "string", default: "3" },
    "scale-clients": { type: "string", default: "100" },
    "scale-calls": { type: "string", default: "50" },
    seed: { type: "string", default: "1" },
    json: { type: "string" },
    "no-scale-out": { type: "boolean", default: false },
    "time-limit-s": { type: "string", default: "600" },
  },
});

const count = (name: keyof typeof flags) => {
  const value = Number(flags[name]);
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`--${name} must be a non-negative integer, got ${String(flags[name])}`);
  return value;
};
const settings = {
  clients: count("clients"),
  calls: count("calls"),
  rounds: Math.max(1, count("rounds")),
  replicas: count("replicas"),
  scaleClients: count("scale-clients"),
  scaleCalls: count("scale-calls"),
  seed: count("seed"),
  timeLimitS: count("time-limit-s"),
};

/**
 * Judged on the V8 heap after a forced full GC, not on RSS: after a burst of 200 sessions the
 * allocator keeps its pages (RSS stays up for minutes with nothing live in them), so RSS cannot tell
 * a leak from a high-water mark. RSS is still reported.
 * Heap after the load may exceed the warm baseline by this much ("near baseline").
 */
const HEAP_SLACK_MB = 16;
/** Between two identical rounds, more heap growth than this means something per session is kept. */
const HEAP_ROUND_GROWTH_MB = 8;

const log = (line: string) => console.log(`[load] ${line}`);
const mb = (kb: number) => Math.round(kb / 102.4) / 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface MemoryFigures {
  server: string;
  pid: number;
  /** RSS after warm-up. */
  baselineMb: number;
  peakMb: number;
  afterRoundMb: number[];
  /** V8 heap in use after a forced full GC: after warm-up, then after each round. */
  heapBaselineMb: number;
  heapAfterRoundMb: number[];
  /** Sessions the server reports after the clients left, when /healthz tells. */
  sessionsAfter: unknown;
}

async function main(): Promise<number> {
  const watchdog = setTimeout(() => {
    console.error(`[load] time limit of ${settings.timeLimitS} s reached; stopping every child process`);
    process.exit(2);
  }, settings.timeLimitS * 1000);
  watchdog.unref();

  const startedAt = Date.now();
  const servers: ChildServer[] = [];
  const results: LoadResult[] = [];
  const memory: MemoryFigures[] = [];
  let scaleOut: ScaleOutResult | undefined;
  const failures: string[] = [];
  try {
    // --inspect on a random loopback port lets memoryAfterGc() force a GC and read the heap. Every
    // load client comes from 127.0.0.1, so the per-client session share is lifted to the global cap.
    const inspect = { nodeArgs: ["--inspect=127.0.0.1:0"], env: { MCP_MAX_SESSIONS_PER_CLIENT: "1000" } };
    const [math, weather] = await Promise.all([spawnServer("math", inspect), spawnServer("weather", inspect)]);
    servers.push(math, weather);
    log(`math ${math.url} (pid ${math.pid}), weather ${weather.url} (pid ${weather.pid})`);
    const reference = await weatherReference(weather.url);

    // Warm-up so the baseline is a server that has run code, not a fresh heap.
    for (const server of servers) {
      for (const transport of ["http", "sse"] as const) await runLoad(server, transport, { clients: 5, callsPerClient: 10, seed: 999, reference });
    }
    await sleep(1_000);
    for (const server of servers) {
      const heap = await memoryAfterGc(server);
      const baseline = await server.rssKb();
      memory.push({
        server: server.kind,
        pid: server.pid,
        baselineMb: mb(baseline),
        peakMb: mb(baseline),
        afterRoundMb: [],
        heapBaselineMb: mb(heap.heapUsed / 1024),
        heapAfterRoundMb: [],
        sessionsAfter: undefined,
      });
    }

    let peakTimer: NodeJS.Timeout | undefined;
    const samplePeaks = async () => {
      for (const [index, server] of servers.entries()) {
        const rss = await server.rssKb().catch(() => 0);
        memory[index]!.peakMb = Math.max(memory[index]!.peakMb, mb(rss));
      }
      peakTimer = setTimeout(() => void samplePeaks(), 250);
    };
    void samplePeaks();

    for (let round = 1; round <= settings.rounds; round++) {
      for (const server of servers) {
        for (const transport of ["http", "sse"] as WireTransport[]) {
          const result = await runLoad(server, transport, { clients: settings.clients, callsPerClient: settings.calls, seed: settings.seed + round, reference });
          log(
            `round ${round} ${server.kind}/${transport}: ${result.correct}/${result.calls} correct, ${result.errors} errors, ` +
              `${result.callsPerSecond} calls/s, p99 ${result.latencyMs.p99} ms`,
          );
          if (result.errors) log(`  errors: ${JSON.stringify(result.errorSamples)}`);
          results.push(result);
        }
      }
      // Let closed sessions be reaped and the heap settle before reading RSS.
      await sleep(3_000);
      for (const [index, server] of servers.entries()) {
        memory[index]!.afterRoundMb.push(mb(await server.rssKb()));
        memory[index]!.heapAfterRoundMb.push(mb((await memoryAfterGc(server)).heapUsed / 1024));
      }
    }
    clearTimeout(peakTimer);

    for (const [index, server] of servers.entries()) {
      const health = await fetch(`${server.url}/healthz`).then((response) => response.json() as Promise<Record<string, unknown>>);
      memory[index]!.sessionsAfter = health.sessions ?? "(not reported)";
    }

    for (const result of results) {
      if (result.errors || result.correct !== result.calls) failures.push(`${result.server}/${result.transport}: ${result.errors} errors, ${result.correct}/${result.calls} correct`);
    }
    for (const figures of memory) {
      const open = figures.sessionsAfter as { sse?: number; streamableHttp?: number } | undefined;
      if ((open?.sse ?? 0) + (open?.streamableHttp ?? 0) > 0) failures.push(`${figures.server}: sessions still open after every client left: ${JSON.stringify(open)}`);
      const last = figures.heapAfterRoundMb.at(-1)!;
      if (last > figures.heapBaselineMb + HEAP_SLACK_MB) {
        failures.push(`${figures.server}: heap ${last} MB after the load and a full GC, baseline ${figures.heapBaselineMb} MB`);
      }
      const growth = figures.heapAfterRoundMb.length > 1 ? last - figures.heapAfterRoundMb[0]! : 0;
      if (growth > HEAP_ROUND_GROWTH_MB) failures.push(`${figures.server}: heap grew ${growth} MB between identical rounds (leak?)`);
    }
  } finally {
    await Promise.allSettled(servers.map((server) => server.stop()));
  }

  if (!flags["no-scale-out"] && settings.replicas > 0) {
    log(`scale-out: ${settings.replicas} stateless math replicas behind nginx, ${settings.scaleClients} clients × ${settings.scaleCalls} calls`);
    scaleOut = await runScaleOut({ replicas: settings.replicas, clients: settings.scaleClients, callsPerClient: settings.scaleCalls, seed: settings.seed, log });
    if (scaleOut.status === "ok" && (scaleOut.lost || scaleOut.correct !== scaleOut.calls)) {
      failures.push(`scale-out: ${scaleOut.lost} calls lost, ${scaleOut.correct}/${scaleOut.calls} correct: ${JSON.stringify(scaleOut.errorSamples)}`);
    }
  }

  printSummary(results, memory, scaleOut);
  const report = {
    settings,
    startedAt: new Date(startedAt).toISOString(),
    durationS: Math.round((Date.now() - startedAt) / 100) / 10,
    node: process.version,
    load: results,
    totals: {
      requests: results.reduce((sum, result) => sum + result.calls, 0),
      correct: results.reduce((sum, result) => sum + result.correct, 0),
      errors: results.reduce((sum, result) => sum + result.errors, 0),
    },
    memory,
    scaleOut,
    failures,
    passed: failures.length === 0,
  };
  if (flags.json) {
    await writeFile(flags.json, `${JSON.stringify(report, null, 2)}\n`);
    log(`JSON written to ${flags.json}`);
  }
  if (failures.length) {
    console.error(`[load] FAILED:\n  ${failures.join("\n  ")}`);
    return 1;
  }
  log(`passed in ${report.durationS} s`);
  return 0;
}

function printSummary(results: LoadResult[], memory: MemoryFigures[], scaleOut: ScaleOutResult | undefined): void {
  const rows = results.map((result, index) => ({
    round: Math.floor(index / 4) + 1,
    target: `${result.server}/${result.transport}`,
    clients: result.clients,
    calls: result.calls,
    correct: result.correct,
    errors: result.errors,
    "connect ms": result.connectMs,
    "calls/s": result.callsPerSecond,
    "p50 ms": result.latencyMs.p50,
    "p99 ms": result.latencyMs.p99,
    "max ms": result.latencyMs.max,
  }));
  console.log("\nLoad");
  console.table(rows);
  console.log("Server memory (MB): V8 heap after a forced GC, and RSS");
  console.table(
    memory.flatMap((figures) => [
      {
        server: figures.server,
        measure: "heap after GC",
        baseline: figures.heapBaselineMb,
        peak: "",
        ...Object.fromEntries(figures.heapAfterRoundMb.map((value, index) => [`after round ${index + 1}`, value])),
      },
      {
        server: figures.server,
        measure: "RSS",
        baseline: figures.baselineMb,
        peak: figures.peakMb,
        ...Object.fromEntries(figures.afterRoundMb.map((value, index) => [`after round ${index + 1}`, value])),
      },
    ]),
  );
  for (const figures of memory) console.log(`  ${figures.server}: sessions after every client left: ${JSON.stringify(figures.sessionsAfter)}`);
  if (scaleOut) {
    console.log("Scale-out");
    if (scaleOut.status === "skipped") {
      console.log(`  skipped: ${scaleOut.reason}`);
    } else {
      console.table([
        {
          replicas: scaleOut.replicas,
          clients: scaleOut.clients,
          calls: scaleOut.calls,
          correct: scaleOut.correct,
          lost: scaleOut.lost,
          "killed after": scaleOut.killedAfterCalls,
          "nginx 5xx": scaleOut.balancer.status5xx,
          "nginx failovers": scaleOut.balancer.failedOver,
          "calls/s": scaleOut.callsPerSecond,
          "p99 ms": scaleOut.latencyMs.p99,
        },
      ]);
      console.log(`  requests per replica (nginx access log): ${JSON.stringify(scaleOut.balancer.byReplica)}`);
    }
  }
}

process.once("SIGINT", () => {
  console.error("[load] interrupted; stopping every child process");
  process.exit(130);
});

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error("[load] crashed:", error);
    process.exit(1);
  },
);
