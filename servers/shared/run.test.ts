import { expect, test } from "vitest";
import { parseServerEnv, ServerEnvError, startOptionsFrom } from "./run.js";

test("defaults: loopback, well-known ports, stateful, no token", () => {
  const env = parseServerEnv({});
  expect(env).toEqual({ MATH_SERVER_PORT: 58000, WEATHER_SERVER_PORT: 58001, MCP_HOST: "127.0.0.1", MCP_STATELESS: false });
  expect(startOptionsFrom(env)).toEqual({ host: "127.0.0.1", stateless: false });
});

test("overrides are parsed, blanks count as unset", () => {
  const env = parseServerEnv({
    MATH_SERVER_PORT: "0",
    WEATHER_SERVER_PORT: " ",
    MCP_HOST: " 0.0.0.0 ",
    MCP_AUTH_TOKEN: "0123456789abcdef",
    MCP_STATELESS: "true",
    MCP_ALLOWED_HOSTS: " mcp.example.com, 10.0.0.5 ,",
  });
  expect(env).toMatchObject({ MATH_SERVER_PORT: 0, WEATHER_SERVER_PORT: 58001, MCP_HOST: "0.0.0.0", MCP_STATELESS: true });
  expect(startOptionsFrom(env)).toEqual({
    host: "0.0.0.0",
    stateless: true,
    authToken: "0123456789abcdef",
    allowedHosts: ["mcp.example.com", "10.0.0.5"],
  });
});

test.each([
  [{ MATH_SERVER_PORT: "eighty" }, /MATH_SERVER_PORT: must be a port number/],
  [{ WEATHER_SERVER_PORT: "70000" }, /WEATHER_SERVER_PORT: must be between 0 and 65535/],
  [{ MATH_SERVER_PORT: "1.5" }, /MATH_SERVER_PORT: must be an integer/],
  [{ MCP_STATELESS: "maybe" }, /MCP_STATELESS: must be one of/],
  [{ MCP_AUTH_TOKEN: "short" }, /MCP_AUTH_TOKEN: must be at least 16 characters/],
  [{ MCP_ALLOWED_HOSTS: "a.example.com, evil/path" }, /MCP_ALLOWED_HOSTS.*: must be a comma-separated list of host names/],
])("%j is refused naming the variable", (env, message) => {
  expect(() => parseServerEnv(env)).toThrow(ServerEnvError);
  expect(() => parseServerEnv(env)).toThrow(message);
});
