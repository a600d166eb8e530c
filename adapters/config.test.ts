import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, MultiServerClient, loadServersConfig, parseServersConfig } from "./index.js";

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("parseServersConfig", () => {
  it("accepts the code form as it is", () => {
    const config = {
      math: { url: "http://127.0.0.1:58000/mcp", timeoutMs: 5_000 },
      weather: { url: "https://weather.example/sse", transport: "sse" as const, headers: { Authorization: "Bearer x" } },
      local: { command: "node", args: ["server.js"], env: { DEBUG: "1" }, stderr: "ignore" as const },
    };
    expect(parseServersConfig(config)).toEqual(config);
  });

  it("reads auth, and the oauth spellings of Claude Code and VS Code, with their keys", () => {
    const parsed = parseServersConfig({
      mcpServers: {
        ours: { url: "https://a.example/mcp", auth: { clientId: "id", clientSecret: "s", scopes: ["read", "write"], redirectPort: 8765 } },
        claudeCode: { type: "http", url: "https://b.example/mcp", oauth: { clientId: "cc", callbackPort: 8080, scopes: "read write" } },
        machine: { url: "https://c.example/mcp", auth: { grant: "client_credentials", clientId: "svc", clientSecret: "s" } },
      },
    });
    expect(parsed.ours).toEqual({ url: "https://a.example/mcp", auth: { clientId: "id", clientSecret: "s", scopes: ["read", "write"], redirectPort: 8765 } });
    expect(parsed.claudeCode).toEqual({ url: "https://b.example/mcp", transport: "http", auth: { clientId: "cc", redirectPort: 8080, scopes: ["read", "write"] } });
    expect(parsed.machine).toMatchObject({ auth: { grant: "client_credentials" } });
    // VS Code's mcp.json: servers at the top, inputs beside them.
    expect(parseServersConfig({ inputs: [], servers: { github: { type: "http", url: "https://d.example/mcp", oauth: { clientId: "vs" } } } })).toEqual({
      github: { url: "https://d.example/mcp", transport: "http", auth: { clientId: "vs" } },
    });
    const provider = { tokens: () => undefined, clientMetadata: { redirect_uris: [] } };
    expect(parseServersConfig({ code: { url: "https://e.example/mcp", authProvider: provider } }).code).toMatchObject({ authProvider: provider });
  });

  it("names the key of an auth entry that does not validate or contradicts another", () => {
    expect(configError(() => parseServersConfig({ a: { url: "https://a.example/mcp", auth: { clientSecrett: "s" } } })).message).toBe("a.auth.clientSecrett: unknown key");
    expect(configError(() => parseServersConfig({ a: { url: "https://a.example/mcp", oauth: { redirectPort: 70_000 } } })).key).toBe("a.oauth.redirectPort");
    expect(configError(() => parseServersConfig({ a: { url: "https://a.example/mcp", oauth: { grant: "client_credentials", clientId: "x" } } })).message).toBe(
      'a.oauth.grant: grant "client_credentials" needs clientId, and clientSecret or privateKey',
    );
    expect(configError(() => parseServersConfig({ a: { url: "https://a.example/mcp", auth: {}, oauth: {} } })).key).toBe("a.oauth");
    expect(configError(() => parseServersConfig({ a: { url: "https://a.example/mcp", auth: { grant: "client_credentials", clientId: "x" } } })).message).toBe(
      'a.auth.grant: grant "client_credentials" needs clientId, and clientSecret or privateKey',
    );
    expect(configError(() => parseServersConfig({ a: { url: "https://a.example/mcp", auth: {}, headers: { authorization: "Bearer x" } } })).key).toBe(
      "a.headers.Authorization",
    );
    expect(configError(() => parseServersConfig({ a: { url: "https://a.example/mcp", authProvider: {} } })).message).toMatch(/^a\.authProvider: must be an OAuthClientProvider/);
  });

  it("reads the mcpServers file format with the spellings other clients use", () => {
    const parsed = parseServersConfig({
      mcpServers: {
        a: { url: "http://h/mcp", type: "streamable-http" },
        b: { url: "http://h/mcp", transport: "streamableHttp" },
        c: { url: "http://h/sse", type: "sse" },
        d: { command: "npx", args: ["-y", "server"], type: "stdio" },
        e: { command: "uvx", args: ["server"] },
      },
      globalShortcut: "Ctrl+Space",
    });
    expect(parsed).toEqual({
      a: { url: "http://h/mcp", transport: "http" },
      b: { url: "http://h/mcp", transport: "http" },
      c: { url: "http://h/sse", transport: "sse" },
      d: { command: "npx", args: ["-y", "server"] },
      e: { command: "uvx", args: ["server"] },
    });
  });

  it.each([
    [{ mcpServers: { math: { url: "ftp://h/mcp" } } }, "mcpServers.math.url", /http:\/\/ or https:\/\//],
    [{ math: { url: "not a url" } }, "math.url", /URL/],
    [{ math: { url: "http://h/mcp", timeout: 5 } }, "math.timeout", /unknown key/],
    [{ math: { url: "http://h/mcp", timeoutMs: -1 } }, "math.timeoutMs", /.+/],
    [{ math: { url: "http://h/mcp", transport: "websocket" } }, "math.transport", /"http", "streamable-http", "sse", "stdio"/],
    [{ math: { url: "http://h/mcp", type: "sse", transport: "http" } }, "math.type", /contradicts/],
    [{ math: { command: "node", args: "server.js" } }, "math.args", /array/],
    [{ math: { command: "node", transport: "sse" } }, "math", /stdio server/],
    [{ math: { host: "localhost" } }, "math", /needs "url" .* or "command"/],
    [{ math: "http://h/mcp" }, "math", /must be an object/],
    [{ mcpServers: [] }, "mcpServers", /object of servers/],
  ])("names the offending key in %j", (input, key, message) => {
    const error = configError(() => parseServersConfig(input));
    expect(error.key).toBe(key);
    expect(error.message.startsWith(`${key}:`)).toBe(true);
    expect(error.message).toMatch(message);
  });

  it("rejects what is not an object", () => {
    expect(configError(() => parseServersConfig(null)).message).toBe("server configuration must be an object");
    expect(configError(() => parseServersConfig([])).name).toBe("ConfigError");
  });

  it("is what the client constructor applies, to options too", () => {
    expect(() => new MultiServerClient({ math: { url: "nope" } })).toThrow(ConfigError);
    const error = configError(() => new MultiServerClient({}, { callTimeoutMs: 0 }));
    expect(error.message).toMatch(/^options\.callTimeoutMs: /);
    expect(configError(() => new MultiServerClient({}, { reconnect: { maxAttempts: 0 } })).key).toBe("reconnect.maxAttempts");
  });
});

describe("loadServersConfig", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "adapters-config-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads a file", async () => {
    const path = join(dir, "ok.json");
    await writeFile(path, JSON.stringify({ mcpServers: { math: { url: "http://127.0.0.1:1234/mcp" } } }));
    expect(await loadServersConfig(path)).toEqual({ math: { url: "http://127.0.0.1:1234/mcp" } });
  });

  it("prefixes errors with the file's path", async () => {
    const broken = join(dir, "broken.json");
    await writeFile(broken, "{ mcpServers: ");
    await expect(loadServersConfig(broken)).rejects.toMatchObject({ name: "ConfigError", message: expect.stringMatching(/broken\.json: not valid JSON/) });

    const invalid = join(dir, "invalid.json");
    await writeFile(invalid, JSON.stringify({ mcpServers: { math: { url: 1 } } }));
    await expect(loadServersConfig(invalid)).rejects.toMatchObject({ key: "mcpServers.math.url", message: expect.stringContaining("invalid.json: mcpServers.math.url:") });

    await expect(loadServersConfig(join(dir, "missing.json"))).rejects.toMatchObject({ message: expect.stringMatching(/missing\.json: cannot read/) });
  });
});
