import { expect, test } from "vitest";
import { listeningLine } from "./addresses.js";
import { clip } from "./echo.js";
import { HOST_DEFAULTS, resolveHostConfig } from "./host-options.js";

test("defaults apply to every limit a caller leaves out", () => {
  const config = resolveHostConfig("TestServer", 1234, {});
  expect(config).toMatchObject({ ...HOST_DEFAULTS, port: 1234, stateless: false, authToken: undefined, allowedHosts: [] });
});

test.each([
  [{ maxSessions: 0 }, /maxSessions \(MCP_MAX_SESSIONS\) must be a positive integer, got 0/],
  [{ maxUnsentBytes: 1.5 }, /maxUnsentBytes \(MCP_MAX_UNSENT_BYTES\) must be a positive integer/],
  [{ maxConnections: Number.NaN }, /maxConnections \(MCP_MAX_CONNECTIONS\) must be a positive integer/],
  [{ headersTimeoutMs: 5_000, requestTimeoutMs: 1_000 }, /headersTimeoutMs \(MCP_HEADERS_TIMEOUT_MS, 5000\) must not exceed requestTimeoutMs/],
  [{ authToken: "" }, /auth token \(MCP_AUTH_TOKEN\) must not be empty/],
  [{ authToken: "white space token" }, /auth token \(MCP_AUTH_TOKEN\) may only contain .*RFC 6750/],
  [{ host: "10.1.2.3" }, /refusing to bind non-loopback address 10\.1\.2\.3 without a bearer token; set MCP_AUTH_TOKEN/],
])("%j is a HostStartError naming the option and its variable", (options, message) => {
  expect(() => resolveHostConfig("TestServer", 0, options)).toThrow(message);
  expect(() => resolveHostConfig("TestServer", 0, options)).toThrow(expect.objectContaining({ name: "HostStartError", serverName: "TestServer" }));
});

test("the listening line names a wildcard bind, and the loopback URL for this machine", () => {
  expect(listeningLine("M", "127.0.0.1", 80, false)).toBe("M listening on http://127.0.0.1:80  (Streamable HTTP http://127.0.0.1:80/mcp; SSE http://127.0.0.1:80/sse)");
  expect(listeningLine("M", "0.0.0.0", 80, true)).toMatch(
    /^M listening on http:\/\/0\.0\.0\.0:80 \(every IPv4 interface: reachable from other machines\); clients on this machine use http:\/\/127\.0\.0\.1:80 {2}\(Streamable HTTP http:\/\/127\.0\.0\.1:80\/mcp, stateless;/,
  );
  expect(listeningLine("M", "::", 80, false)).toMatch(/^M listening on http:\/\/\[::\]:80 .*; clients on this machine use http:\/\/\[::1\]:80 /);
});

test("clip keeps short text, cuts long text to the limit with its length, and never splits a surrogate pair", () => {
  expect(clip("short")).toBe("short");
  expect(clip("x".repeat(150))).toBe(`${"x".repeat(100)}… (150 characters)`);
  const emoji = `${"x".repeat(99)}😀tail`;
  expect(clip(emoji)).toBe(`${"x".repeat(99)}… (${emoji.length} characters)`);
});
