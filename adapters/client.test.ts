import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { MultiServerClient, type ServersConfig, type ServerStatus, type ToolInfo } from "./index.js";
import { startFixtureHost, type FixtureHost } from "../test/support/fixture-servers/http-host.js";
import { sleep, text, type FixtureTool } from "../test/support/fixture-servers/mcp-server.js";
import { freePort } from "../test/support/processes.js";

const numbers = {
  type: "object" as const,
  properties: { a: { type: "integer" }, b: { type: "integer" } },
  required: ["a", "b"],
};

function arithmetic(): FixtureTool[] {
  return [
    { name: "add", inputSchema: numbers, annotations: { readOnlyHint: true }, run: (args) => text(String(Number(args.a) + Number(args.b))) },
    {
      name: "divide",
      inputSchema: numbers,
      run: (args) => (Number(args.b) === 0 ? text("cannot divide by zero", { isError: true }) : text(String(Number(args.a) / Number(args.b)))),
    },
    {
      name: "slow",
      inputSchema: { type: "object", properties: { ms: { type: "integer" } }, required: ["ms"] },
      run: async (args, signal) => {
        await sleep(Number(args.ms), signal);
        return text("done");
      },
    },
  ];
}

const hosts: FixtureHost[] = [];
const clients: MultiServerClient[] = [];

async function host(tools: FixtureTool[], options: Parameters<typeof startFixtureHost>[1] = {}): Promise<FixtureHost> {
  const started = await startFixtureHost(tools, options);
  hosts.push(started);
  return started;
}

function client(config: ServersConfig, options: ConstructorParameters<typeof MultiServerClient>[1] = {}): MultiServerClient {
  const created = new MultiServerClient(config, { connectTimeoutMs: 10_000, callTimeoutMs: 10_000, ...options });
  clients.push(created);
  return created;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((created) => created.close()));
});

afterAll(async () => {
  await Promise.all(hosts.splice(0).map((started) => started.close()));
});

