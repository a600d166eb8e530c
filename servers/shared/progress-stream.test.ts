import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { MultiServerClient, resultText, type ProgressUpdate } from "../../adapters/index.js";
import { startHttpHost, type RunningServer } from "./http-host.js";
import { defineTool, toolServerHosting } from "./tool.js";

// A server on our host with one tool that reports progress and one that does not.
const hosting = toolServerHosting({
  name: "ProgressServer",
  instructions: "Counts, slowly.",
  defaultPort: 0,
  tools: [
    defineTool({
      name: "count_slowly",
      description: "Counts to three, reporting each step.",
      inputSchema: z.strictObject({}),
      reportsProgress: true,
      handler: async (_args, context) => {
        for (const step of [1, 2, 3]) await context.progress(step, 3, `step ${step}`);
        return { text: "counted" };
      },
    }),
    defineTool({
      name: "count_quietly",
      description: "Answers at once.",
      inputSchema: z.strictObject({}),
      handler: () => ({ text: "done" }),
    }),
  ],
});

const servers: RunningServer[] = [];
let stateful: RunningServer;
let stateless: RunningServer;
beforeAll(async () => {
  [stateful, stateless] = await Promise.all([startHttpHost(hosting, { port: 0, quiet: true }), startHttpHost(hosting, { port: 0, quiet: true, stateless: true })]);
  servers.push(stateful, stateless);
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

/** One stateless `tools/call`, read to its end: the response's type and the JSON-RPC messages in it. */
async function post(name: string, progressToken?: string): Promise<{ type: string | null; messages: Array<{ method?: string; result?: unknown }> }> {
  const response = await fetch(`${stateless.url}/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-06-18" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name, arguments: {}, ...(progressToken ? { _meta: { progressToken } } : {}) } }),
  });
  const type = response.headers.get("content-type");
  const body = await response.text();
  const messages = type?.startsWith("text/event-stream")
    ? body
        .split("\n")
        .filter((line) => line.startsWith("data: "))
        .map((line) => JSON.parse(line.slice(6)))
    : [JSON.parse(body)];
  return { type, messages };
}

describe("progress over Streamable HTTP", () => {
  it("streams a progress-reporting tool's call that asked for progress: the steps, then the result", async () => {
    const { type, messages } = await post("count_slowly", "p1");
    expect(type).toMatch(/^text\/event-stream/);
    expect(messages.map((message) => message.method ?? "result")).toEqual(["notifications/progress", "notifications/progress", "notifications/progress", "result"]);
  });

  it("answers as one JSON body without a progress token, or for a tool that reports none", async () => {
    for (const [name, token] of [["count_slowly", undefined], ["count_quietly", "p2"]] as const) {
      const { type, messages } = await post(name, token);
      expect(type).toMatch(/^application\/json/);
      expect(messages).toHaveLength(1);
    }
  });

  it("reaches our client's onProgress in a session, with the result after it", async () => {
    const client = new MultiServerClient({ counter: { url: `${stateful.url}/mcp` } });
    try {
      await client.connect();
      const updates: ProgressUpdate[] = [];
      const result = await client.callTool("counter", "count_slowly", {}, { onProgress: (update) => updates.push(update) });
      expect(resultText(result)).toBe("counted");
      // Steps sent in the same instant are thinned by the client; the first and the last always arrive.
      expect(updates.at(0)).toEqual({ progress: 1, total: 3, message: "step 1" });
      expect(updates.at(-1)).toEqual({ progress: 3, total: 3, message: "step 3" });
      expect(resultText(await client.callTool("counter", "count_quietly", {}, { onProgress: () => undefined }))).toBe("done");
    } finally {
      await client.close();
    }
  });
});
