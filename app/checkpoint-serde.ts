import {
  AIMessage,
  AIMessageChunk,
  ChatMessage,
  HumanMessage,
  RemoveMessage,
  SystemMessage,
  ToolMessage,
  type BaseMessage,
} from "@langchain/core/messages";
import { JsonPlusSerializer } from "@langchain/langgraph-checkpoint";

/** The message classes a thread holds, by the name LangChain serializes them under. */
const MESSAGES: Record<string, new (fields: never) => BaseMessage> = {
  AIMessage,
  AIMessageChunk,
  ChatMessage,
  HumanMessage,
  RemoveMessage,
  SystemMessage,
  ToolMessage,
};

/** Something only the general reviver knows how to read. */
const UNKNOWN = Symbol("unknown");

/**
 * LangGraph's JSON serializer, reading messages directly. Its own reviver awaits every value of a
 * checkpoint and turns each LangChain object back into JSON to load it; on a thread of 50 turns that
 * is most of a turn's time. Messages (nearly all of what a thread holds) are rebuilt here in one
 * synchronous pass; a checkpoint with anything else is read by the general reviver, unchanged.
 */
export class ThreadSerializer extends JsonPlusSerializer {
  protected override async _loads(data: string): Promise<unknown> {
    const revived = revive(JSON.parse(data));
    return revived === UNKNOWN ? super._loads(data) : revived;
  }
}

function revive(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = revive(value[i]);
      if (item === UNKNOWN) return UNKNOWN;
      items[i] = item;
    }
    return items;
  }
  if (!value || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  if ("lc" in record && ("type" in record || "id" in record)) {
    if (record.lc === 2 && record.type === "undefined") return undefined;
    if (record.lc !== 1 || record.type !== "constructor" || !Array.isArray(record.id)) return UNKNOWN;
    const Message = MESSAGES[String(record.id.at(-1))];
    const kwargs = revive(record.kwargs ?? {});
    if (!Message || kwargs === UNKNOWN) return UNKNOWN;
    return new Message(kwargs as never);
  }
  const revived: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    const item = revive(record[key]);
    if (item === UNKNOWN) return UNKNOWN;
    revived[key] = item;
  }
  return revived;
}
