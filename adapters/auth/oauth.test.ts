import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { MultiServerClient, resultText, type MultiServerClientOptions } from "../index.js";
import { consentingBrowser } from "../../test/support/browser.js";
import { startOAuthServer, type RunningOAuthServer } from "../../test/support/oauth-server.js";

describe("OAuth against a protected Streamable HTTP server (the SDK's auth router, real HTTP)", () => {
  let server: RunningOAuthServer;
  let dir: string;
  const clients: MultiServerClient[] = [];
  const open = (options: MultiServerClientOptions = {}, storePath = join(dir, "oauth.json")) => {
    const client = new MultiServerClient({ secure: { url: server.url, auth: { storePath, scopes: ["mcp"] } } }, options);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    server = await startOAuthServer({ tokenTtlSeconds: 1 });
    dir = await mkdtemp(join(tmpdir(), "mcp-graph-oauth-"));
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  test("a server that wants authorization, configured without it, says how to give it", async () => {
    const client = new MultiServerClient({ plain: { url: server.url } });
    clients.push(client);
    expect((await client.connect()).plain?.error).toBe(`HTTP 401 from ${server.url}: it wants authorization: give the server "auth": {} (OAuth) or "headers": {"Authorization": "Bearer …"}`);
  });

  test("logs in over legacy SSE too", async () => {
    const client = new MultiServerClient(
      { legacy: { url: server.sseUrl, transport: "sse", auth: { storePath: join(dir, "sse.json") } } },
      { oauth: { onAuthorizationUrl: consentingBrowser } },
    );
    clients.push(client);
    expect((await client.connect()).legacy).toMatchObject({ state: "connected", transport: "sse", toolCount: 1 });
    expect(resultText(await client.callTool("legacy", "whoami", {}))).toBe("authorized");
  });

  test("without a way to show the login link, connecting fails with an error naming the server", async () => {
    const client = open({}, join(dir, "headless.json"));
    const status = await client.connect();
    expect(status.secure?.state).toBe("failed");
    expect(status.secure?.error).toMatch(/^server "secure" needs an OAuth login in a browser and there is no terminal/);
  });

  test("discovers, registers, logs in with PKCE, refreshes an expired token, and a restarted host reuses the stored token", async () => {
    const before = { ...server.counts };
    const shown: string[] = [];
    const browser = async (name: string, url: URL) => {
      shown.push(name);
      await consentingBrowser(name, url);
    };
    const first = open({ oauth: { onAuthorizationUrl: browser } });
    expect((await first.connect()).secure).toMatchObject({ state: "connected", toolCount: 1 });
    expect(shown).toEqual(["secure"]);
    expect(server.counts.registrations - before.registrations).toBe(1);
    expect(server.counts.authorizations - before.authorizations).toBe(1);
    expect(server.counts.codeExchanges - before.codeExchanges).toBe(1);
    // The resource indicator (RFC 8707) is the one the server's metadata names, in the authorization and the token request.
    expect(new Set(server.counts.resources)).toEqual(new Set([server.resource]));
    expect(resultText(await first.callTool("secure", "whoami", {}))).toBe("authorized");

    // The token lives 1 s: past it the server answers 401, and the client refreshes instead of logging in.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(resultText(await first.callTool("secure", "whoami", {}))).toBe("authorized");
    expect(server.counts.refreshes - before.refreshes).toBeGreaterThanOrEqual(1);
    expect(server.counts.authorizations - before.authorizations).toBe(1);
    await first.close();

    const file = join(dir, "oauth.json");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(await readFile(file, "utf8")) as { servers: Record<string, { client?: unknown; tokens?: { refresh_token?: string } }> };
    expect(stored.servers[server.url]?.tokens?.refresh_token).toEqual(expect.any(String));

    // A new host with the same store: no registration, no login; at most a refresh of the stored token.
    const second = open({ oauth: { onAuthorizationUrl: browser } });
    expect((await second.connect()).secure?.state).toBe("connected");
    expect(resultText(await second.callTool("secure", "whoami", {}))).toBe("authorized");
    expect(shown).toEqual(["secure"]);
    expect(server.counts.registrations - before.registrations).toBe(1);
    expect(server.counts.authorizations - before.authorizations).toBe(1);

    // Headless, with the stored token: a host without a terminal still gets in.
    const headless = open();
    expect((await headless.connect()).secure?.state).toBe("connected");
  }, 30_000);
});
