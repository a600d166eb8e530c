/**
 * A server's sampling request answered by the host's chat model: server-everything's
 * `trigger-sampling-request` over stdio, the model a local OpenAI-compatible stub that records what
 * it was sent.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MultiServerClient, resultText, type SamplingHandler } from "../adapters/index.js";
import { startOpenAIStub, type OpenAIStub } from "../test/support/model-stubs/openai.js";
import { createChatModel } from "./index.js";
import { createSampler, MAX_SAMPLING_TOKENS } from "./sampling.js";

const EVERYTHING = fileURLToPath(new URL("../node_modules/@modelcontextprotocol/server-everything/dist/index.js", import.meta.url));
const stubs: OpenAIStub[] = [];
const clients: MultiServerClient[] = [];
let handler: SamplingHandler = () => Promise.reject(new Error("no handler"));
let client: MultiServerClient;

beforeAll(async () => {
  client = new MultiServerClient(
    { everything: { command: process.execPath, args: [EVERYTHING, "stdio"], stderr: "ignore" } },
    { connectTimeoutMs: 15_000, onSampling: (server, params, context) => handler(server, params, context) },
  );
  clients.push(client);
  await client.connect();
}, 30_000);

afterAll(async () => {
  await Promise.all(clients.map((each) => each.close()));
  await Promise.all(stubs.map((stub) => stub.close()));
});

async function stubModel(script: Parameters<typeof startOpenAIStub>[0]) {
  const stub = await startOpenAIStub(script);
  stubs.push(stub);
  return { stub, model: await createChatModel("openai:gpt-4o", { OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: stub.url }, { retries: 0 }) };
}

const sampled = (text: string) => JSON.parse(text.replace(/^LLM sampling result: \n/, "")) as unknown;

describe("sampling with the host's chat model", () => {
  it("sends the system prompt, the messages and maxTokens to the model, and its answer back to the server", async () => {
    const { stub, model } = await stubModel(["Leaves fall softly."]);
    handler = createSampler(model, { modelName: "openai:gpt-4o" });
    const result = await client.callTool("everything", "trigger-sampling-request", { prompt: "Write a haiku", maxTokens: 50 });
    expect(sampled(resultText(result))).toEqual({ role: "assistant", content: { type: "text", text: "Leaves fall softly." }, model: "gpt-4o", stopReason: "endTurn" });
    expect(stub.requests).toHaveLength(1);
    expect(stub.requests[0]).toMatchObject({
      model: "gpt-4o",
      max_tokens: 50,
      messages: [
        { role: "system", content: "You are a helpful test server." },
        { role: "user", content: "Resource trigger-sampling-request context: Write a haiku" },
      ],
    });
  });

  it("caps maxTokens, and passes images to a multimodal model only", async () => {
    const { stub, model } = await stubModel(["A red dot."]);
    const image = { type: "image" as const, mimeType: "image/png", data: "iVBORw0KGgo=" };
    const params = { messages: [{ role: "user" as const, content: [{ type: "text" as const, text: "What is this?" }, image] }], maxTokens: 1_000_000 };
    const signal = new AbortController().signal;
    await expect(createSampler(model, { modelName: "openai:gpt-4o" })("s", params, { signal })).rejects.toMatchObject({
      name: "SamplingUnsupportedError",
      message: "the model does not take images (image/png), and the request has one",
    });
    expect(stub.requests).toHaveLength(0);
    const answer = await createSampler(model, { modelName: "openai:gpt-4o", multimodal: ["image"] })("s", params, { signal });
    expect(answer.content).toEqual({ type: "text", text: "A red dot." });
    expect(stub.requests[0]).toMatchObject({
      max_tokens: MAX_SAMPLING_TOKENS,
      messages: [{ role: "user", content: [{ type: "text", text: "What is this?" }, { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } }] }],
    });
  });

  it("gives up on a model that does not answer in time, and the server reads why", async () => {
    const { model } = await stubModel([{ fault: "hang" }]);
    handler = createSampler(model, { modelName: "openai:gpt-4o", timeoutMs: 300 });
    const result = await client.callTool("everything", "trigger-sampling-request", { prompt: "Take your time" });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain("sampling failed: the model did not answer within 0.3 s");
  });

  it("refuses with the reason for the offline model, which writes no free text", async () => {
    handler = createSampler(await createChatModel("offline", {}), { modelName: "offline" });
    const result = await client.callTool("everything", "trigger-sampling-request", { prompt: "Write a haiku" });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain("sampling failed: the offline model only routes questions to tools and cannot write an answer");
  });
});
