import {
  AIMessage,
  AIMessageChunk,
  BaseMessage,
  ChatMessage,
  HumanMessage,
  RemoveMessage,
  SystemMessage,
  ToolMessage,
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
 * The stored form each message read from a checkpoint was rebuilt from, with the id and content it
 * was rebuilt with. The next checkpoint of the thread writes every earlier message again, and their
 * `toJSON()` was a quarter of a 200-message dump; a message whose id or content changed since (the
 * only fields LangGraph or our nodes set on a message in a thread) is serialized afresh.
 */
const storedForms = new WeakMap<BaseMessage, { stored: unknown; id: unknown; content: unknown }>();

/**
 * LangGraph's JSON serializer, reading messages directly. Its own reviver awaits every value of a
 * checkpoint and turns each LangChain object back into JSON to load it; on a thread of 50 turns that
 * is most of a turn's time. Messages (nearly all of what a thread holds) are rebuilt here in one
 * synchronous pass; a checkpoint with anything else is read by the general reviver, unchanged.
 */
export class ThreadSerializer extends JsonPlusSerializer {
  /**
   * Every checkpoint of a thread carries all its messages, so a 480 KB image in one tool result's
   * artifact would be written again with every later turn. What is stored keeps an artifact's strings
   * over 64 KiB (media data, blobs) as a note of their size; the run itself, its stream and the state
   * it returns keep the whole result.
   */
  override async dumpsTyped(value: unknown): Promise<[string, Uint8Array]> {
    return super.dumpsTyped(storedForm(value));
  }

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
    const message = new Message(kwargs as never);
    storedForms.set(message, { stored: record, id: message.id, content: message.content });
    return message;
  }
  const revived: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    const item = revive(record[key]);
    if (item === UNKNOWN) return UNKNOWN;
    revived[key] = item;
  }
  return revived;
}

/** Past this, one string of a tool result's artifact is stored as a note of its size. */
const MAX_STORED_STRING = 64 * 1024;

/**
 * What a checkpoint stores for `value`: each message as its serialized form, a tool result's artifact
 * slimmed first. `toJSON()` is what JSON.stringify would ask a message for anyway; asking it here means
 * LangGraph's serializer, which walks the whole value for cycles before it writes, walks that form
 * instead of message objects that carry their fields twice (as fields and as `lc_kwargs`): a quarter
 * of the dump of a 200-message thread.
 */
function storedForm(value: unknown): unknown {
  if (!BaseMessage.isInstance(value)) return mapChildren(value, storedForm);
  // Read from a checkpoint and unchanged since: its stored form is already slimmed.
  const read = storedForms.get(value);
  if (read && read.id === value.id && read.content === value.content) return read.stored;
  if (ToolMessage.isInstance(value)) {
    const artifact = slim(value.artifact);
    if (artifact !== value.artifact) {
      return new ToolMessage({
        content: value.content,
        tool_call_id: value.tool_call_id,
        artifact,
        ...(value.id ? { id: value.id } : {}),
        ...(value.name ? { name: value.name } : {}),
        ...(value.status ? { status: value.status } : {}),
        additional_kwargs: value.additional_kwargs,
        response_metadata: value.response_metadata,
      }).toJSON();
    }
  }
  return value.toJSON();
}

/** The same value with every string over the bound replaced by a note of its size. */
function slim(value: unknown): unknown {
  if (typeof value === "string") return value.length > MAX_STORED_STRING ? `(${Math.round(value.length / 1024)} K characters, not kept in the thread's checkpoints)` : value;
  return mapChildren(value, slim);
}

/** An array or plain object with `map` applied to each child; the same object when no child changed. */
function mapChildren(value: unknown, map: (child: unknown) => unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(map);
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  if (!value || typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const record = value as Record<string, unknown>;
  let changed = false;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    copy[key] = map(record[key]);
    if (copy[key] !== record[key]) changed = true;
  }
  return changed ? copy : value;
}
