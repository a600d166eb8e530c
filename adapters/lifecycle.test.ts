import { AsyncLocalStorage } from "node:async_hooks";
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MultiServerClient, resultText } from "./index.js";
import { startFixtureHost, type FixtureHost } from "../test/support/fixture-servers/http-host.js";
import { counterTools } from "../test/support/fixture-servers/mcp-server.js";
import { tsxCommand } from "../test/support/processes.js";

const stdioFixture = tsxCommand("./fixture-servers/stdio-server.ts");

let host: FixtureHost;
beforeAll(async () => {
  host = await startFixtureHost(counterTools());
});
afterAll(async () => {
  await host.close();
});

describe.concurrent("process lifecycle", () => {
  describe("stdio servers", () => {
    it("are started, called, and started again after their process dies", async () => {
      const client = new MultiServerClient(
        { local: { ...stdioFixture, stderr: "ignore" } },
        // Starting a stdio child through tsx is slow on a busy machine; the timeouts are only guards here.
        { reconnect: { initialDelayMs: 50, maxDelayMs: 200, maxAttempts: 5 }, connectTimeoutMs: 40_000, callTimeoutMs: 40_000 },
      );
      try {
        expect((await client.connect()).local).toMatchObject({ state: "connected", transport: "stdio", serverInfo: { name: "StdioFixture" } });
        expect(resultText(await client.callTool("local", "add", { a: 40, b: 2 }))).toBe("42");
        const firstPid = Number(resultText(await client.callTool("local", "pid", {})));
        process.kill(firstPid, "SIGKILL");
        // pid is read-only: if the call meets the dying process it is repeated on the new one.
        const secondPid = Number(resultText(await client.callTool("local", "pid", {})));
        expect(secondPid).not.toBe(firstPid);
        expect(client.status().local?.state).toBe("connected");
      } finally {
        await client.close();
      }
    }, 120_000);

    it("report a command that cannot start", async () => {
      const client = new MultiServerClient({ missing: { command: "/nonexistent/mcp-server" } });
      try {
        expect((await client.connect()).missing).toMatchObject({ state: "failed", error: expect.stringContaining("ENOENT") });
      } finally {
        await client.close();
      }
    });
  });

  describe("close()", () => {
    it("leaves nothing that keeps the process alive", async () => {
      const config = {
        http: { url: `${host.url}/mcp` },
        sse: { url: `${host.url}/sse` },
        stdio: { ...stdioFixture, stderr: "ignore" as const },
      };
      const { command, args } = tsxCommand("./fixture-servers/close-check.ts", [JSON.stringify(config)]);
      const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const exit = new Promise<number | null>((resolve) => child.once("exit", resolve));
      let closedAt = 0;
      child.stdout.on("data", () => {
        if (!closedAt && output.includes("CLOSED")) closedAt = Date.now();
      });
      // Only a guard: a child that hangs is killed, and the exit code below then fails the test.
      const timer = setTimeout(() => child.kill("SIGKILL"), 100_000);
      try {
        const code = await exit;
        expect(output).toMatch(/^CLOSED /);
        const report = JSON.parse(output.slice("CLOSED ".length)) as { status: Record<string, { state: string }>; active: string[] };
        expect(Object.values(report.status).map((entry) => entry.state)).toEqual(["connected", "connected", "connected"]);
        expect(code).toBe(0);
        // Exiting on its own, promptly: nothing (socket, timer, child process) was left running.
        expect(Date.now() - closedAt).toBeLessThan(3_000);
      } finally {
        clearTimeout(timer);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
    }, 120_000);
  });
});

describe("clients that come and go", () => {
  it("share one async context for their calls: Node walks every one ever entered at each promise", async () => {
    // An AsyncLocalStorage per connection made each later question slower by every client closed before.
    const entered = new Set<AsyncLocalStorage<unknown>>();
    const run = AsyncLocalStorage.prototype.run;
    AsyncLocalStorage.prototype.run = function (this: AsyncLocalStorage<unknown>, ...args: Parameters<typeof run>) {
      entered.add(this);
      return run.apply(this, args);
    } as typeof run;
    try {
      for (let i = 0; i < 5; i++) {
        const client = new MultiServerClient({ counter: { url: `${host.url}/mcp` } });
        try {
          expect(resultText(await client.callTool("counter", "add", { a: i, b: 1 }))).toBe(String(i + 1));
        } finally {
          await client.close();
        }
      }
    } finally {
      AsyncLocalStorage.prototype.run = run;
    }
    expect(entered.size).toBe(1);
  });
});