describe("one server", () => {
  let math: FixtureHost;
  beforeAll(async () => {
    math = await host(arithmetic(), { name: "MathFixture" });
  });

  it("connects, lists the tools and calls one", async () => {
    const mcp = client({ math: { url: `${math.url}/mcp` } });
    const status = await mcp.connect();
    expect(status.math).toEqual({ state: "connected", transport: "http", toolCount: 3, serverInfo: { name: "MathFixture", version: "1.0.0" } });
    expect(mcp.catalog().map((tool) => tool.bridgedName)).toEqual(["math__add", "math__divide", "math__slow"]);
    expect(mcp.catalog()[0]).toMatchObject({ server: "math", name: "add", inputSchema: numbers, annotations: { readOnlyHint: true } });
    // One frozen array until something changes: callers may cache by identity and cannot edit schemas.
    expect(mcp.catalog()).toBe(mcp.catalog());
    expect(Object.isFrozen(mcp.catalog()[0]?.inputSchema)).toBe(true);

    const result = await mcp.callTool("math", "add", { a: 2, b: 40 });
    expect(result.content).toEqual([{ type: "text", text: "42" }]);
    expect(await mcp.callBridgedTool("math__add", { a: 1, b: 1 })).toMatchObject({ content: [{ type: "text", text: "2" }] });
    expect(mcp.resolveTool("math__divide")).toEqual({ server: "math", tool: "divide" });
    expect(mcp.resolveTool("math__nope")).toBeUndefined();
  });

  it("never sends arguments that do not match the schema", async () => {
    const mcp = client({ math: { url: `${math.url}/mcp` } });
    await mcp.connect();
    const before = math.state.calls.length;
    const error = await mcp.callTool("math", "add", { a: "two", b: 1.5 }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: "InvalidToolArgumentsError", serverName: "math", toolName: "add" });
    expect((error as Error).message).toMatch(/a: .*Expected "integer"/);
    expect((error as Error).message).toMatch(/b: .*Expected "integer"/);
    await expect(mcp.callTool("math", "add", { a: 1 })).rejects.toMatchObject({ name: "InvalidToolArgumentsError" });
    expect(math.state.calls.length).toBe(before);
  });

  it("names unknown tools and servers", async () => {
    const mcp = client({ math: { url: `${math.url}/mcp` } });
    await mcp.connect();
    await expect(mcp.callTool("math", "pow", {})).rejects.toMatchObject({ name: "UnknownToolError", message: expect.stringContaining("add, divide, slow") });
    await expect(mcp.callTool("physics", "add", {})).rejects.toMatchObject({ name: "UnknownServerError" });
    await expect(mcp.callBridgedTool("math__pow", {})).rejects.toMatchObject({ name: "UnknownToolError" });
  });

  it("returns isError results as they are", async () => {
    const mcp = client({ math: { url: `${math.url}/mcp` } });
    await mcp.connect();
    const result = await mcp.callTool("math", "divide", { a: 1, b: 0 });
    expect(result).toMatchObject({ isError: true, content: [{ type: "text", text: "cannot divide by zero" }] });
  });

  it("times a slow tool out and stays usable", async () => {
    const mcp = client({ math: { url: `${math.url}/mcp` } });
    await mcp.connect();
    const started = Date.now();
    await expect(mcp.callTool("math", "slow", { ms: 5_000 }, { timeoutMs: 200 })).rejects.toMatchObject({
      name: "ToolTimeoutError",
      timeoutMs: 200,
      mayStillRun: true,
      message: "math.slow timed out after 200 ms; the call may still be running on the server and was not repeated",
    });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(await mcp.callTool("math", "add", { a: 1, b: 2 })).toMatchObject({ content: [{ text: "3" }] });
    expect(mcp.status().math?.state).toBe("connected");
  });

  it("uses the server's timeoutMs when the call gives none", async () => {
    const mcp = client({ math: { url: `${math.url}/mcp`, timeoutMs: 150 } });
    await mcp.connect();
    await expect(mcp.callTool("math", "slow", { ms: 5_000 })).rejects.toMatchObject({ name: "ToolTimeoutError", timeoutMs: 150 });
  });

  it("stops waiting when the caller aborts", async () => {
    const mcp = client({ math: { url: `${math.url}/mcp` } });
    await mcp.connect();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("user left")), 100);
    await expect(mcp.callTool("math", "slow", { ms: 5_000 }, { signal: controller.signal })).rejects.toMatchObject({
      name: "ToolCallAbortedError",
      message: "math.slow was aborted: user left",
    });
  });

  it("reads every page of the tool list", async () => {
    const many = Array.from({ length: 7 }, (_, i): FixtureTool => ({ name: `tool_${i}`, run: () => text(String(i)) }));
    const paged = await host(many, { pageSize: 2 });
    const mcp = client({ paged: { url: `${paged.url}/mcp` } });
    await mcp.connect();
    expect(mcp.catalog().map((tool) => tool.name)).toEqual(many.map((tool) => tool.name));
  });

  it("refreshes the catalog on tools/list_changed", async () => {
    const changing = await host([{ name: "first", run: () => text("1") }], { pageSize: 1 });
    const seen: string[][] = [];
    const mcp = client({ live: { url: `${changing.url}/mcp` } }, { onToolsChanged: (_server, tools) => seen.push(tools.map((tool) => tool.name)) });
    await mcp.connect();
    expect(mcp.getTools().map((tool) => tool.name)).toEqual(["live__first"]);
    const before = mcp.catalog();

    await changing.state.setTools([
      { name: "first", run: () => text("1") },
      { name: "second", run: () => text("2") },
    ]);
    await vi.waitFor(() => expect(mcp.catalog().map((tool) => tool.name)).toEqual(["first", "second"]), { timeout: 2_000 });
    expect(mcp.catalog()).not.toBe(before);
    expect(mcp.getTools().map((tool) => tool.name)).toEqual(["live__first", "live__second"]);
    expect(seen.at(-1)).toEqual(["first", "second"]);
    expect((await mcp.callTool("live", "second", {})).content).toEqual([{ type: "text", text: "2" }]);

    await changing.state.setTools([{ name: "second", run: () => text("2") }]);
    await vi.waitFor(() => expect(mcp.catalog().map((tool) => tool.name)).toEqual(["second"]), { timeout: 2_000 });
    await expect(mcp.callTool("live", "first", {})).rejects.toMatchObject({ name: "UnknownToolError" });
  });
});

