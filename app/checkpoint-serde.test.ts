import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { JsonPlusSerializer } from "@langchain/langgraph-checkpoint";
import { describe, expect, it } from "vitest";
import { ThreadSerializer } from "./checkpoint-serde.js";

const general = new JsonPlusSerializer();
const thread = new ThreadSerializer();

async function both(value: unknown): Promise<[unknown, unknown]> {
  const [type, bytes] = await general.dumpsTyped(value);
  return [await general.loadsTyped(type, bytes), await thread.loadsTyped(type, bytes)];
}

describe("ThreadSerializer", () => {
  it("reads a thread's messages back exactly as LangGraph's own serializer does", async () => {
    const messages = [
      new HumanMessage({ content: "add 2 and 3", id: "h1" }),
      new AIMessage({ content: "", id: "a1", tool_calls: [{ id: "c1", name: "math__add", args: { a: 2, b: 3 }, type: "tool_call" }] }),
      new ToolMessage({ content: "5", tool_call_id: "c1", name: "math__add", status: "success", id: "t1" }),
      new AIMessage({ content: "2 + 3 = 5.", id: "a2", response_metadata: { model_name: "offline" }, usage_metadata: { input_tokens: 1, output_tokens: 2, total_tokens: 3 } }),
    ];
    const [expected, actual] = await both({ channel_values: { messages, question: "", decision: null, missing: undefined }, v: 4 });
    expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
    const revived = (actual as { channel_values: { messages: unknown[] } }).channel_values.messages;
    expect(revived.map((message) => (message as object).constructor)).toEqual([HumanMessage, AIMessage, ToolMessage, AIMessage]);
    expect((revived[1] as AIMessage).tool_calls).toEqual((messages[1] as AIMessage).tool_calls);
    expect(actual).toEqual(expected);
  });

  it("hands anything else to the general reviver, unchanged", async () => {
    const value = { seen: new Set(["a", "b"]), when: new Map([["k", 1]]), messages: [new HumanMessage("hi")] };
    const [expected, actual] = await both(value);
    expect(actual).toEqual(expected);
    expect((actual as { seen: unknown }).seen).toBeInstanceOf(Set);
  });
});
