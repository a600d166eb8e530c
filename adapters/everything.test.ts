import { fileURLToPath } from "node:url";
import type { ToolMessage } from "@langchain/core/messages";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  MAX_SAMPLING_OUTPUT_CHARS,
  MultiServerClient,
  resultText,
  SamplingDeclinedError,
  type CreateMessageResult,
  type ElicitationParams,
  type SamplingParams,
  type ServerConfig,
  type TransportKind,
} from "./index.js";
import { freePort, startCommand, type ChildHandle } from "../test/support/processes.js";

// The MCP reference server, not written by us, over each transport it offers.
const EVERYTHING = fileURLToPath(new URL("../node_modules/@modelcontextprotocol/server-everything/dist/index.js", import.meta.url));

const children: ChildHandle[] = [];
const clients = new Map<TransportKind, MultiServerClient>();

async function serve(mode: "streamableHttp" | "sse", ready: RegExp): Promise<number> {
  const port = await freePort();
  children.push(await startCommand(process.execPath, [EVERYTHING, mode], ready, { env: { PORT: String(port) }, port }));
  return port;
}

beforeAll(async () => {
  const [httpPort, ssePort] = await Promise.all([serve("streamableHttp", /listening on port/), serve("sse", /running on port/)]);
  const configs: Record<TransportKind, ServerConfig> = {
    http: { url: `http://127.0.0.1:${httpPort}/mcp` },
    // The SSE-only server is configured by its /mcp URL on purpose: the client has to fall back.
    sse: { url: `http://127.0.0.1:${ssePort}/mcp` },
    stdio: { command: process.execPath, args: [EVERYTHING, "stdio"], stderr: "ignore" },
  };
  await Promise.all(
    Object.entries(configs).map(async ([kind, config]) => {
      const client = new MultiServerClient({ everything: config }, { connectTimeoutMs: 15_000 });
      clients.set(kind as TransportKind, client);
      await client.connect();
    }),
  );
}, 60_000);

afterAll(async () => {
  await Promise.all([...clients.values()].map((client) => client.close()));
  await Promise.all(children.map((child) => child.kill("SIGTERM")));
});

function clientFor(kind: TransportKind): MultiServerClient {
  const client = clients.get(kind);
  if (!client) throw new Error(`no client for ${kind}`);
  return client;
}

