import { MemorySaver } from "@langchain/langgraph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MultiServerClient } from "../adapters/index.js";
import { createAppGraph, readSettings } from "../app/index.js";
import { startMathServer, type RunningServer } from "../servers/index.js";
import { startOpenAIStub, type OpenAIStub } from "../test/support/model-stubs/openai.js";
import { runTurn, type TurnPrinter } from "./turns.js";

let math: RunningServer;
let client: MultiServerClient;
const stubs: OpenAIStub[] = [];
beforeAll(async () => {
  math = await startMathServer({ port: 0, quiet: true });
  client = new MultiServerClient({ math: { url: `${math.url}/mcp` } });
  await client.connect();
});
afterAll(async () => {
  await Promise.allSettled(stubs.map((stub) => stub.close()));
  await client?.close();
  await math?.close();
});

/** What a turn printed: whole lines and partial writes, in order. */
function recorder() {
  const out: Array<{ line: string } | { write: string }> = [];
  const printer: TurnPrinter = { line: (line) => void out.push({ line }), write: (text) => void out.push({ write: text }) };
  return { out, printer, text: () => out.map((entry) => ("line" in entry ? `${entry.line}\n` : entry.write)).join("") };
}

const CALL = { reason: "5 + 3", decision: { action: "call_tool", tool: "math__add", args: { a: 5, b: 3 } } };
const ANSWER = { reason: "done", decision: { action: "answer", answer: "It is 8." } };

async function graphWith(script: Parameters<typeof startOpenAIStub>[0], model?: string) {
  const stub = await startOpenAIStub(script);
  stubs.push(stub);
  const graph = createAppGraph(readSettings({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: stub.url }), { client, checkpointer: new MemorySaver(), ...(model ? { model } : {}) });
  return { graph, stub };
}

describe("runTurn with a printer", () => {
  it("writes the answer token by token as it streams, then ends the line", async () => {
    const { graph } = await graphWith([CALL, ANSWER, "Five plus three is 8."], "openai:gpt-4o");
    const { out, printer, text } = recorder();
    const turn = await runTurn(graph, { question: "add 5 and 3" }, "t1", client, printer);
    expect(turn.state.answer).toBe("Five plus three is 8.");
    const writes = out.flatMap((entry) => ("write" in entry ? [entry.write] : []));
    expect(writes).toEqual(["[answer] ", "Five ", "plus ", "three ", "is ", "8.", "\n"]);
    expect(text()).toMatch(/\[call\] math\.add → 8 .*\n\[route\] answer — done\n\[answer\] Five plus three is 8\.\n$/s);
  });

  it("prints the offline model's answer, which comes in one piece, the same way", async () => {
    const { graph } = await graphWith([], "offline");
    const { out, printer, text } = recorder();
    await runTurn(graph, { question: "add 5 and 3" }, "t2", client, printer);
    expect(text()).toMatch(/\n\[answer\] .*8.*\n$/);
    expect(out.filter((entry) => "write" in entry)).toHaveLength(3);
  });

  it("when the answer call fails, prints the route's answer with the reason", async () => {
    const { graph } = await graphWith([CALL, ANSWER], "openai:gpt-4o");
    const { printer, text } = recorder();
    const turn = await runTurn(graph, { question: "add 5 and 3" }, "t3", client, printer);
    expect(turn.state.modelFailure).toMatch(/script ran out/);
    expect(turn.state.answer).toMatch(/^It is 8\. \(The model could not write this answer/);
    expect(text()).toContain(`\n[answer] ${turn.state.answer}\n`);
  });
});
