import type { AIMessage } from "@langchain/core/messages";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { ToolInfo } from "../../adapters/index.js";
import { ensureConfiguration } from "../configuration.js";
import type { GraphContext } from "../context.js";
import {
  invalidRouteAnswer,
  invalidRouteFeedback,
  modelFailureAnswer,
  noServersAnswer,
  ROUTE_FEEDBACK_NAME,
  ROUTE_SYSTEM_PROMPT,
  stepLimitAnswer,
} from "../prompts.js";
import { withRouteSchema } from "../route-model.js";
import { buildRouteSchema, parseRouteOutput } from "../routing/index.js";
import { describeUnavailable, summarize } from "../server-status.js";
import type { GraphState, GraphUpdate, TokenUsage } from "../state.js";

/**
 * Asks the model for the next step, with the whole thread and a schema that only admits the
 * discovered tools, and checks its choice against the tool's own input schema. An invalid choice
 * goes back to the model with the reason, a bounded number of times. After `maxSteps` calls the model
 * may still answer; only a further call is refused.
 */
export function route(context: GraphContext) {
  // The schema depends only on the catalog, which stays the same object until the tools change.
  const schemas = new WeakMap<readonly ToolInfo[], Record<string, unknown>>();
  const schemaFor = (catalog: readonly ToolInfo[]) => {
    const cached = schemas.get(catalog);
    if (cached) return cached;
    const schema = buildRouteSchema(catalog);
    schemas.set(catalog, schema);
    return schema;
  };

  return async (state: GraphState, config: RunnableConfig): Promise<GraphUpdate> => {
    const { model, maxSteps, maxRouteRetries, modelTimeoutMs } = ensureConfiguration(config, context.defaults);
    const { tools } = await context.catalogFor(config);
    if (tools.length === 0) {
      // The servers' status now, not at discover: they may have gone since.
      const { unavailable } = summarize(0, tools, await context.statusFor(config));
      return { decision: null, answer: noServersAnswer(describeUnavailable({ ...state.catalog, unavailable }) || "none is configured") };
    }

    const router = withRouteSchema(await context.modelFor(model, modelTimeoutMs), schemaFor(tools));
    const feedback = state.feedback.map((text) => new HumanMessage({ content: text, name: ROUTE_FEEDBACK_NAME }));
    let raw: AIMessage | undefined;
    let parsed: unknown;
    let malformed: string | undefined;
    try {
      const reply = await router.invoke([new SystemMessage(ROUTE_SYSTEM_PROMPT), ...state.messages, ...feedback], config);
      raw = reply.raw as AIMessage;
      parsed = reply.parsed;
    } catch (error) {
      const message = describeError(error);
      // Prose where JSON was asked for is the model's mistake, which it may correct when told; a provider
      // that is down or rejects the request is not something another attempt here fixes.
      if (!(error instanceof Error && error.name === "SyntaxError")) {
        return { decision: null, errors: [...state.errors, message], modelFailure: message, answer: modelFailureAnswer(message) };
      }
      malformed = `the reply was not the JSON object the schema asks for (${message})`;
    }

    const usage = addUsage(state.usage, raw);
    const result = malformed ? ({ ok: false, error: malformed } as const) : parseRouteOutput(parsed, tools);
    if (result.ok) {
      if (result.value.decision.action === "call_tool" && state.steps >= maxSteps) {
        return { decision: result.value, invalidRoutes: 0, usage, answer: stepLimitAnswer(maxSteps, state.calls.at(-1)?.result) };
      }
      return { decision: result.value, invalidRoutes: 0, usage };
    }

    const attempts = state.invalidRoutes + 1;
    const errors = [...state.errors, `invalid route: ${result.error}`];
    if (attempts > maxRouteRetries) {
      return { decision: null, invalidRoutes: attempts, errors, usage, answer: invalidRouteAnswer(attempts, result.error) };
    }
    return { decision: null, invalidRoutes: attempts, errors, usage, feedback: [...state.feedback, invalidRouteFeedback(result.error)] };
  };
}

/** The error's message, with the cause a provider client wrapped ("Connection error.") when it adds to it. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error && cause.message && !error.message.includes(cause.message)) return `${error.message} (${cause.message})`;
  return error.message;
}

export function addUsage(total: TokenUsage, message: AIMessage | undefined): TokenUsage {
  const usage = message?.usage_metadata;
  if (!usage) return total;
  return {
    inputTokens: total.inputTokens + usage.input_tokens,
    outputTokens: total.outputTokens + usage.output_tokens,
    totalTokens: total.totalTokens + usage.total_tokens,
  };
}

/** Where the graph goes after `route`. */
export function afterRoute(state: GraphState): "approve" | "respond" | "route" {
  if (state.answer) return "respond";
  const action = state.decision?.decision.action;
  if (action === "call_tool") return "approve";
  if (action === "answer" || action === "ask") return "respond";
  return "route";
}
