import { afterAll, describe, expect, it, vi } from "vitest";
import { MultiServerClient, resultText, type MultiServerClientOptions, type ServersConfig, type ServerState } from "./index.js";
import { recordFigure } from "../test/support/figures.js";
import { standbyChild, startChild, tsxCommand, type ChildHandle, type Standby } from "../test/support/processes.js";

// Real server processes: frozen with SIGSTOP (the kernel still accepts their connections, nothing
// answers), thawed with SIGCONT, killed and started again on the same port. Every one is thawed and
// killed by its PID at the end, whatever happened.
const children = new Set<ChildHandle>();
const standbys = new Set<Standby>();
const clients: MultiServerClient[] = [];

async function server(): Promise<ChildHandle> {
  const child = await startChild("./fixture-servers/child-server.ts", ["0"]);
  children.add(child);
  return child;
}

function freeze(child: ChildHandle): void {
  process.kill(child.pid, "SIGSTOP");
}

function thaw(child: ChildHandle): void {
  try {
    process.kill(child.pid, "SIGCONT");
  } catch {
    // Already gone.
  }
}

function connectTo(config: ServersConfig, options: MultiServerClientOptions = {}): MultiServerClient {
  const client = new MultiServerClient(config, { connectTimeoutMs: 20_000, callTimeoutMs: 20_000, ...options });
  clients.push(client);
  return client;
}

async function outcome<T>(promise: Promise<T>): Promise<{ error?: Error & Record<string, unknown>; value?: T; ms: number }> {
  const started = performance.now();
  try {
    const value = await promise;
    return { value, ms: performance.now() - started };
  } catch (error) {
    return { error: error as Error & Record<string, unknown>, ms: performance.now() - started };
  }
}

afterAll(async () => {
  for (const child of children) thaw(child);
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all([...children].map((child) => child.kill()));
  await Promise.all([...standbys].map((standby) => standby.kill()));
}, 30_000);

