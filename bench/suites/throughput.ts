/**
 * (3) Questions per second through one warm compiled graph at concurrency 1, 16 and 64, with p99
 * latency and the CPU time each tool call costs the servers (read from their child process) and
 * each question costs this process.
 */
import { OfflineRouterModel } from "../../offline/index.js";
import { createGraph } from "../../graph/index.js";
import { checkAnswer, QUESTIONS, serversConfig } from "../questions.js";
import { summarize } from "../stats.js";
import type { Suite } from "../suite.js";

const CONCURRENCY = [1, 16, 64] as const;

export const throughputSuite: Suite = {
  name: "throughput",
  async run(context) {
    const child = await context.servers();
    const graph = createGraph({ model: new OfflineRouterModel(), servers: serversConfig(child.ready) });
    const durationMs = context.quick ? 500 : 5_000;
    try {
      let next = 0;
      const ask = async () => {
        const item = QUESTIONS[next++ % QUESTIONS.length]!;
        return checkAnswer(item, await graph.invoke({ question: item.question }));
      };
      for (let i = 0; i < (context.quick ? 5 : 100); i++) await ask();

      for (const concurrency of CONCURRENCY) {
        context.log(`throughput: concurrency ${concurrency} for ${durationMs / 1000} s`);
        const latencies: number[] = [];
        let calls = 0;
        const serverBefore = await child.stats();
        const clientBefore = process.cpuUsage();
        const started = performance.now();
        const stopAt = started + durationMs;
        const worker = async () => {
          while (performance.now() < stopAt) {
            const begun = performance.now();
            // Not `calls += await ask()`: that reads `calls` before the await and loses concurrent updates.
            const made = await ask();
            latencies.push(performance.now() - begun);
            calls += made;
          }
        };
        await Promise.all(Array.from({ length: concurrency }, worker));
        const elapsed = performance.now() - started;
        const client = process.cpuUsage(clientBefore);
        const serverAfter = await child.stats();

        const name = `throughput/c${concurrency}`;
        const latency = summarize(latencies);
        const { recorder } = context;
        recorder.add(`${name}/qps`, "questions/s", (latencies.length / elapsed) * 1000, concurrency === 1 ? undefined : "throughput/c1/qps");
        recorder.addLatency(`${name}/latency`, latency);
        recorder.add(`${name}/server-cpu-per-call`, "ms", (serverAfter.cpuMicros - serverBefore.cpuMicros) / 1000 / calls);
        recorder.add(`${name}/client-cpu-per-question`, "ms", (client.user + client.system) / 1000 / latencies.length);
      }
    } finally {
      await graph.close();
    }
  },
};
