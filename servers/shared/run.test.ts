import { expect, test } from "vitest";
import { HOST_DEFAULTS } from "./host-options.js";
import { parseServerEnv, ServerEnvError, startOptionsFrom, SUPERVISOR_DEFAULTS } from "./run.js";

const DEFAULT_LIMITS = {
  maxBodyBytes: HOST_DEFAULTS.maxBodyBytes,
  sessionIdleTimeoutMs: HOST_DEFAULTS.sessionIdleTimeoutMs,
  maxSessions: HOST_DEFAULTS.maxSessions,
  maxSessionsPerClient: HOST_DEFAULTS.maxSessionsPerClient,
  maxUnsentBytes: HOST_DEFAULTS.maxUnsentBytes,
  keepAliveIntervalMs: HOST_DEFAULTS.keepAliveIntervalMs,
  headersTimeoutMs: HOST_DEFAULTS.headersTimeoutMs,
  requestTimeoutMs: HOST_DEFAULTS.requestTimeoutMs,
  maxConnections: HOST_DEFAULTS.maxConnections,
};

test("defaults: loopback, well-known ports, stateful, no token, the documented limits", () => {
  const env = parseServerEnv({});
  expect(env).toEqual({
    MATH_SERVER_PORT: 58000,
    WEATHER_SERVER_PORT: 58001,
    MCP_HOST: "127.0.0.1",
    MCP_STATELESS: false,
    MCP_MAX_BODY_BYTES: 262_144,
    MCP_SESSION_IDLE_TIMEOUT_MS: 600_000,
    MCP_MAX_SESSIONS: 1000,
    MCP_MAX_SESSIONS_PER_CLIENT: 100,
    MCP_MAX_UNSENT_BYTES: 4_194_304,
    MCP_SSE_KEEPALIVE_MS: 15_000,
    MCP_HEADERS_TIMEOUT_MS: 10_000,
    MCP_REQUEST_TIMEOUT_MS: 30_000,
    MCP_MAX_CONNECTIONS: 2000,
    MCP_RESTART_LIMIT: SUPERVISOR_DEFAULTS.restartLimit,
    MCP_RESTART_WINDOW_MS: SUPERVISOR_DEFAULTS.restartWindowMs,
  });
  expect(startOptionsFrom(env)).toEqual({ host: "127.0.0.1", stateless: false, ...DEFAULT_LIMITS });
});

test("overrides are parsed, blanks count as unset", () => {
  const env = parseServerEnv({
    MATH_SERVER_PORT: "0",
    WEATHER_SERVER_PORT: " ",
    MCP_HOST: " 0.0.0.0 ",
    MCP_AUTH_TOKEN: "0123456789abcdef",
    MCP_STATELESS: "true",
    MCP_ALLOWED_HOSTS: " mcp.example.com, 10.0.0.5 ,",
    MCP_MAX_SESSIONS: "50",
    MCP_MAX_SESSIONS_PER_CLIENT: " 5 ",
    MCP_HEADERS_TIMEOUT_MS: "2000",
    MCP_MAX_UNSENT_BYTES: "",
  });
  expect(env).toMatchObject({ MATH_SERVER_PORT: 0, WEATHER_SERVER_PORT: 58001, MCP_HOST: "0.0.0.0", MCP_STATELESS: true });
  expect(startOptionsFrom(env)).toEqual({
    ...DEFAULT_LIMITS,
    host: "0.0.0.0",
    stateless: true,
    authToken: "0123456789abcdef",
    allowedHosts: ["mcp.example.com", "10.0.0.5"],
    maxSessions: 50,
    maxSessionsPerClient: 5,
    headersTimeoutMs: 2000,
  });
});

test("every RFC 6750 token character is accepted in MCP_AUTH_TOKEN", () => {
  expect(parseServerEnv({ MCP_AUTH_TOKEN: "aZ09-._~+/aZ09-._~+/==" }).MCP_AUTH_TOKEN).toBe("aZ09-._~+/aZ09-._~+/==");
});

test.each([
  [{ MATH_SERVER_PORT: "eighty" }, /MATH_SERVER_PORT: must be a port number/],
  [{ WEATHER_SERVER_PORT: "70000" }, /WEATHER_SERVER_PORT: must be between 0 and 65535/],
  [{ MATH_SERVER_PORT: "1.5" }, /MATH_SERVER_PORT: must be an integer/],
  [{ MCP_STATELESS: "maybe" }, /MCP_STATELESS: must be one of/],
  [{ MCP_AUTH_TOKEN: "short" }, /MCP_AUTH_TOKEN: must be at least 16 characters/],
  [{ MCP_AUTH_TOKEN: "a token with spaces in it" }, /MCP_AUTH_TOKEN: may only contain .*RFC 6750/],
  [{ MCP_AUTH_TOKEN: "0123456789abcdef\u00e9" }, /MCP_AUTH_TOKEN: may only contain/],
  [{ MCP_AUTH_TOKEN: "0123456789abcdef=x" }, /MCP_AUTH_TOKEN: may only contain/],
  [{ MCP_ALLOWED_HOSTS: "a.example.com, evil/path" }, /MCP_ALLOWED_HOSTS.*: must be a comma-separated list of host names/],
  [{ MCP_MAX_SESSIONS: "0" }, /MCP_MAX_SESSIONS: must be at least 1/],
  [{ MCP_MAX_UNSENT_BYTES: "4MB" }, /MCP_MAX_UNSENT_BYTES: must be a number/],
  [{ MCP_SSE_KEEPALIVE_MS: "1.5" }, /MCP_SSE_KEEPALIVE_MS: must be an integer/],
  [{ MCP_HEADERS_TIMEOUT_MS: "40000" }, /MCP_HEADERS_TIMEOUT_MS: must not exceed MCP_REQUEST_TIMEOUT_MS \(30000\)/],
  [{ MCP_RESTART_LIMIT: "-1" }, /MCP_RESTART_LIMIT: must be at least 1/],
])("%j is refused naming the variable", (env, message) => {
  expect(() => parseServerEnv(env)).toThrow(ServerEnvError);
  expect(() => parseServerEnv(env)).toThrow(message);
});
