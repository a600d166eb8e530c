import { ChatAnthropic } from "@langchain/anthropic";
import { ToolMessage } from "@langchain/core/messages";
import { ChatOpenAI } from "@langchain/openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MultiServerClient, type CallToolResult } from "../adapters/index.js";
import { referenceServers, writeMediaFiles, type MediaFiles } from "../test/support/media-files.js";
import { startAnthropicStub, type AnthropicStub } from "../test/support/model-stubs/anthropic.js";
import { startOpenAIStub, type OpenAIStub } from "../test/support/model-stubs/openai.js";
import { BASE64_RUN } from "../test/support/model-content.js";
import { createGraph, type GraphState } from "./index.js";

// What a model receives from image, audio and resource tools, on the wire of its provider: the real
// graph, the MCP reference servers over stdio, and a local stub of the provider's API.
let files: MediaFiles;
let client: MultiServerClient;
const stubs: Array<OpenAIStub | AnthropicStub> = [];

beforeAll(async () => {
  files = await writeMediaFiles();
  client = new MultiServerClient(referenceServers(files.dir), { connectTimeoutMs: 20_000 });
  await client.connect();
  for (const [name, status] of Object.entries(client.status())) if (status.state !== "connected") throw new Error(`${name}: ${status.error}`);
}, 60_000);

afterAll(async () => {
  await Promise.allSettled([client?.close(), ...stubs.map((stub) => stub.close())]);
  await files?.remove();
});

const call = (tool: string, args: Record<string, unknown>) => ({ reason: `call ${tool}`, decision: { action: "call_tool", tool, args } });
const answer = (text: string) => ({ reason: "done", decision: { action: "answer", answer: text } });

async function withOpenAI(script: Array<Record<string, unknown>>) {
  const stub = await startOpenAIStub(script);
  stubs.push(stub);
  const model = new ChatOpenAI({ model: "gpt-4o", apiKey: "sk-test", configuration: { baseURL: stub.url }, maxRetries: 0 });
  return { stub, graph: createGraph({ client, model }) };
}

/** The tool messages of an OpenAI request, in order. */
const toolMessagesOf = (stub: OpenAIStub, request: number) => stub.requests[request]!.messages.filter((message) => message.role === "tool");

const artifactsOf = (state: GraphState) => state.messages.filter(ToolMessage.isInstance).map((message) => message.artifact as CallToolResult | undefined);

