import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startMathServer, startWeatherServer, type RunningServer } from "./index.js";

const run = promisify(execFile);
const INSPECTOR = fileURLToPath(new URL("../node_modules/@modelcontextprotocol/inspector-cli/build/cli.js", import.meta.url));
// inspector-cli 1.0.3 looks for its own package.json relative to the working directory (upstream
// modelcontextprotocol/inspector#1503): from the repository root it fails, from servers/ it works.
const CWD = fileURLToPath(new URL(".", import.meta.url));

/** The commands servers/README.md documents, with the URL of a server started on a free port. */
async function inspector(...args: string[]): Promise<unknown> {
  const { stdout } = await run(process.execPath, [INSPECTOR, "--cli", ...args], { cwd: CWD, timeout: 60_000 });
  return JSON.parse(stdout);
}

describe("MCP Inspector CLI", () => {
  let math: RunningServer;
  let weather: RunningServer;
  beforeAll(async () => {
    [math, weather] = await Promise.all([startMathServer({ port: 0, quiet: true }), startWeatherServer({ port: 0, quiet: true })]);
  });
  afterAll(async () => {
    await Promise.all([math?.close(), weather?.close()]);
  });

  test("lists and calls tools over Streamable HTTP", async () => {
    const tools = await inspector(`${math.url}/mcp`, "--transport", "http", "--method", "tools/list");
    expect((tools as { tools: { name: string }[] }).tools.map((tool) => tool.name)).toEqual(["add", "multiply"]);
    const report = await inspector(`${weather.url}/mcp`, "--transport", "http", "--method", "tools/call",
      "--tool-name", "get_weather", "--tool-arg", "city=São Paulo");
    expect(report).toMatchObject({ structuredContent: { city: "São Paulo", simulated: true } });
  });

  test("lists and calls tools over legacy SSE", async () => {
    const tools = await inspector(`${weather.url}/sse`, "--transport", "sse", "--method", "tools/list");
    expect((tools as { tools: { name: string }[] }).tools.map((tool) => tool.name)).toEqual(["get_weather"]);
    const product = await inspector(`${math.url}/sse`, "--transport", "sse", "--method", "tools/call",
      "--tool-name", "multiply", "--tool-arg", "a=2147483648", "b=2147483648");
    expect(product).toEqual({ content: [{ type: "text", text: "4611686018427387904" }] });
  });

});