describe.concurrent("a server that stops answering (SIGSTOP)", () => {
  it.each(["/mcp", "/sse"])("costs one call timeout, not five, over %s; the other server is unaffected; SIGCONT brings it back", async (path) => {
    const [frozen, other] = await Promise.all([server(), server()]);
    const states: ServerState[] = [];
    const client = connectTo(
      { frozen: { url: `http://127.0.0.1:${frozen.port}${path}` }, other: { url: `http://127.0.0.1:${other.port}${path}` } },
      {
        callTimeoutMs: 3_000,
        reconnect: { initialDelayMs: 50, maxDelayMs: 300 },
        onStatusChange: (name, status) => void (name === "frozen" && states.push(status.state)),
      },
    );
    const status = await client.connect();
    expect([status.frozen?.state, status.other?.state]).toEqual(["connected", "connected"]);

    // The other server is called all along, and every call must come back promptly.
    let stop = false;
    const otherCalls: Array<{ text?: string; ms: number; error?: string }> = [];
    const background = (async () => {
      while (!stop) {
        const { value, error, ms } = await outcome(client.callTool("other", "add", { a: 40, b: 2 }));
        otherCalls.push({ text: value && resultText(value), ms, error: error?.message });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    try {
      freeze(frozen);
      const started = performance.now();
      const results = [];
      for (let i = 0; i < 5; i++) results.push(await outcome(client.callTool("frozen", "increment", {})));
      const totalMs = performance.now() - started;
      recordFigure(`adapters.frozen.${path.slice(1)}.fiveCallsS`, (totalMs / 1000).toFixed(2));
      console.log(`each: ${results.map((r) => `${r.error?.name} ${Math.round(r.ms)} ms`).join(", ")}`);

      expect(totalMs).toBeLessThan(10_000);
      expect(results[0]?.error).toMatchObject({
        name: "ToolTimeoutError",
        serverName: "frozen",
        toolName: "increment",
        mayStillRun: true,
        message: "frozen.increment timed out after 3000 ms; the call may still be running on the server and was not repeated",
      });
      for (const later of results.slice(1)) {
        expect(later.error).toMatchObject({ name: "ServerUnresponsiveError", serverName: "frozen", message: expect.stringMatching(/^server "frozen" .*stopped answering pings/) });
        expect(later.ms).toBeLessThan(500);
      }
      const frozenStatus = client.status().frozen;
      expect(frozenStatus).toMatchObject({ state: "unresponsive", toolCount: 6, error: expect.stringContaining("stopped answering pings") });
      // Its tools stay in the catalog; only calls are refused.
      expect(client.catalog().map((tool) => tool.bridgedName)).toContain("frozen__increment");

      stop = true;
      await background;
      expect(otherCalls.length).toBeGreaterThan(5);
      for (const call of otherCalls) expect(call).toMatchObject({ text: "42" });
      expect(Math.max(...otherCalls.map((call) => call.ms))).toBeLessThan(1_500);

      thaw(frozen);
      const thawed = performance.now();
      await vi.waitFor(() => expect(client.status().frozen?.state).toBe("connected"), { timeout: 5_000, interval: 20 });
      recordFigure(`adapters.frozen.${path.slice(1)}.connectedAfterSigcontMs`, Math.round(performance.now() - thawed));
      expect(client.status().frozen).toMatchObject({ state: "connected", toolCount: 6 });
      expect(client.status().frozen?.error).toBeUndefined();
      // The timed-out call ran once the server woke up (counter 1); the refused ones never went out.
      expect(resultText(await client.callTool("frozen", "increment", {}))).toBe("2");
      expect(states).toEqual(["connecting", "connected", "unresponsive", "connected"]);
    } finally {
      stop = true;
      await background;
      thaw(frozen);
    }
  }, 60_000);

  it("works the same over stdio", async () => {
    const client = connectTo(
      { local: { ...tsxCommand("./fixture-servers/stdio-server.ts"), stderr: "ignore" } },
      { connectTimeoutMs: 40_000, callTimeoutMs: 3_000, reconnect: { initialDelayMs: 50, maxDelayMs: 300 } },
    );
    expect((await client.connect()).local?.state).toBe("connected");
    const pid = Number(resultText(await client.callTool("local", "pid", {})));
    try {
      process.kill(pid, "SIGSTOP");
      expect((await outcome(client.callTool("local", "echo", { message: "hi" }))).error?.name).toBe("ToolTimeoutError");
      const refused = await outcome(client.callTool("local", "echo", { message: "hi" }));
      expect(refused.error).toMatchObject({ name: "ServerUnresponsiveError", serverName: "local" });
      expect(refused.ms).toBeLessThan(500);
      process.kill(pid, "SIGCONT");
      await vi.waitFor(() => expect(client.status().local?.state).toBe("connected"), { timeout: 5_000, interval: 20 });
      expect(resultText(await client.callTool("local", "echo", { message: "back" }))).toBe("back");
      expect(resultText(await client.callTool("local", "pid", {}))).toBe(String(pid));
    } finally {
      try {
        process.kill(pid, "SIGCONT");
      } catch {
        // Already gone.
      }
    }
  }, 60_000);

  it("close() ends the background pings at once while the server is still frozen", async () => {
    const frozen = await server();
    const client = connectTo({ frozen: { url: `http://127.0.0.1:${frozen.port}/mcp` } }, { callTimeoutMs: 1_000, reconnect: { initialDelayMs: 50, maxDelayMs: 200 } });
    await client.connect();
    try {
      freeze(frozen);
      await expect(client.callTool("frozen", "echo", { message: "hi" })).rejects.toMatchObject({ name: "ToolTimeoutError" });
      await vi.waitFor(() => expect(client.status().frozen?.state).toBe("unresponsive"), { timeout: 3_000, interval: 20 });
      const started = performance.now();
      await client.close();
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(client.status().frozen?.state).toBe("closed");
      await expect(client.callTool("frozen", "echo", { message: "hi" })).rejects.toMatchObject({ name: "ServerUnavailableError", reason: "the client is closed" });
    } finally {
      thaw(frozen);
    }
  }, 30_000);
});

describe.concurrent("settle() and connect() during a reconnect backoff", () => {
  it("find a server restarted on the same port without waiting out the backoff", async () => {
    const second = standbyChild("./fixture-servers/child-server.ts");
    standbys.add(second);
    const first = await server();
    // A long backoff, so that only hurrying the next attempt can explain a quick reconnection.
    const options = { reconnect: { initialDelayMs: 10_000, maxDelayMs: 10_000, maxAttempts: 5 } };
    const settling = connectTo({ counter: { url: `http://127.0.0.1:${first.port}/mcp` } }, options);
    const connecting = connectTo({ counter: { url: `http://127.0.0.1:${first.port}/mcp` } }, options);
    await Promise.all([settling.connect(), connecting.connect()]);

    await first.kill("SIGKILL");
    // The first attempt after the drop was refused: both are now in a 10 s backoff.
    for (const client of [settling, connecting]) {
      await vi.waitFor(() => expect(client.status().counter).toMatchObject({ state: "reconnecting", error: expect.stringContaining("ECONNREFUSED") }), {
        timeout: 5_000,
        interval: 20,
      });
    }
    const restarted = await second.start(first.port);
    children.add(restarted);

    const [settled, connected] = await Promise.all([outcome(settling.settle(5_000)), outcome(connecting.connect())]);
    recordFigure("adapters.restart.settleMs", Math.round(settled.ms));
    recordFigure("adapters.restart.connectMs", Math.round(connected.ms));
    expect(settled.value?.counter?.state).toBe("connected");
    expect(connected.value?.counter?.state).toBe("connected");
    expect(settled.ms).toBeLessThan(5_000);
    expect(connected.ms).toBeLessThan(5_000);
    for (const client of [settling, connecting]) expect(resultText(await client.callTool("counter", "pid", {}))).toBe(String(restarted.pid));
  }, 60_000);

  it("settle() returns within its bound when nothing settles; a call that waited for the server says it was never sent", async () => {
    const gone = await server();
    const client = connectTo({ gone: { url: `http://127.0.0.1:${gone.port}/mcp` } }, { reconnect: { initialDelayMs: 4_000, maxDelayMs: 4_000, maxAttempts: 5 } });
    await client.connect();
    await gone.kill("SIGKILL");
    await vi.waitFor(() => expect(client.status().gone?.state).toBe("reconnecting"), { timeout: 5_000, interval: 20 });

    const settled = await outcome(client.settle(500));
    expect(settled.error).toBeUndefined();
    expect(settled.value?.gone?.state).toBe("reconnecting");
    expect(settled.ms).toBeGreaterThanOrEqual(450);
    expect(settled.ms).toBeLessThan(1_500);
    expect((await outcome(client.settle(0))).ms).toBeLessThan(100);

    const waited = await outcome(client.callTool("gone", "increment", {}, { timeoutMs: 300 }));
    expect(waited.error).toMatchObject({
      name: "ToolTimeoutError",
      mayStillRun: false,
      message: "gone.increment timed out after 300 ms; it was never sent (it was still waiting for the server to be ready), so nothing ran",
    });
  }, 30_000);
});
