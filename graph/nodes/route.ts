import type { AIMessage } from "@langchain/core/messages";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { ToolInfo } from "../../adapters/index.js";
import { ensureConfiguration } from "../configuration.js";
import type { GraphContext } from "../context.js";
import { withRouteSchema } from "../route-model.js";
import {
  invalidRouteAnswer,
  invalidRouteFeedback,
  modelFailureAnswer,
  noServersAnswer,
  ROUTE_SYSTEM_PROMPT,
  stepLimitAnswer,
} from "../prompts.js";
import { buildRouteSchema, parseRouteOutput } from "../routing/index.js";
import type { GraphState, GraphUpdate, TokenUsage } from "../state.js";
import { describeUnavailable } from "../server-status.js";

/**
 * Asks the model for the next step, with a schema that only admits the discovered tools, and checks
 * its choice against the tool's own input schema. An invalid choice goes back to the model with the
 * reason, a bounded number of times.
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
    const { model, maxSteps, maxRouteRetries } = ensureConfiguration(config, context.defaults);
    if (state.catalog.length === 0) {
      return { decision: null, answer: noServersAnswer(describeUnavailable(state.servers) || "none is configured") };
    }
    if (state.steps >= maxSteps) {
      return { decision: null, answer: stepLimitAnswer(maxSteps, state.calls.at(-1)?.result) };
    }

    const router = withRouteSchema(await context.modelFor(model), schemaFor(state.catalog));
    let raw: AIMessage | undefined;
    let parsed: unknown;
    let malformed: string | undefined;
    try {
      const reply = await router.invoke([new SystemMessage(ROUTE_SYSTEM_PROMPT), ...state.messages], config);
      raw = reply.raw as AIMessage;
      parsed = reply.parsed;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // Prose where JSON was asked for is the model's mistake, which it may correct when told; a provider
      // that is down or rejects the request is not something another attempt here fixes.
      if (!(error instanceof Error && error.name === "SyntaxError")) {
        return { decision: null, errors: [...state.errors, message], answer: modelFailureAnswer(message) };
      }
      malformed = `the reply was not the JSON object the schema asks for (${message})`;
    }

    const usage = addUsage(state.usage, raw);
    const result = malformed ? ({ ok: false, error: malformed } as const) : parseRouteOutput(parsed, state.catalog);
    if (result.ok) return { decision: result.value, invalidRoutes: 0, usage };

    const attempts = state.invalidRoutes + 1;
    const errors = [...state.errors, `invalid route: ${result.error}`];
    if (attempts > maxRouteRetries) {
      return { decision: null, invalidRoutes: attempts, errors, usage, answer: invalidRouteAnswer(attempts, result.error) };
    }
    return {
      decision: null,
      invalidRoutes: attempts,
      errors,
      usage,
      messages: [...state.messages, new HumanMessage(invalidRouteFeedback(result.error))],
    };
  };
}

function addUsage(total: TokenUsage, message: AIMessage | undefined): TokenUsage {
  const usage = message?.usage_metadata;
  if (!usage) return total;
  return {
    inputTokens: total.inputTokens + usage.input_tokens,
    outputTokens: total.outputTokens + usage.output_tokens,
    totalTokens: total.totalTokens + usage.total_tokens,
  };
}

/** Where the graph goes after `route`. */
export function afterRoute(state: GraphState): "callTool" | "respond" | "route" {
  if (state.answer) return "respond";
  const action = state.decision?.decision.action;
  if (action === "call_tool") return "callTool";
  if (action === "answer" || action === "ask") return "respond";
  return "route";
}
