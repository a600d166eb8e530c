/**
 * (1) One `add` round trip over each transport: our adapter, the raw SDK client, a tool of
 * `@langchain/mcp-adapters`' MultiServerMCPClient, and the floor, interleaved in one process.
 */
import { MultiServerMCPClient } from "@langchain/mcp-adapters";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { MultiServerClient, resultText } from "../../adapters/index.js";
import { floorFetchClient, floorHttpClient, floorSseClient, type FloorClient } from "../floor.js";
import { interleave, summarize, type Variant } from "../stats.js";
import type { Suite, SuiteContext } from "../suite.js";

type Transport = "sse" | "http";

const PATHS: Record<Transport, string> = { sse: "/sse", http: "/mcp" };

class WrongAnswerError extends Error {
  constructor(variant: string, got: unknown) {
    super(`${variant} answered ${JSON.stringify(got)} to add(2, 3)`);
    this.name = "WrongAnswerError";
  }
}

/** Text of whatever a LangChain tool returned: a string, content blocks, or [content, artifact]. */
function toolOutputText(output: unknown): string {
  if (typeof output === "string") return output;
  if (Array.isArray(output)) {
    return output
      .flat()
      .map((block: unknown) => (typeof block === "string" ? block : ((block as { text?: string }).text ?? "")))
      .join("");
  }
  return JSON.stringify(output);
}

/** `fetch` with a dependent signal per request: the raw SDK without undici's listener build-up on one signal (the adapter itself sends over node:http, adapters/http-fetch.ts). */
const perRequestSignalFetch: typeof fetch = (url, init) => fetch(url, init?.signal ? { ...init, signal: AbortSignal.any([init.signal]) } : init);

function chunks(values: readonly number[], size: number): number[][] {
  return Array.from({ length: Math.ceil(values.length / size) }, (_, i) => values.slice(i * size, (i + 1) * size));
}

/** Median of the round-by-round differences `a[i] − b[i]`. */
function pairedMedian(a: readonly number[], b: readonly number[]): number {
  return summarize(a.map((value, i) => value - b[i]!)).median;
}

