import { afterAll, describe, expect, it, vi } from "vitest";
import { MultiServerClient, resultText, type MultiServerClientOptions, type ServerState } from "./index.js";
import { standbyChild, startChild, type ChildHandle, type Standby } from "../test/support/processes.js";
import { openTcpGate } from "../test/support/tcp-gate.js";

// Real server processes, killed by PID and started again on the same port. The replacement is
// spawned up front in standby (loaded, not listening) so the tests do not wait for a process start.
const processes = new Set<{ kill(): Promise<void> }>();
const clients: MultiServerClient[] = [];

async function serverPair(): Promise<{ first: ChildHandle; second: Standby }> {
  const second = standbyChild("./fixture-servers/child-server.ts");
  processes.add(second);
  const first = await startChild("./fixture-servers/child-server.ts", ["0"]);
  processes.add(first);
  return { first, second };
}

/** Kills `first` by PID, then lets `second` listen on the port `first` had. */
async function restart(first: ChildHandle, second: Standby, gapMs = 0): Promise<ChildHandle> {
  await first.kill("SIGKILL");
  if (gapMs) await new Promise((resolve) => setTimeout(resolve, gapMs));
  return second.start(first.port);
}

function connectTo(port: number, options: MultiServerClientOptions = {}, path = "/mcp"): MultiServerClient {
  const client = new MultiServerClient(
    { counter: { url: `http://127.0.0.1:${port}${path}` } },
    { connectTimeoutMs: 20_000, callTimeoutMs: 20_000, reconnect: { initialDelayMs: 50, maxDelayMs: 400, maxAttempts: 8 }, ...options },
  );
  clients.push(client);
  return client;
}

afterAll(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all([...processes].map((child) => child.kill()));
});

describe.concurrent("a server that is killed and started again on the same port", () => {
  it("answers the next call through the same client, over Streamable HTTP and over SSE", async () => {
    const { first, second } = await serverPair();
    const states: ServerState[] = [];
    const http = connectTo(first.port, { onStatusChange: (_server, status) => states.push(status.state) }, "/mcp");
    const sse = connectTo(first.port, {}, "/sse");
    const [httpStatus, sseStatus] = await Promise.all([http.connect(), sse.connect()]);
    expect([httpStatus.counter?.transport, sseStatus.counter?.transport]).toEqual(["http", "sse"]);
    for (const client of [http, sse]) expect(resultText(await client.callTool("counter", "pid", {}))).toBe(String(first.pid));

    await first.kill("SIGKILL");
    await vi.waitFor(() => {
      for (const client of [http, sse]) expect(client.status().counter?.state).not.toBe("connected");
    }, { timeout: 3_000 });
    expect(http.catalog()).toEqual([]);

    const restarted = await second.start(first.port);
    expect(restarted.port).toBe(first.port);
    for (const client of [http, sse]) {
      expect(resultText(await client.callTool("counter", "pid", {}))).toBe(String(second.pid));
      expect(client.status().counter).toMatchObject({ state: "connected", toolCount: 6 });
    }
    expect(http.catalog().map((tool) => tool.bridgedName)).toContain("counter__increment");
    expect(states).toContain("reconnecting");
    expect(states.at(-1)).toBe("connected");
  }, 60_000);

  it("retries a read-only call that was in flight, but not a non-idempotent one", async () => {
    const { first, second } = await serverPair();
    const client = connectTo(first.port);
    await client.connect();
    const readOnly = client.callTool("counter", "slow_echo", { message: "again", ms: 1_000 });
    const unsafe = client.callTool("counter", "slow_increment", { message: "once", ms: 1_000 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await restart(first, second, 100);

    expect(resultText(await readOnly)).toBe("again");
    expect(await unsafe).toMatchObject({
      name: "ConnectionLostError",
      serverName: "counter",
      toolName: "slow_increment",
      message: expect.stringContaining("not retried"),
    });
    // The new process never saw the unsafe call: its counter starts from scratch.
    expect(resultText(await client.callTool("counter", "increment", {}))).toBe("1");
  }, 60_000);
});

describe("an attempt that began before the server came back", () => {
  it("is followed at once by a fresh one for settle() and connect(); a server still down is not retried faster", async () => {
    const server = await startChild("./fixture-servers/child-server.ts", ["0"]);
    processes.add(server);
    const gate = await openTcpGate(server.port);
    processes.add({ kill: () => gate.close() });
    // A long backoff, so that only a fresh attempt right after the held one explains a quick reconnection.
    const options = { reconnect: { initialDelayMs: 10_000, maxDelayMs: 10_000, maxAttempts: 5 } };
    const settling = connectTo(gate.port, options);
    const connecting = connectTo(gate.port, options);
    await Promise.all([settling.connect(), connecting.connect()]);

    // The server goes away: both clients wait out a 10 s backoff.
    gate.mode = "refuse";
    gate.cut();
    for (const client of [settling, connecting]) {
      await vi.waitFor(() => expect(client.status().counter).toMatchObject({ state: "reconnecting", error: expect.any(String) }), { timeout: 5_000, interval: 20 });
    }
    // An earlier caller's attempt is under way, held without an answer, when the server comes back.
    gate.mode = "hold";
    const earlier = [settling.connect(), connecting.connect()];
    await vi.waitFor(() => expect(gate.held).toBe(2), { timeout: 5_000, interval: 20 });
    const started = performance.now();
    const settled = settling.settle(5_000);
    const connected = connecting.connect().then(() => connecting.status());
    gate.mode = "forward";
    gate.cut();
    await Promise.all(earlier);
    const [afterSettle, afterConnect] = await Promise.all([settled, connected]);
    expect(afterSettle.counter?.state).toBe("connected");
    expect(afterConnect.counter?.state).toBe("connected");
    expect(performance.now() - started).toBeLessThan(5_000);

    // Down again: settle() makes one fresh attempt, then waits out its bound rather than retry in a loop.
    gate.mode = "refuse";
    gate.cut();
    await vi.waitFor(() => expect(settling.status().counter?.state).toBe("reconnecting"), { timeout: 5_000, interval: 20 });
    const before = gate.accepted;
    const stillDown = await settling.settle(1_000);
    expect(stillDown.counter?.state).toBe("reconnecting");
    expect(gate.accepted - before).toBeGreaterThanOrEqual(1);
    expect(gate.accepted - before).toBeLessThanOrEqual(3);
  }, 60_000);
});
