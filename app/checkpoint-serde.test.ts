import { AIMessage, HumanMessage, ToolMessage, type BaseMessage } from "@langchain/core/messages";
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

  it("writes a checkpoint byte for byte as LangGraph's own serializer does", async () => {
    const messages = [
      new HumanMessage({ content: [{ type: "text", text: "weather in São Paulo — now?" }], id: "h1", name: "ada" }),
      new AIMessage({ content: "", id: "a1", tool_calls: [{ id: "c1", name: "weather__get_weather", args: { city: "São Paulo" }, type: "tool_call" }] }),
      new ToolMessage({ content: "22 °C", tool_call_id: "c1", artifact: { content: [{ type: "text", text: "22 °C" }], structuredContent: { lc: 1, n: [1, 2] } }, id: "t1" }),
      new AIMessage({ content: "It is 22 °C.", id: "a2", additional_kwargs: { when: new Date(0).toISOString() }, usage_metadata: { input_tokens: 1, output_tokens: 2, total_tokens: 3 } }),
    ];
    const checkpoint = { v: 4, id: "x", channel_values: { messages, calls: [{ args: { a: 1 }, result: "2" }], missing: undefined, seen: new Set(["a"]) }, channel_versions: { messages: 3 } };
    const [, expected] = await general.dumpsTyped(checkpoint);
    const [, actual] = await thread.dumpsTyped(checkpoint);
    expect(new TextDecoder().decode(actual)).toBe(new TextDecoder().decode(expected));
  });

  it("writes a message it read back as it read it, and one changed since as it is now", async () => {
    const messages = [
      new HumanMessage({ content: "add 2 and 3", id: "h1" }),
      new AIMessage({ content: "", id: "a1", tool_calls: [{ id: "c1", name: "math__add", args: { a: 2, b: 3 }, type: "tool_call" }] }),
      new ToolMessage({ content: "5", tool_call_id: "c1", name: "math__add", id: "t1" }),
    ];
    const [type, first] = await thread.dumpsTyped({ channel_values: { messages } });
    const read = (await thread.loadsTyped(type, first)) as { channel_values: { messages: BaseMessage[] } };
    const [, again] = await thread.dumpsTyped(read);
    expect(new TextDecoder().decode(again)).toBe(new TextDecoder().decode(first));
    const [, general] = await new JsonPlusSerializer().dumpsTyped(read);
    expect(new TextDecoder().decode(again)).toBe(new TextDecoder().decode(general));

    read.channel_values.messages[2]!.content = "6";
    read.channel_values.messages[0]!.id = "h2";
    const changed = (await thread.loadsTyped(type, (await thread.dumpsTyped(read))[1])) as { channel_values: { messages: BaseMessage[] } };
    expect(changed.channel_values.messages.map((message) => [message.id, message.content])).toEqual([["h2", "add 2 and 3"], ["a1", ""], ["t1", "6"]]);
  });

  it("hands anything else to the general reviver, unchanged", async () => {
    const value = { seen: new Set(["a", "b"]), when: new Map([["k", 1]]), messages: [new HumanMessage("hi")] };
    const [expected, actual] = await both(value);
    expect(actual).toEqual(expected);
    expect((actual as { seen: unknown }).seen).toBeInstanceOf(Set);
  });

  it("stores a tool result's big media as a note of its size, and leaves the message in memory whole", async () => {
    const image = "A".repeat(200_000);
    const message = new ToolMessage({
      content: "(1 image, image/png, 146 KB, kept in the artifact)",
      tool_call_id: "c1",
      name: "files__read_media_file",
      id: "t1",
      artifact: { content: [{ type: "image", data: image, mimeType: "image/png" }, { type: "text", text: "small" }] },
    });
    const [type, bytes] = await thread.dumpsTyped({ channel_values: { messages: [new HumanMessage({ content: "show it", id: "h1" }), message] } });
    expect(bytes.length).toBeLessThan(5_000);
    const stored = (await thread.loadsTyped(type, bytes)) as { channel_values: { messages: ToolMessage[] } };
    const kept = stored.channel_values.messages[1]!;
    expect(kept).toBeInstanceOf(ToolMessage);
    expect(kept.artifact).toEqual({ content: [{ type: "image", data: "(195 K characters, not kept in the thread's checkpoints)", mimeType: "image/png" }, { type: "text", text: "small" }] });
    expect({ id: kept.id, name: kept.name, content: kept.content, tool_call_id: kept.tool_call_id }).toEqual({ id: "t1", name: "files__read_media_file", content: message.content, tool_call_id: "c1" });
    expect((message.artifact as { content: Array<{ data?: string }> }).content[0]!.data).toBe(image);
  });
});