describe("a text-only model (OpenAI) in the graph", () => {
  it("reads a 480 KB image as a note; the request stays small, the image stays in the artifact and the call record", async () => {
    const { stub, graph } = await withOpenAI([call("files__read_media_file", { path: files.png.path }), answer("It is a PNG of 480 KB.")]);
    const state = (await graph.invoke({ question: `What is ${files.png.path}?` })) as GraphState;
    expect(state.answer).toBe("It is a PNG of 480 KB.");

    const [tool] = toolMessagesOf(stub, 1);
    expect(typeof tool?.content).toBe("string");
    expect(tool?.content).toContain("(1 image, image/png, 480 KB, kept in the artifact)");
    expect(String(tool?.content)).not.toMatch(BASE64_RUN);
    // Issue #14: the request carried the image as 640,883 characters of base64 text.
    expect(String(tool?.content).length).toBeLessThan(100);
    expect(JSON.stringify(stub.requests[1])).not.toMatch(BASE64_RUN);

    expect(state.calls).toEqual([expect.objectContaining({ server: "files", tool: "read_media_file", isError: false })]);
    expect(state.calls[0]!.result).toContain("(1 image, image/png, 480 KB, kept in the artifact)");
    expect(state.calls[0]!.structured).toEqual({ content: [{ type: "image", data: files.png.base64, mimeType: "image/png" }] });
    expect(artifactsOf(state)[0]?.content).toEqual([{ type: "image", data: files.png.base64, mimeType: "image/png" }]);
  });

  it("reads a long text up to the run's maxResultChars, with a note; the call record keeps all of it", async () => {
    const { stub, graph } = await withOpenAI([call("files__read_text_file", { path: files.text.path }), answer("A long file.")]);
    const state = (await graph.invoke({ question: "read it" }, { configurable: { maxResultChars: 2_000 } })) as GraphState;
    const [tool] = toolMessagesOf(stub, 1);
    expect(String(tool?.content).length).toBeLessThanOrEqual(2_000);
    expect(tool?.content).toMatch(/\n… \(cut at 2,000 of 39,999 characters; the rest is in the artifact\)$/);
    expect(state.calls[0]!.result).toBe(files.text.content);
    expect(artifactsOf(state)[0]?.content).toEqual([{ type: "text", text: files.text.content }]);
  });

  it("reads resource links and embedded resources by URI, name and MIME type", async () => {
    const { stub, graph } = await withOpenAI([
      call("everything__get-resource-links", { count: 2 }),
      call("everything__get-resource-reference", { resourceType: "Text", resourceId: 3 }),
      call("files__read_media_file", { path: files.bin.path }),
      answer("Three resources."),
    ]);
    await graph.invoke({ question: "which resources are there?" });
    const [links, reference, blob] = toolMessagesOf(stub, 3).map((message) => String(message.content));
    expect(links).toContain("(resource link: Blob Resource 1 <demo://resource/dynamic/blob/1>, text/plain, ");
    expect(links).toContain("(resource link: Text Resource 2 <demo://resource/dynamic/text/2>, text/plain, ");
    expect(reference).toContain("(resource <demo://resource/dynamic/text/3>, text/plain:)\nResource 3: This is a plaintext resource");
    expect(blob).toContain(`(resource <file://${files.bin.path}>, application/octet-stream, 3 KB, kept in the artifact)`);
    for (const text of [links, reference, blob]) expect(text).not.toMatch(BASE64_RUN);
  });

  it("refuses a multimodal setting it does not know", async () => {
    const { graph } = await withOpenAI([]);
    await expect(graph.invoke({ question: "hi" }, { configurable: { multimodal: "yes" } })).rejects.toThrow(/configurable\.multimodal must be/);
    await expect(graph.invoke({ question: "hi" }, { configurable: { maxResultChars: 0 } })).rejects.toThrow(/configurable\.maxResultChars/);
  });
});

describe("a multimodal model (Claude, images only) in the graph", () => {
  it("sees the image in the tool result, a note for the sound, and text and image in the tool's order", async () => {
    const stub = await startAnthropicStub([
      call("files__read_media_file", { path: files.png.path }),
      call("files__read_media_file", { path: files.wav.path }),
      call("everything__get-tiny-image", {}),
      answer("Noise, a tone and the MCP logo."),
    ]);
    stubs.push(stub);
    const model = new ChatAnthropic({ model: "claude-sonnet-4-5", apiKey: "sk-ant-test", anthropicApiUrl: stub.url, maxRetries: 0 });
    const graph = createGraph({ client, model });
    const state = (await graph.invoke({ question: "look at these" }, { configurable: { multimodal: ["image"] } })) as GraphState;
    expect(state.answer).toBe("Noise, a tone and the MCP logo.");
    expect(state.calls.map((c) => [c.tool, c.isError])).toEqual([["read_media_file", false], ["read_media_file", false], ["get-tiny-image", false]]);

    const results = stub.requests[3]!.messages.flatMap((message) =>
      Array.isArray(message.content) ? message.content.filter((block) => block.type === "tool_result") : [],
    ) as Array<{ content: string | Array<Record<string, unknown>> }>;
    expect(results).toHaveLength(3);
    const [png, wav, tiny] = results.map((result) => result.content);

    expect(png).toEqual([{ type: "image", source: { type: "base64", media_type: "image/png", data: files.png.base64 } }]);
    expect(wav).toBe(`(1 audio, audio/wav, ${Math.round(files.wav.bytes / 1024)} KB, kept in the artifact)`);
    expect((tiny as Array<{ type: string }>).map((block) => block.type)).toEqual(["text", "image", "text"]);
    expect(tiny?.[0]).toEqual({ type: "text", text: "Here's the image you requested:" });
  });
});
