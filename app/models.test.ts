import { HumanMessage } from "@langchain/core/messages";
import { afterAll, describe, expect, it } from "vitest";
import { faults, startAnthropicStub, type AnthropicStub } from "../test/support/model-stubs/anthropic.js";
import { startOllamaStub, type OllamaStub } from "../test/support/model-stubs/ollama.js";
import { startOpenAIStub, type OpenAIStub } from "../test/support/model-stubs/openai.js";
import { createChatModel, MODEL_PROVIDERS, ModelConfigError, parseModelName } from "./index.js";

const stubs: Array<AnthropicStub | OllamaStub | OpenAIStub> = [];
afterAll(async () => {
  await Promise.all(stubs.map((stub) => stub.close()));
});
async function started<T extends AnthropicStub | OllamaStub | OpenAIStub>(stub: Promise<T>): Promise<T> {
  const running = await stub;
  stubs.push(running);
  return running;
}

describe("model names", () => {
  it("split on the first colon when a provider we set up comes first; anything else is a ChatOpenAI model", () => {
    expect(parseModelName("anthropic:claude-sonnet-4-5")).toEqual({ provider: "anthropic", model: "claude-sonnet-4-5" });
    expect(parseModelName(" ollama:llama3.1:8b ")).toEqual({ provider: "ollama", model: "llama3.1:8b" });
    expect(parseModelName("openai:gpt-4o-mini")).toEqual({ provider: "openai", model: "gpt-4o-mini" });
    expect(parseModelName("gpt-4o")).toEqual({ provider: "openai", model: "gpt-4o" });
    // A model behind OPENAI_BASE_URL may have a colon in its name (Ollama's tags).
    expect(parseModelName("llama3.1:8b")).toEqual({ provider: "openai", model: "llama3.1:8b" });
    expect(MODEL_PROVIDERS).toEqual(["openai", "anthropic", "ollama", "groq", "google-genai", "mistralai", "bedrock"]);
  });

  it("refuse an empty name or a provider without a model", () => {
    expect(() => parseModelName("  ")).toThrow(ModelConfigError);
    expect(() => parseModelName("anthropic:")).toThrow(/names the provider "anthropic" but no model/);
  });
});

describe("createChatModel", () => {
  it("names the package a provider needs, and how to install it", async () => {
    await expect(createChatModel("groq:llama3", {})).rejects.toThrow(
      new ModelConfigError('model "groq:llama3" needs the @langchain/groq package: npm install @langchain/groq'),
    );
    await expect(createChatModel("bedrock:anthropic.claude-3", {})).rejects.toThrow(/needs the @langchain\/aws package: npm install @langchain\/aws$/);
  });

  it("names the variable a provider needs", async () => {
    await expect(createChatModel("anthropic:claude-x", {})).rejects.toThrow(
      'model "anthropic:claude-x" needs ANTHROPIC_API_KEY (or ANTHROPIC_BASE_URL for a server that needs none); use --model offline to run without one',
    );
    await expect(createChatModel("gpt-4o", {})).rejects.toThrow(/needs OPENAI_API_KEY \(or OPENAI_BASE_URL/);
  });

  it("refuses a provider LangChain knows but this application does not set up, instead of asking OpenAI for it", async () => {
    await expect(createChatModel("xai:grok-2", { OPENAI_API_KEY: "sk-test" })).rejects.toThrow(/the provider "xai" is not one this application sets up \(openai, anthropic, ollama/);
  });

  it("gives each provider's own class, which keeps its model name whatever a run's configurable.model says", async () => {
    const anthropic = await started(startAnthropicStub(["hello"]));
    const model = await createChatModel("anthropic:claude-test", { ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: anthropic.url });
    expect(model._llmType()).toBe("anthropic");
    // initChatModel's own wrapper would send "anthropic:claude-other" to the provider as the model name.
    await model.invoke([new HumanMessage("hi")], { configurable: { model: "anthropic:claude-other" } });
    expect(anthropic.requests[0]).toMatchObject({ model: "claude-test", temperature: 0 });
    expect(anthropic.headers[0]).toMatchObject({ "x-api-key": "sk-ant-test" });

    const ollama = await started(startOllamaStub([]));
    expect((await createChatModel("ollama:llama3.1", { OLLAMA_BASE_URL: ollama.url }))._llmType()).toBe("ollama");
    const openai = await started(startOpenAIStub([]));
    expect((await createChatModel("qwen2.5", { OPENAI_BASE_URL: openai.url }))._llmType()).toBe("openai");
  });

  it.each([
    ["anthropic:claude-test", "ANTHROPIC_BASE_URL", startAnthropicStub],
    ["ollama:llama3.1", "OLLAMA_BASE_URL", startOllamaStub],
  ] as const)("sends %s's requests through modelFetch: bounded, retried twice, each retry announced", async (name, variable, start) => {
    const stub = await started<AnthropicStub | OllamaStub>(start([faults.reply(503, "application/json", "{}"), faults.reply(429, "application/json", "{}"), "hello"]));
    const said: string[] = [];
    const model = await createChatModel(name, { ANTHROPIC_API_KEY: "sk-ant-test", [variable]: stub.url }, { retryDelayMs: () => 10, onRetry: (line) => said.push(line) });
    const reply = await model.invoke([new HumanMessage("hi")]);
    expect(reply.content).toBe("hello");
    expect(said).toEqual([`model: HTTP 503 from ${stub.url}, retrying 1/2 in 10 ms`, `model: HTTP 429 from ${stub.url}, retrying 2/2 in 10 ms`]);
    expect(stub.requests).toHaveLength(3);
  });

  it("names a reply that is not an API's at all, from any provider", async () => {
    const ollama = await started(startOllamaStub([faults.reply(200, "text/html", "<html>Sign in</html>")]));
    const model = await createChatModel("ollama:llama3.1", { OLLAMA_BASE_URL: ollama.url });
    await expect(model.invoke([new HumanMessage("hi")])).rejects.toThrow(`model: ${ollama.url}/api/chat answered text/html, not a chat completion ("<html>Sign in</html>")`);
  });
});