describe.each(["http", "sse", "stdio"] as const)("@modelcontextprotocol/server-everything over %s", (kind) => {
  it("connects and lists its tools", () => {
    const client = clientFor(kind);
    expect(client.status().everything).toMatchObject({ state: "connected", transport: kind, serverInfo: { name: "mcp-servers/everything" } });
    const names = client.catalog().map((tool) => tool.bridgedName);
    expect(names).toEqual(expect.arrayContaining(["everything__echo", "everything__get-sum", "everything__get-tiny-image", "everything__get-structured-content"]));
  });

  it("calls tools and validates their arguments first", async () => {
    const client = clientFor(kind);
    expect(resultText(await client.callTool("everything", "echo", { message: "hi" }))).toBe("Echo: hi");
    expect(resultText(await client.callBridgedTool("everything__get-sum", { a: 2, b: 3 }))).toBe("The sum of 2 and 3 is 5.");
    await expect(client.callTool("everything", "get-sum", { a: "2", b: 3 })).rejects.toMatchObject({ name: "InvalidToolArgumentsError" });
    const structured = await client.callTool("everything", "get-structured-content", { location: "Chicago" });
    expect(structured.structuredContent).toMatchObject({ temperature: 36, conditions: "Light rain / drizzle" });
  });

  it("bridges image results into the artifact, and a note for the model", async () => {
    const tool = clientFor(kind)
      .getTools()
      .find((candidate) => candidate.name === "everything__get-tiny-image");
    const message = (await tool?.invoke({ id: "c1", name: "everything__get-tiny-image", args: {}, type: "tool_call" })) as ToolMessage;
    const artifact = message.artifact as { content: Array<{ type: string; mimeType?: string }> };
    expect(artifact.content.some((block) => block.type === "image" && block.mimeType === "image/png")).toBe(true);
    expect(String(message.content)).toMatch(/^Here's the image you requested:\n\(1 image, image\/png, \d+ KB, kept in the artifact\)\n/);
  });
});

// All but the two that need the client to run requests as tasks (`tasks.requests`, experimental, not
// declared; see README.md): trigger-sampling-request-async and trigger-elicitation-request-async.
// simulate-research-query is listed to any client, and runs only as a task.
const ALL_TOOLS = [
  "simulate-research-query",
  "echo",
  "get-annotated-message",
  "get-env",
  "get-resource-links",
  "get-resource-reference",
  "get-structured-content",
  "get-sum",
  "get-tiny-image",
  "gzip-file-as-resource",
  "toggle-simulated-logging",
  "toggle-subscriber-updates",
  "trigger-long-running-operation",
  "get-roots-list",
  "trigger-elicitation-request",
  "trigger-url-elicitation",
  "trigger-sampling-request",
];

describe("@modelcontextprotocol/server-everything with elicitation, sampling, roots and progress declared (stdio)", () => {
  let client: MultiServerClient | undefined;
  const asked: ElicitationParams[] = [];
  const sampled: SamplingParams[] = [];
  let sample: (params: SamplingParams) => Promise<CreateMessageResult> = () => Promise.reject(new SamplingDeclinedError());
  beforeAll(async () => {
    client = new MultiServerClient(
      { everything: { command: process.execPath, args: [EVERYTHING, "stdio"], stderr: "ignore" } },
      {
        connectTimeoutMs: 15_000,
        roots: [{ uri: "file:///work/project", name: "project" }],
        // The person fills in the two fields without defaults; SEP-1034 fills the rest. A URL: they went there.
        onElicitation: async (_server, params) => {
          asked.push(params);
          return params.mode === "url" ? { action: "accept" } : { action: "accept", content: { name: "Ada Lovelace", check: true } };
        },
        onSampling: (_server, params) => {
          sampled.push(params);
          return sample(params);
        },
      },
    );
    await client.connect();
  }, 30_000);
  afterAll(async () => {
    await client?.close();
  });

  it("lists 17 tools: all but the two that need tasks", () => {
    expect(client!.catalog().map((tool) => tool.name).sort()).toEqual([...ALL_TOOLS].sort());
  });

  it("asks its form, lists our roots and reports progress", async () => {
    asked.length = 0;
    const elicited = await client!.callTool("everything", "trigger-elicitation-request", {});
    expect(asked.map((params) => params.message)).toEqual(["Please provide inputs for the following fields:"]);
    expect(resultText(elicited)).toMatch(/Ada Lovelace/);
    expect(resultText(elicited)).toMatch(/It was a dark and stormy night\./);

    expect(resultText(await client!.callTool("everything", "get-roots-list", {}))).toMatch(/file:\/\/\/work\/project/);

    const steps: number[] = [];
    const long = await client!.callTool("everything", "trigger-long-running-operation", { duration: 0.3, steps: 3 }, { onProgress: (update) => steps.push(update.progress) });
    expect(resultText(long)).toMatch(/completed/i);
    expect(steps).toEqual([1, 2, 3]);
  }, 30_000);

  it("hands a URL elicitation to the same handler, with its url, and its answer back", async () => {
    asked.length = 0;
    const result = await client!.callTool("everything", "trigger-url-elicitation", { url: "https://example.com/connect", message: "Connect your account" });
    expect(asked).toEqual([{ mode: "url", url: "https://example.com/connect", message: "Connect your account", elicitationId: expect.any(String) }]);
    expect(resultText(result)).toContain("User completed the URL elicitation flow.");
  });

  it("answers a sampling request with the handler's message, and a refusal as an error the server reads", async () => {
    sampled.length = 0;
    sample = () => Promise.resolve({ role: "assistant", content: { type: "text", text: "A haiku." }, model: "stub-model", stopReason: "endTurn" });
    const result = await client!.callTool("everything", "trigger-sampling-request", { prompt: "Write a haiku", maxTokens: 50 });
    expect(sampled).toMatchObject([{ systemPrompt: "You are a helpful test server.", maxTokens: 50, messages: [{ role: "user", content: { type: "text", text: expect.stringContaining("Write a haiku") } }] }]);
    expect(JSON.parse(resultText(result).replace(/^LLM sampling result: \n/, ""))).toEqual({ role: "assistant", content: { type: "text", text: "A haiku." }, model: "stub-model", stopReason: "endTurn" });

    sample = () => Promise.resolve({ role: "assistant", content: { type: "text", text: "x".repeat(MAX_SAMPLING_OUTPUT_CHARS + 10) }, model: "stub-model" });
    const long = JSON.parse(resultText(await client!.callTool("everything", "trigger-sampling-request", { prompt: "Go on" })).replace(/^LLM sampling result: \n/, ""));
    expect(long).toMatchObject({ stopReason: "maxTokens", content: { text: "x".repeat(MAX_SAMPLING_OUTPUT_CHARS) } });

    sample = () => Promise.reject(new SamplingDeclinedError());
    const refused = await client!.callTool("everything", "trigger-sampling-request", { prompt: "Write a haiku" });
    expect(refused.isError).toBe(true);
    expect(resultText(refused)).toMatch(/User rejected sampling request/);
  });
});
