/**
 * (4a) Connect and discover with 1, 10 and 50 servers of 10 tools each: one client connecting to all
 * of them at once, against connecting one server after another; and at 50, against the floors: the
 * same exchanges as bare node:http requests (the wire floor) and 50 raw SDK clients with `Promise.all`.
 */
import http from "node:http";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { MultiServerClient, type ServersConfig } from "../../adapters/index.js";
import { floorConnect } from "../floor.js";
import type { Child } from "../child.js";
import { interleave, summarize, type Variant } from "../stats.js";
import { MANY_SERVERS, TOOLS_PER_SERVER, type Suite } from "../suite.js";

const COUNTS = [1, 10, MANY_SERVERS] as const;

function configFor(urls: readonly string[]): ServersConfig {
  return Object.fromEntries(urls.map((url, index) => [`s${index}`, { url, transport: "http" as const }]));
}

class DiscoveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DiscoveryError";
  }
}

function checkDiscovered(clients: MultiServerClient[], servers: number): void {
  const tools = clients.reduce((total, client) => total + client.catalog().length, 0);
  if (tools !== servers * TOOLS_PER_SERVER) {
    const failed = clients.flatMap((client) => Object.entries(client.status()).filter(([, status]) => status.state !== "connected"));
    throw new DiscoveryError(`discovered ${tools} tools on ${servers} servers; not connected: ${JSON.stringify(failed)}`);
  }
}

/** CPU time (µs) spent while connecting, on the client (this process) and on the servers' process. */
interface CpuTally {
  client: number;
  server: number;
  servers: number;
}

/** Measures the CPU both sides spend in `connect`, which must not include closing. */
async function tallied<T>(child: Child<unknown>, tally: CpuTally | undefined, servers: number, connect: () => Promise<T>): Promise<T> {
  if (!tally) return connect();
  const serverBefore = (await child.stats()).cpuMicros;
  const clientBefore = process.cpuUsage();
  const result = await connect();
  const client = process.cpuUsage(clientBefore);
  tally.client += client.user + client.system;
  tally.server += (await child.stats()).cpuMicros - serverBefore;
  tally.servers += servers;
  return result;
}

/** Connects the servers with one client (concurrently) and resolves with the time connect+discover took. */
async function connectConcurrently(urls: readonly string[], cpu: (connect: () => Promise<number>) => Promise<number>): Promise<number> {
  const client = new MultiServerClient(configFor(urls));
  try {
    const elapsed = await cpu(async () => {
      const started = performance.now();
      await client.connect();
      return performance.now() - started;
    });
    checkDiscovered([client], urls.length);
    return elapsed;
  } finally {
    await client.close();
  }
}

/** Connects the servers one after another, each with its own client, as a host that loops would. */
async function connectSequentially(urls: readonly string[]): Promise<number> {
  const clients: MultiServerClient[] = [];
  try {
    const started = performance.now();
    for (const [index, url] of urls.entries()) {
      const client = new MultiServerClient({ [`s${index}`]: { url, transport: "http" } });
      clients.push(client);
      await client.connect();
    }
    const elapsed = performance.now() - started;
    checkDiscovered(clients, urls.length);
    return elapsed;
  } finally {
    await Promise.all(clients.map((client) => client.close()));
  }
}

/** 50 raw SDK clients connecting and listing tools at once, as a host would with `Promise.all`. */
async function connectSdkClients(urls: readonly string[]): Promise<number> {
  const clients = urls.map(() => new Client({ name: "bench", version: "1.0.0" }));
  try {
    const started = performance.now();
    const listed = await Promise.all(
      clients.map(async (client, index) => {
        await client.connect(new StreamableHTTPClientTransport(new URL(urls[index]!)));
        return (await client.listTools()).tools.length;
      }),
    );
    const elapsed = performance.now() - started;
    if (listed.some((tools) => tools !== TOOLS_PER_SERVER)) throw new DiscoveryError(`raw SDK clients listed ${listed.join(", ")} tools`);
    return elapsed;
  } finally {
    await Promise.all(clients.map((client) => client.close()));
  }
}

