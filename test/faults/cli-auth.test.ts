/**
 * `npm start` against our servers started with a bearer token: the token from MCP_AUTH_TOKEN is sent,
 * and a refusal is an error that names the server, never a reason to start servers of its own.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runStart } from "../support/cli-process.js";
import { PROCESS_TIMEOUT_MS, spawnServer, type ChildServer } from "../support/server-process.js";

const TOKEN = "a-token-of-32-characters-0123456";

describe("npm start and MCP_AUTH_TOKEN", { timeout: PROCESS_TIMEOUT_MS }, () => {
  let math: ChildServer | undefined;
  let weather: ChildServer | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    [math, weather] = await Promise.all([spawnServer("math", { authToken: TOKEN }), spawnServer("weather", { authToken: TOKEN })]);
    env = { MATH_SERVER_PORT: String(math.port), WEATHER_SERVER_PORT: String(weather.port), MCP_GRAPH_DB: ":memory:" };
  }, PROCESS_TIMEOUT_MS);

  afterAll(async () => {
    await Promise.all([math?.stop("SIGKILL"), weather?.stop("SIGKILL")]);
  });

  it("sends the token to the servers it finds running, and says it used them", async () => {
    const run = await runStart(["How many hours do 5 days have?"], { env: { ...env, MCP_AUTH_TOKEN: TOKEN } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`[servers] math at ${math!.url}/mcp (found running); weather at ${weather!.url}/mcp (found running)`);
    expect(run.stdout).toMatch(/\[answer\] .*120/);
  });

  it("with nothing answering at the configured ports, it says it started its own", async () => {
    const run = await runStart(["add 1 and 2"], { env: { MCP_GRAPH_DB: ":memory:" } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^\[servers\] math at http:\/\/127\.0\.0\.1:\d+\/mcp \(started here\); weather at http:\/\/127\.0\.0\.1:\d+\/mcp \(started here\)$/m);
  });

  it("a wrong or missing token is an error naming the server, and nothing is started in its place", async () => {
    for (const token of ["another-token-of-32-characters-x", ""]) {
      const run = await runStart(["add 1 and 2"], { env: { ...env, MCP_AUTH_TOKEN: token } });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^error: (math|weather) answered HTTP 401 at its configured endpoint: set MCP_AUTH_TOKEN/);
      expect(run.stdout).not.toContain("started here");
    }
  });
});
