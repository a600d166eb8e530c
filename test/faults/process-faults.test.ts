import { afterAll, afterEach, describe, expect, it } from "vitest";
import { freePort } from "../support/processes.js";
import { PROCESS_TIMEOUT_MS, spawnServer, type ChildServer } from "../support/server-process.js";
import { recordFigure } from "../support/figures.js";
import { startHost, type HostProcess, type HostReply } from "../support/host-process.js";

/** Errors a call to a dead server may end in; each names the server and is bounded. */
const DOWN_ERRORS = ["ServerUnavailableError", "ToolTimeoutError", "ConnectionLostError"];

/**
 * Servers die for real here (SIGKILL to their process) while a host process — one MultiServerClient
 * and one graph for its whole life — keeps going. The host runs in its own process so that "no
 * crash" and "no hung process" are observable: it must answer every command, report no unhandled
 * rejection, and exit by itself after `close`.
 */
describe("servers down at start, killed and restarted under a live host process", { timeout: PROCESS_TIMEOUT_MS }, () => {
  const servers: ChildServer[] = [];
  const hosts: HostProcess[] = [];
  let survived = 0;

  afterEach(async () => {
    for (const host of hosts.splice(0)) host.kill();
    await Promise.all(servers.splice(0).map((server) => server.stop("SIGKILL")));
  });
  afterAll(() => {
    recordFigure("faults.process.survived", survived);
  });

  const expectClean = (reply: HostReply) => expect(reply.unhandled, reply.unhandled.join("\n")).toEqual([]);

  /** Closes the host and checks it ended cleanly on its own. */
  async function closeHost(host: HostProcess): Promise<void> {
    const { code, exitedByItself, closeReply } = await host.closeAndWait();
    expect(closeReply?.closed, host.stderr()).toBe(true);
    expectClean(closeReply!);
    expect(exitedByItself, `the host did not exit by itself after close:\n${host.stderr()}`).toBe(true);
    expect(code).toBe(0);
  }

  it("weather down at start: math still works, weather calls fail fast naming the server, graph answers name it", async () => {
    const math = await spawnServer("math");
    servers.push(math);
    const deadPort = await freePort();
    const host = startHost({
      servers: { math: { url: `${math.url}/mcp` }, weather: { url: `http://127.0.0.1:${deadPort}/mcp` } },
      client: { connectTimeoutMs: 3_000 },
    });
    hosts.push(host);

    const connected = await host.send({ op: "connect" });
    const status = connected.status as Record<string, { state: string; error?: string }>;
    expect(status.math?.state).toBe("connected");
    expect(status.weather?.state).toBe("failed");
    expect(status.weather?.error).toMatch(/ECONNREFUSED|refused|reach/i);

    const product = await host.send({ op: "call", server: "math", tool: "multiply", args: { a: 6, b: 7 } });
    expect(product.text).toBe("42");

    const weather = await host.send({ op: "call", server: "weather", tool: "get_weather", args: { city: "Oslo" }, timeoutMs: 3_000 });
    const error = weather.error as { name: string; message: string };
    expect(error.name).toBe("ServerUnavailableError");
    expect(error.message).toContain('"weather"');
    expect(weather.elapsedMs as number).toBeLessThan(3_000);

    const viaGraph = await host.send({ op: "ask", question: "What is the weather in Berlin?" });
    expect(String(viaGraph.answer)).toMatch(/weather/i);
    expect(String(viaGraph.answer)).toMatch(/unavailable|not available|down|could not/i);
    expect(viaGraph.calls).toEqual([]);
    const mathViaGraph = await host.send({ op: "ask", question: "What is 6 times 7?" });
    expect(String(mathViaGraph.answer)).toContain("42");

    await closeHost(host);
    survived++;
  });

  it("math killed mid-session and restarted on the same port: its Streamable HTTP and SSE sessions recover in the same host", async () => {
    let math = await spawnServer("math");
    servers.push(math);
    const port = math.port;
    // The same server twice, once per transport, so one kill exercises both reconnection paths.
    const host = startHost({
      servers: { math: { url: `${math.url}/mcp`, transport: "http" }, mathsse: { url: `${math.url}/sse`, transport: "sse" } },
      client: { reconnect: { initialDelayMs: 50, maxDelayMs: 500 } },
    });
    hosts.push(host);
    const connected = (await host.send({ op: "connect" })).status as Record<string, { state: string }>;
    expect([connected.math?.state, connected.mathsse?.state]).toEqual(["connected", "connected"]);
    for (const server of ["math", "mathsse"]) expect((await host.send({ op: "call", server, tool: "add", args: { a: 40, b: 2 } })).text).toBe("42");
    expect(String((await host.send({ op: "ask", question: "What is 6 times 7?" })).answer)).toContain("42");

    await math.stop("SIGKILL");

    // While it is down: a bounded failure that names the server (or a result, had it come back in time).
    for (const server of ["math", "mathsse"]) {
      const whileDown = await host.send({ op: "call", server, tool: "multiply", args: { a: 3, b: 5 }, timeoutMs: 1_500 });
      if (whileDown.error) {
        const error = whileDown.error as { name: string; message: string };
        expect(DOWN_ERRORS, `${error.name}: ${error.message}`).toContain(error.name);
        expect(error.message).toContain(server);
      }
      expect(whileDown.elapsedMs as number).toBeLessThan(1_500 + 1_500);
    }

    math = await spawnServer("math", { port });
    servers.push(math);
    for (const server of ["math", "mathsse"]) {
      const after = await host.send({ op: "call", server, tool: "multiply", args: { a: 2147483648, b: 2147483648 }, timeoutMs: 15_000 });
      expect(after.error, JSON.stringify(after)).toBeUndefined();
      expect(after.text).toBe("4611686018427387904");
    }
    const asked = await host.send({ op: "ask", question: "What is 12 times 12?" });
    expect(String(asked.answer)).toContain("144");
    const status = (await host.send({ op: "status" })).status as Record<string, { state: string }>;
    expect([status.math?.state, status.mathsse?.state]).toEqual(["connected", "connected"]);

    await closeHost(host);
    survived++;
  });

  it("a question asked while the host waits out a reconnect backoff, just after math restarted, is answered by math", async () => {
    let math = await spawnServer("math");
    servers.push(math);
    // A backoff far longer than the test: only the turn hurrying the next attempt can explain an answer.
    const host = startHost({ servers: { math: { url: `${math.url}/mcp` } }, client: { reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000 } } });
    hosts.push(host);
    expect(String((await host.send({ op: "ask", question: "What is 6 times 7?" })).answer)).toContain("42");

    await math.stop("SIGKILL");
    await host.send({ op: "call", server: "math", tool: "add", args: { a: 1, b: 2 }, timeoutMs: 1_500 });
    await expect
      .poll(async () => ((await host.send({ op: "status" })).status as Record<string, { state: string }>).math?.state, { timeout: 10_000, interval: 100 })
      .toBe("reconnecting");
    math = await spawnServer("math", { port: math.port });
    servers.push(math);

    const asked = await host.send({ op: "ask", question: "What is 12 times 12?" });
    expectClean(asked);
    expect(String(asked.answer)).toContain("144");
    recordFigure("faults.process.ask-during-backoff-ms", Math.round(asked.elapsedMs as number));
    // The turn waits about a second for the reconnect, not the backoff.
    expect(asked.elapsedMs as number).toBeLessThan(5_000);
    await closeHost(host);
    survived++;
  });

  it("both servers killed: questions get a clear answer naming them; both restarted: everything works again", async () => {
    let math = await spawnServer("math");
    let weather = await spawnServer("weather");
    servers.push(math, weather);
    const host = startHost({
      servers: { math: { url: `${math.url}/mcp` }, weather: { url: `${weather.url}/mcp` } },
      client: { connectTimeoutMs: 2_000, reconnect: { initialDelayMs: 50, maxDelayMs: 200, maxAttempts: 2 } },
    });
    hosts.push(host);
    await host.send({ op: "connect" });

    await Promise.all([math.stop("SIGKILL"), weather.stop("SIGKILL")]);
    const nothing = await host.send({ op: "ask", question: "What is 6 times 7?" }, 30_000);
    expect(String(nothing.answer)).toMatch(/math/);
    expect(String(nothing.answer)).toMatch(/unavailable|not available|could not|no .*server/i);

    [math, weather] = await Promise.all([spawnServer("math", { port: math.port }), spawnServer("weather", { port: weather.port })]);
    servers.push(math, weather);
    // No explicit reconnect: the next question itself must find the servers again.
    expect(String((await host.send({ op: "ask", question: "What is 6 times 7?" })).answer)).toContain("42");
    expect(String((await host.send({ op: "ask", question: "What is the weather in Oslo?" })).answer)).toMatch(/Oslo/);

    await closeHost(host);
    survived++;
  });
});
