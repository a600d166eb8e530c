import type { BaseLanguageModelInput, StructuredOutputMethodOptions } from "@langchain/core/language_models/base";
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BaseChatModelParams,
  type BindToolsInput,
} from "@langchain/core/language_models/chat_models";
import { assembleStructuredOutputPipeline, createContentParser } from "@langchain/core/language_models/structured_output";
import { AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import { RunnableLambda, type Runnable } from "@langchain/core/runnables";
import { convertToOpenAITool } from "@langchain/core/utils/function_calling";
import { toJsonSchema } from "@langchain/core/utils/json_schema";
import { isSerializableSchema } from "@langchain/core/utils/standard_schema";
import { isInteropZodSchema } from "@langchain/core/utils/types";
import type { RouteOutput } from "../graph/index.js";
import { catalogFromFunctions, catalogFromRouteSchema, type Catalog, type FunctionDefinition } from "./catalog.js";
import { readConversation } from "./conversation.js";
import { resolveTurns } from "./follow-up.js";
import { decide } from "./router.js";

type Json = Record<string, unknown>;

/** A tool in the OpenAI form `bindTools` stores. */
interface BoundTool {
  type: "function";
  function: FunctionDefinition;
}

export interface OfflineRouterCallOptions extends BaseChatModelCallOptions {
  /** Bound with `bindTools`, in OpenAI form. */
  tools?: BoundTool[];
  /** Set by `withStructuredOutput` with `method: "jsonSchema" | "jsonMode"`: reply with JSON text. */
  response_format?: { type: "json_schema" | "json_object"; json_schema: { name: string; schema: Json } };
}

/** The offline model was asked for something only a language model can do. */
export class OfflineModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OfflineModelError";
  }
}

/**
 * A deterministic chat model that routes questions to tools with no network and no weights.
 *
 * It reads the tool definitions it is given, either as a route schema through `withStructuredOutput`
 * (the route node's path) or as tools through `bindTools` (like any tool-calling chat model), and
 * decides the next step from the thread: the last user message, read in the light of the turn
 * before it (a reply to a question it asked, "and in Utrecht?", "triple that"), and the tool results of
 * the current turn. It calls a tool, answers (grounded in the results, or saying that no tool can
 * help), or asks for a missing input. With nothing bound it answers in plain text.
 */
export class OfflineRouterModel extends BaseChatModel<OfflineRouterCallOptions, AIMessageChunk> {
  static override lc_name(): string {
    return "OfflineRouterModel";
  }

  constructor(fields: BaseChatModelParams = {}) {
    super(fields);
  }

  _llmType(): string {
    return "offline-router";
  }

  override get callKeys(): string[] {
    return [...super.callKeys, "tools", "tool_choice", "response_format"];
  }

  override bindTools(tools: BindToolsInput[], kwargs?: Partial<OfflineRouterCallOptions>): Runnable<BaseLanguageModelInput, AIMessageChunk, OfflineRouterCallOptions> {
    const converted = tools.map(toBoundTool);
    return this.withConfig({ ...kwargs, tools: converted } as Partial<OfflineRouterCallOptions>);
  }