/** The wire floor of the same connects: bare node:http exchanges, all at once. */
async function connectFloor(urls: readonly string[], agent: http.Agent): Promise<number> {
  const started = performance.now();
  const listed = await Promise.all(urls.map((url) => floorConnect(url, agent)));
  const elapsed = performance.now() - started;
  if (listed.some((tools) => tools !== TOOLS_PER_SERVER)) throw new DiscoveryError(`the floor listed ${listed.join(", ")} tools`);
  return elapsed;
}

export const scaleSuite: Suite = {
  name: "scale",
  async run(context) {
    const { recorder, quick } = context;
    const child = await context.manyServers();
    const urls = child.ready.urls;
    const tallies = new Map(COUNTS.map((count) => [count, { client: 0, server: 0, servers: 0 }]));
    // Only timed rounds count: warm-up rounds carry JIT compilation.
    let timed = false;
    const variants: Variant[] = COUNTS.flatMap((count) => {
      const subset = urls.slice(0, count);
      const cpu = (connect: () => Promise<number>) => tallied(child, timed ? tallies.get(count) : undefined, count, connect);
      const concurrent: Variant = { name: `${count}/concurrent`, selfTimed: true, run: () => connectConcurrently(subset, cpu) };
      const sequential: Variant = { name: `${count}/sequential`, selfTimed: true, run: () => connectSequentially(subset) };
      return count === 1 ? [concurrent] : [concurrent, sequential];
    });
    // Keep-alive sockets, as undici's global pool keeps them for the SDK's fetch.
    const agent = new http.Agent({ keepAlive: true });
    variants.push(
      { name: `${MANY_SERVERS}/wire-floor`, selfTimed: true, run: () => connectFloor(urls, agent) },
      { name: `${MANY_SERVERS}/sdk-promise-all`, selfTimed: true, run: () => connectSdkClients(urls) },
    );
    const aroundBatch = async () => {
      timed = true;
      return async () => {};
    };
    context.log(`scale: connect and discover with ${COUNTS.join(", ")} servers`);
    const samples = await interleave(variants, quick ? { warmup: 1, rounds: 1, batch: 1, aroundBatch } : { warmup: 2, rounds: 15, batch: 1, aroundBatch }).finally(
      () => agent.destroy(),
    );
    const name = (variant: string) => `scale/connect/${variant}`;
    recorder.addLatency(name("1/concurrent"), summarize(samples.get("1/concurrent")!));
    for (const count of COUNTS.filter((count) => count > 1)) {
      recorder.addLatency(name(`${count}/concurrent`), summarize(samples.get(`${count}/concurrent`)!), name("1/concurrent"));
      recorder.addLatency(name(`${count}/sequential`), summarize(samples.get(`${count}/sequential`)!), name(`${count}/concurrent`));
    }
    // Connecting is CPU work on both sides; on two cores it bounds how far concurrency can help.
    for (const [count, tally] of tallies) {
      recorder.add(`scale/connect/${count}/client-cpu-per-server`, "ms", tally.client / 1000 / tally.servers);
      recorder.add(`scale/connect/${count}/server-cpu-per-server`, "ms", tally.server / 1000 / tally.servers);
    }
    const many = name(`${MANY_SERVERS}/concurrent`);
    recorder.addLatency(name(`${MANY_SERVERS}/wire-floor`), summarize(samples.get(`${MANY_SERVERS}/wire-floor`)!));
    recorder.addLatency(name(`${MANY_SERVERS}/sdk-promise-all`), summarize(samples.get(`${MANY_SERVERS}/sdk-promise-all`)!), name(`${MANY_SERVERS}/wire-floor`));
    recorder.add(`${many}/vs-wire-floor`, "×", recorder.get(many) / recorder.get(name(`${MANY_SERVERS}/wire-floor`)));
    recorder.add(`${many}/vs-sdk-promise-all`, "×", recorder.get(many) / recorder.get(name(`${MANY_SERVERS}/sdk-promise-all`)));
    recorder.target(`scale/connect: ${MANY_SERVERS} concurrent ÷ the wire floor (median)`, "<=", 1.5, recorder.get(`${many}/vs-wire-floor`));
    recorder.target(`scale/connect: ${MANY_SERVERS} concurrent ÷ raw SDK Promise.all (median)`, "<=", 1.0, recorder.get(`${many}/vs-sdk-promise-all`));
  },
};