async function measureTransport(context: SuiteContext, transport: Transport): Promise<void> {
  const servers = await context.servers();
  const { math, floor } = servers.ready;
  const url = `${math}${PATHS[transport]}`;
  const closers: Array<() => Promise<unknown>> = [];
  try {
    const adapter = new MultiServerClient({ math: { url, transport } });
    closers.push(() => adapter.close());
    const status = await adapter.connect();
    if (status.math?.state !== "connected") throw new Error(`adapter did not connect over ${transport}: ${status.math?.error}`);
    const adapterTool = adapter.getTools().find((tool) => tool.name === "math__add");
    if (!adapterTool) throw new Error("adapter offers no math__add tool");

    const sdk = new Client({ name: "bench", version: "1.0.0" });
    closers.push(() => sdk.close());
    await sdk.connect(transport === "sse" ? new SSEClientTransport(new URL(url)) : new StreamableHTTPClientTransport(new URL(url)));

    // The SDK as the adapter drives it underneath: a signal of its own per request (adapters/transport.ts).
    // What the adapter costs above this one is its own work: the deadline, validation, bookkeeping.
    const sdkSignal = new Client({ name: "bench", version: "1.0.0" });
    closers.push(() => sdkSignal.close());
    const options = { fetch: perRequestSignalFetch };
    await sdkSignal.connect(transport === "sse" ? new SSEClientTransport(new URL(url), options) : new StreamableHTTPClientTransport(new URL(url), options));

    const langchain = new MultiServerMCPClient({ mcpServers: { math: { url, transport } }, throwOnLoadError: true });
    closers.push(() => langchain.close());
    const langchainTool = (await langchain.getTools()).find((tool) => tool.name === "add" || tool.name.endsWith("add"));
    if (!langchainTool) throw new Error("MultiServerMCPClient offers no add tool");

    const floorClient: FloorClient = transport === "sse" ? await floorSseClient(floor) : floorHttpClient(floor);
    closers.push(() => floorClient.close());

    const floorFetch = transport === "http" ? floorFetchClient(floor) : undefined;

    const args = { a: 2, b: 3 };
    const variants: Variant[] = [
      { name: "floor", run: () => floorClient.add(args.a, args.b) },
      ...(floorFetch ? [{ name: "floor-fetch", run: () => floorFetch.add(args.a, args.b) }] : []),
      { name: "sdk", run: () => sdk.callTool({ name: "add", arguments: args }) },
      { name: "sdk-signal", run: () => sdkSignal.callTool({ name: "add", arguments: args }) },
      { name: "adapter", run: () => adapter.callTool("math", "add", args) },
      { name: "adapter-tool", run: () => adapterTool.invoke(args) },
      { name: "mcp-adapters", run: () => langchainTool.invoke(args) },
    ];
    // Every contender must really compute the sum before its speed means anything.
    const answers: Record<string, string> = {
      floor: await floorClient.add(args.a, args.b),
      ...(floorFetch ? { "floor-fetch": await floorFetch.add(args.a, args.b) } : {}),
      sdk: resultText((await sdk.callTool({ name: "add", arguments: args })) as CallToolResult),
      "sdk-signal": resultText((await sdkSignal.callTool({ name: "add", arguments: args })) as CallToolResult),
      adapter: resultText(await adapter.callTool("math", "add", args)),
      "adapter-tool": toolOutputText(await adapterTool.invoke(args)),
      "mcp-adapters": toolOutputText(await langchainTool.invoke(args)),
    };
    for (const [variant, text] of Object.entries(answers)) {
      if (!text.includes("5")) throw new WrongAnswerError(variant, text);
    }

    // CPU time per call on each side tells where a gap to the floor comes from.
    const cpu = new Map(variants.map((variant) => [variant.name, { client: 0, server: 0, calls: 0, clientPerCall: [] as number[] }]));
    const aroundBatch = async (variant: string) => {
      const server = (await servers.stats()).cpuMicros;
      const client = process.cpuUsage();
      return async (operations: number) => {
        const clientUsed = process.cpuUsage(client);
        const serverUsed = (await servers.stats()).cpuMicros - server;
        const entry = cpu.get(variant)!;
        entry.client += clientUsed.user + clientUsed.system;
        entry.server += serverUsed;
        entry.calls += operations;
        entry.clientPerCall.push((clientUsed.user + clientUsed.system) / 1000 / operations);
      };
    };
    context.log(`calls: ${transport}: clients connected, timing`);
    const { batch, ...rhythm } = context.quick ? { warmup: 20, rounds: 3, batch: 20 } : { warmup: 300, rounds: 50, batch: 50 };
    const samples = await interleave(variants, { ...rhythm, batch, aroundBatch });
    const { recorder } = context;
    const name = (variant: string) => `call/${transport}/${variant}`;
    recorder.addLatency(name("floor"), summarize(samples.get("floor")!));
    if (floorFetch) recorder.addLatency(name("floor-fetch"), summarize(samples.get("floor-fetch")!), name("floor"));
    recorder.addLatency(name("sdk"), summarize(samples.get("sdk")!), name("floor"));
    recorder.addLatency(name("sdk-signal"), summarize(samples.get("sdk-signal")!), name("sdk"));
    recorder.addLatency(name("adapter"), summarize(samples.get("adapter")!), name("sdk"));
    recorder.addLatency(name("mcp-adapters"), summarize(samples.get("mcp-adapters")!), name("sdk"));
    recorder.addLatency(name("adapter-tool"), summarize(samples.get("adapter-tool")!), name("mcp-adapters"));
    for (const [variant, used] of cpu) {
      recorder.add(`${name(variant)}/client-cpu`, "ms/call", used.client / 1000 / used.calls);
      recorder.add(`${name(variant)}/server-cpu`, "ms/call", used.server / 1000 / used.calls);
    }
    // Paired: each round's adapter batch against the same round's sdk-signal batch, then the median over rounds.
    const batchMedians = (variant: string) => chunks(samples.get(variant)!, batch).map((chunk) => summarize(chunk).median);
    const latencyGap = pairedMedian(batchMedians("adapter"), batchMedians("sdk-signal"));
    const cpuGap = pairedMedian(cpu.get("adapter")!.clientPerCall, cpu.get("sdk-signal")!.clientPerCall);
    recorder.add(`${name("adapter")}/minus-sdk-signal`, "ms", latencyGap);
    recorder.add(`${name("adapter")}/minus-sdk-signal/client-cpu`, "ms/call", cpuGap);
    recorder.target(`call/${transport}: adapter − sdk with a per-request signal (paired median, ms)`, "<=", 0.05, latencyGap);
    recorder.target(`call/${transport}: adapter − sdk with a per-request signal, client CPU (paired median, ms/call)`, "<=", 0.1, cpuGap);
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
  }
}

export const callsSuite: Suite = {
  name: "calls",
  async run(context) {
    for (const transport of ["sse", "http"] as const) {
      context.log(`calls: ${transport}`);
      await measureTransport(context, transport);
    }
  },
};
