import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { ClientRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MultiServerClient } from "./index.js";
import { startMathServer, type RunningServer } from "../servers/index.js";
import { startFixtureHost, type FixtureHost } from "../test/support/fixture-servers/http-host.js";
import { counterTools } from "../test/support/fixture-servers/mcp-server.js";

let math: RunningServer;
let fixture: FixtureHost;
beforeAll(async () => {
  [math, fixture] = await Promise.all([startMathServer({ port: 0, quiet: true }), startFixtureHost(counterTools())]);
});
afterAll(async () => {
  await Promise.all([math.close(), fixture.close()]);
});

/** The origins this process sent a GET to while `run` ran, by `node:http` or by `fetch` (each reports every request on its channel). */
async function getsDuring(run: () => Promise<void>): Promise<string[]> {
  const origins: string[] = [];
  const onHttp = (message: unknown) => {
    const { request } = message as { request: ClientRequest };
    if (request.method === "GET") origins.push(`${request.protocol}//${String(request.getHeader("host"))}`);
  };
  const onFetch = (message: unknown) => {
    const { request } = message as { request: { method: string; origin: string } };
    if (request.method === "GET") origins.push(request.origin);
  };
  subscribe("http.client.request.start", onHttp);
  subscribe("undici:request:create", onFetch);
  try {
    await run();
  } finally {
    unsubscribe("http.client.request.start", onHttp);
    unsubscribe("undici:request:create", onFetch);
  }
  return origins;
}

describe("the standalone GET stream", () => {
  it("is opened to a server that declares listChanged, not to one that declares nothing it would send there", async () => {
    const client = new MultiServerClient({ math: { url: `${math.url}/mcp`, transport: "http" }, fixture: { url: `${fixture.url}/mcp`, transport: "http" } });
    try {
      const gets = await getsDuring(async () => {
        const status = await client.connect();
        expect([status.math?.state, status.fixture?.state]).toEqual(["connected", "connected"]);
        await client.callTool("math", "add", { a: 2, b: 3 });
      });
      expect(gets).toContain(new URL(fixture.url).origin);
      expect(gets).not.toContain(new URL(math.url).origin);
    } finally {
      await client.close();
    }
  });

  it("is opened to every server when the client takes requests (elicitation, sampling, roots), which a server may send there", async () => {
    const client = new MultiServerClient({ math: { url: `${math.url}/mcp`, transport: "http" } }, { onSampling: () => Promise.reject(new Error("unused")) });
    try {
      const gets = await getsDuring(async () => {
        expect((await client.connect()).math?.state).toBe("connected");
        await client.callTool("math", "add", { a: 2, b: 3 });
      });
      expect(gets).toContain(new URL(math.url).origin);
    } finally {
      await client.close();
    }
  });
});
