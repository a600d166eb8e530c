import { afterAll, describe, expect, it, vi } from "vitest";
import { MultiServerClient, resultText, type MultiServerClientOptions, type ServerState } from "./index.js";
import { standbyChild, startChild, type ChildHandle, type Standby } from "../test/support/processes.js";

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