describe("several servers", () => {
  it("keeps two servers' tools of the same name apart", async () => {
    const left = await host([{ name: "whoami", run: () => text("left") }]);
    const right = await host([{ name: "whoami", run: () => text("right") }]);
    const mcp = client({ left: { url: `${left.url}/mcp` }, right: { url: `${right.url}/sse` } });
    await mcp.connect();
    expect(mcp.catalog().map((tool) => tool.bridgedName)).toEqual(["left__whoami", "right__whoami"]);
    expect(mcp.getTools().map((tool) => tool.name)).toEqual(["left__whoami", "right__whoami"]);
    expect((await mcp.callBridgedTool("left__whoami", {})).content).toEqual([{ type: "text", text: "left" }]);
    expect((await mcp.callBridgedTool("right__whoami", {})).content).toEqual([{ type: "text", text: "right" }]);
    expect(mcp.status().right?.transport).toBe("sse");
  });

  it("keeps the tool objects of servers whose tools did not change in a new catalog", async () => {
    const steady = await host(arithmetic());
    const changing = await host([{ name: "first", run: () => text("1") }]);
    const mcp = client({ steady: { url: `${steady.url}/mcp` }, live: { url: `${changing.url}/mcp` } });
    await mcp.connect();
    const before = mcp.catalog();

    await changing.state.setTools([
      { name: "first", run: () => text("1") },
      { name: "second", run: () => text("2") },
    ]);
    await vi.waitFor(() => expect(mcp.catalog().map((tool) => tool.bridgedName)).toContain("live__second"), { timeout: 2_000 });
    const after = mcp.catalog();
    expect(after).not.toBe(before);
    const steadyTools = (catalog: readonly ToolInfo[]) => catalog.filter((tool) => tool.server === "steady");
    expect(steadyTools(after)).toHaveLength(3);
    steadyTools(after).forEach((tool, i) => expect(tool).toBe(steadyTools(before)[i]));
    expect(after.find((tool) => tool.bridgedName === "live__first")).not.toBe(before.find((tool) => tool.bridgedName === "live__first"));
    expect(Object.isFrozen(after.find((tool) => tool.bridgedName === "live__second")?.inputSchema)).toBe(true);
  });

  it("connects twenty servers concurrently", async () => {
    // Each HTTP request waits 250 ms; a connection takes four of them, so one after another would take 20 s.
    const twenty = await Promise.all(
      Array.from({ length: 20 }, (_, i) => host([{ name: "ping", run: () => text(`pong ${i}`) }], { latencyMs: 250 })),
    );
    const config = Object.fromEntries(twenty.map((started, i) => [`s${i}`, { url: `${started.url}/mcp` }]));
    const mcp = client(config);
    const started = Date.now();
    const status = await mcp.connect();
    const elapsed = Date.now() - started;
    expect(Object.values(status).map((entry) => entry.state)).toEqual(Array(20).fill("connected"));
    expect(elapsed).toBeLessThan(6_000);
    expect(mcp.catalog()).toHaveLength(20);
    const results = await Promise.all(twenty.map((_, i) => mcp.callTool(`s${i}`, "ping", {})));
    expect(results.map((result) => result.content[0])).toEqual(twenty.map((_, i) => ({ type: "text", text: `pong ${i}` })));
  });

  it("works with the servers that are up when one is down at start, and picks it up later", async () => {
    const up = await host(arithmetic());
    const downPort = await freePort();
    const statuses: Array<[string, ServerStatus]> = [];
    const mcp = client(
      { up: { url: `${up.url}/mcp` }, down: { url: `http://127.0.0.1:${downPort}/mcp` } },
      { onStatusChange: (server, status) => statuses.push([server, status]) },
    );
    const status = await mcp.connect();
    expect(status.up?.state).toBe("connected");
    expect(status.down).toMatchObject({ state: "failed", toolCount: 0, error: expect.stringContaining("ECONNREFUSED") });
    expect(mcp.catalog().every((tool: ToolInfo) => tool.server === "up")).toBe(true);
    expect((await mcp.callTool("up", "add", { a: 1, b: 1 })).content).toEqual([{ type: "text", text: "2" }]);
    await expect(mcp.callTool("down", "add", { a: 1, b: 1 })).rejects.toMatchObject({ name: "ServerUnavailableError", serverName: "down" });

    const late = await host([{ name: "hello", run: () => text("hi") }], { port: downPort });
    expect(late.port).toBe(downPort);
    expect((await mcp.connect()).down?.state).toBe("connected");
    expect(mcp.catalog().map((tool) => tool.bridgedName)).toContain("down__hello");
    expect(statuses.filter(([server]) => server === "down").map(([, entry]) => entry.state)).toEqual([
      "connecting",
      "failed", // connect()
      "connecting",
      "failed", // the call's own attempt
      "connecting",
      "connected", // connect() again
    ]);
  });

  it("gives up connecting to a server that never answers, without holding up the others", async () => {
    const sockets = new Set<Socket>();
    const silent: HttpServer = createServer(() => undefined);
    silent.on("connection", (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const fast = await host(arithmetic());
    try {
      const mcp = client({
        silent: { url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/mcp`, connectTimeoutMs: 300 },
        fast: { url: `${fast.url}/mcp` },
      });
      const started = Date.now();
      const status = await mcp.connect();
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(status.silent).toMatchObject({ state: "failed", error: "timed out after 300 ms connecting" });
      expect(status.fast?.state).toBe("connected");
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe("a call that times out before it could be sent", () => {
  it("says it was never sent", async () => {
    const sockets = new Set<Socket>();
    const silent: HttpServer = createServer(() => undefined);
    silent.on("connection", (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      // Never connected: the call waits for the connection attempt, which the silent server never answers.
      const mcp = client({ silent: { url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/mcp`, connectTimeoutMs: 5_000 } });
      await expect(mcp.callTool("silent", "add", { a: 1, b: 2 }, { timeoutMs: 200 })).rejects.toMatchObject({
        name: "ToolTimeoutError",
        mayStillRun: false,
        message: "silent.add timed out after 200 ms; it was never sent (it was still waiting for the server to be ready), so nothing ran",
      });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe("recovery after the server went away (in process; reconnect.test.ts kills real processes)", () => {
  /** A connected client and a server on a fixed port the test can stop and start again; all closed at the end. */
  async function withRestartable(
    run: (context: { mcp: MultiServerClient; stop(): Promise<void>; start(): Promise<FixtureHost> }) => Promise<void>,
  ): Promise<void> {
    let server = await startFixtureHost(arithmetic());
    const port = server.port;
    try {
      const mcp = client({ math: { url: `${server.url}/mcp` } }, { reconnect: { initialDelayMs: 20, maxDelayMs: 100, maxAttempts: 8 } });
      await mcp.connect();
      await run({ mcp, stop: () => server.close(), start: async () => (server = await startFixtureHost(arithmetic(), { port })) });
    } finally {
      await server.close();
    }
  }

  it("holds a call that arrives while the server is down until it is back", () =>
    withRestartable(async ({ mcp, stop, start }) => {
      await stop();
      await vi.waitFor(() => expect(mcp.status().math?.state).not.toBe("connected"), { timeout: 3_000 });
      // divide is not annotated idempotent: it may only go out once it can be delivered.
      const pending = mcp.callTool("math", "divide", { a: 84, b: 2 });
      pending.catch(() => undefined); // awaited below; until then a rejection must not count as unhandled
      await sleep(300);
      const server = await start();
      expect((await pending).content).toEqual([{ type: "text", text: "42" }]);
      expect(server.state.calls).toEqual([{ tool: "divide", args: { a: 84, b: 2 } }]);
    }));

  it("marks the server failed after the bounded backoff and connects again on demand", () =>
    withRestartable(async ({ mcp, stop, start }) => {
      await stop();
      await vi.waitFor(() => expect(mcp.status().math).toMatchObject({ state: "failed", error: expect.stringContaining("ECONNREFUSED") }), {
        timeout: 3_000,
      });
      await expect(mcp.callTool("math", "add", { a: 1, b: 1 })).rejects.toMatchObject({ name: "ServerUnavailableError", serverName: "math" });
      await start();
      expect((await mcp.callTool("math", "add", { a: 1, b: 1 })).content).toEqual([{ type: "text", text: "2" }]);
      expect(mcp.status().math?.state).toBe("connected");
    }));
});

describe("transports", () => {
  it("falls back from Streamable HTTP to SSE at the sibling /sse endpoint", async () => {
    const legacy = await host(arithmetic(), { transports: ["sse"] });
    const mcp = client({ legacy: { url: `${legacy.url}/mcp` } });
    expect((await mcp.connect()).legacy).toMatchObject({ state: "connected", transport: "sse" });
    expect((await mcp.callTool("legacy", "add", { a: 20, b: 22 })).content).toEqual([{ type: "text", text: "42" }]);
  });

  it("uses the transport the configuration names", async () => {
    const both = await host(arithmetic());
    const mcp = client({ viaSse: { url: `${both.url}/sse` }, forced: { url: `${both.url}/sse`, transport: "http" } });
    const status = await mcp.connect();
    expect(status.viaSse).toMatchObject({ state: "connected", transport: "sse" });
    // Forced Streamable HTTP at an SSE-only path must fail rather than silently fall back.
    expect(status.forced).toMatchObject({ state: "failed", error: expect.stringContaining("HTTP 404") });
  });

  it("sends the configured headers", async () => {
    const seen: Array<string | undefined> = [];
    const guarded = await host([{ name: "hello", run: () => text("hi") }]);
    const proxy = createServer((req, res) => {
      seen.push(req.headers.authorization);
      const upstream = new URL(req.url ?? "/", guarded.url);
      void fetch(upstream, {
        method: req.method,
        headers: Object.fromEntries(Object.entries(req.headers).filter(([key]) => key !== "host")) as Record<string, string>,
        body: req.method === "POST" ? (req as unknown as ReadableStream) : undefined,
        duplex: "half",
      } as RequestInit).then(async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers));
        if (!response.body) return void res.end();
        for await (const chunk of response.body) res.write(chunk);
        res.end();
      }, () => res.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    try {
      const mcp = client({ guarded: { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/mcp`, headers: { Authorization: "Bearer t0ken" } } });
      await mcp.connect();
      expect((await mcp.callTool("guarded", "hello", {})).content).toEqual([{ type: "text", text: "hi" }]);
      await mcp.close();
      expect(seen.length).toBeGreaterThan(2);
      expect(new Set(seen)).toEqual(new Set(["Bearer t0ken"]));
    } finally {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });
});

describe("close", () => {
  it("closes every session and refuses calls afterwards", async () => {
    const a = await host(arithmetic());
    const b = await host(arithmetic());
    const mcp = client({ a: { url: `${a.url}/mcp` }, b: { url: `${b.url}/sse` } });
    await mcp.connect();
    expect(a.state.sessionCount + b.state.sessionCount).toBe(2);
    await mcp.close();
    expect(Object.values(mcp.status()).map((entry) => entry.state)).toEqual(["closed", "closed"]);
    expect(mcp.catalog()).toEqual([]);
    await vi.waitFor(() => expect(a.state.sessionCount + b.state.sessionCount).toBe(0), { timeout: 2_000 });
    await expect(mcp.callTool("a", "add", { a: 1, b: 1 })).rejects.toMatchObject({ name: "ServerUnavailableError", reason: "the client is closed" });
    await mcp.close();
  });
});