  override withStructuredOutput<RunOutput extends Record<string, unknown> = Record<string, unknown>>(
    outputSchema: object,
    config?: StructuredOutputMethodOptions<false>,
  ): Runnable<BaseLanguageModelInput, RunOutput>;
  override withStructuredOutput<RunOutput extends Record<string, unknown> = Record<string, unknown>>(
    outputSchema: object,
    config?: StructuredOutputMethodOptions<true>,
  ): Runnable<BaseLanguageModelInput, { raw: BaseMessage; parsed: RunOutput }>;
  /**
   * Structured output as with ChatOpenAI: `functionCalling` (the default; the schema is bound as a
   * tool and the reply's tool call is parsed), or `jsonSchema`/`jsonMode` (the reply is JSON text).
   * `strict` is accepted: replies always follow the schema. Only route schemas can be answered.
   */
  override withStructuredOutput(
    outputSchema: object,
    config?: StructuredOutputMethodOptions<boolean>,
  ): Runnable<BaseLanguageModelInput, unknown> {
    const schema = (isInteropZodSchema(outputSchema) || isSerializableSchema(outputSchema) ? toJsonSchema(outputSchema) : outputSchema) as Json;
    const name = config?.name ?? (typeof schema.title === "string" ? schema.title : "extract");
    const method = config?.method ?? "functionCalling";
    if (method === "jsonSchema" || method === "jsonMode") {
      const llm = this.withConfig({
        response_format: { type: method === "jsonSchema" ? "json_schema" : "json_object", json_schema: { name, schema } },
      } as Partial<OfflineRouterCallOptions>);
      return assembleStructuredOutputPipeline(llm, createContentParser(schema), config?.includeRaw, "StructuredOutput");
    }
    const description = typeof schema.description === "string" ? schema.description : "A function available to call.";
    const llm = this.bindTools([{ type: "function", function: { name, description, parameters: schema } }], { tool_choice: name });
    const parser = RunnableLambda.from((message: AIMessageChunk) => {
      const call = message.tool_calls?.find((c) => c.name === name);
      if (!call) throw new OfflineModelError(`the offline model did not call ${name}`);
      return call.args;
    });
    return assembleStructuredOutputPipeline(llm, parser, config?.includeRaw, "StructuredOutput");
  }

  async _generate(messages: BaseMessage[], options: this["ParsedCallOptions"]): Promise<ChatResult> {
    const message = this.respond(messages, options);
    const text = typeof message.content === "string" ? message.content : "";
    return { generations: [{ text, message }], llmOutput: {} };
  }

  private respond(messages: BaseMessage[], options: OfflineRouterCallOptions): AIMessageChunk {
    const conversation = readConversation(messages);
    const current = conversation.turns.at(-1)!;
    const route = (catalog: Catalog): RouteOutput => {
      const resolution = resolveTurns(conversation.turns, catalog);
      const output = decide(resolution.question, current.observations, catalog, conversation.feedback, resolution.slots);
      return resolution.note ? { ...output, reason: `${resolution.note}; ${output.reason}` } : output;
    };
    const metadata = { response_metadata: { model_name: "offline" } };

    const format = options.response_format;
    if (format) {
      const catalog = catalogFromRouteSchema(format.json_schema.schema);
      if (!catalog) throw new OfflineModelError(`the offline model can only answer route schemas, not "${format.json_schema.name}"`);
      return new AIMessageChunk({ content: JSON.stringify(route(catalog)), ...metadata });
    }

    const tools = options.tools ?? [];
    const routeTool = tools.find((tool) => catalogFromRouteSchema(tool.function.parameters ?? {}));
    if (routeTool) {
      const decision = route(catalogFromRouteSchema(routeTool.function.parameters ?? {})!);
      return new AIMessageChunk({
        content: "",
        tool_calls: [{ name: routeTool.function.name, args: decision, id: callId(conversation.callCount), type: "tool_call" }],
        ...metadata,
      });
    }

    const catalog = catalogFromFunctions(tools, () => tools.map((tool) => tool.function));
    const { decision } = route(catalog);
    if (decision.action === "call_tool") {
      return new AIMessageChunk({
        content: "",
        tool_calls: [{ name: decision.tool, args: decision.args, id: callId(conversation.callCount), type: "tool_call" }],
        ...metadata,
      });
    }
    return new AIMessageChunk({ content: decision.action === "answer" ? decision.answer : decision.question, ...metadata });
  }
}

/** LangChain tools, OpenAI tool dicts and bare `{ name, description, parameters|schema }` objects. */
function toBoundTool(tool: BindToolsInput): BoundTool {
  const converted = convertToOpenAITool(tool) as Partial<BoundTool> & Json;
  if (converted.function) return converted as BoundTool;
  const bare = tool as Json;
  const parameters = bare.parameters ?? bare.schema ?? bare.input_schema ?? bare.inputSchema;
  return {
    type: "function",
    function: {
      name: String(bare.name),
      ...(typeof bare.description === "string" ? { description: bare.description } : {}),
      parameters: (isInteropZodSchema(parameters) ? toJsonSchema(parameters) : parameters ?? {}) as Json,
    },
  };
}

function callId(previousCalls: number): string {
  return `offline_call_${previousCalls + 1}`;
}
