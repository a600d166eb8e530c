import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { AIMessage } from "@langchain/core/messages";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import { Command } from "@langchain/langgraph";
import { approvalReason, approvalRecord } from "../approval.js";
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
import { withRouteSchema, type RouteModel } from "../route-model.js";
import { buildRouteSchema, parseRouteOutput } from "../routing/index.js";
import { describeUnavailable, summarize } from "../server-status.js";
import type { GraphState, TokenUsage } from "../state.js";

/** Where the graph goes after `route`. */
export type RouteNext = "approve" | "callTool" | "respond" | "route";
export const ROUTE_NEXT: RouteNext[] = ["approve", "callTool", "respond", "route"];

/** What a route step changes. */
export type RouteUpdate = Partial<Pick<GraphState, "decision" | "answer" | "approvals" | "invalidRoutes" | "errors" | "usage" | "feedback" | "modelFailure">>;

/**
 * The route node as the graph runs it: the step's update, and where the graph goes next. A call the
 * approval policy lets run unasked goes straight to `callTool`, recorded as approved `auto`: a
 * separate `approve` step would cost as much LangGraph work as any other node (about a sixth of a
 * warm question) to decide nothing.
 */
export function route(context: GraphContext) {
  const step = routeUpdate(context);
  return async (state: GraphState, config: RunnableConfig): Promise<Command<unknown, RouteUpdate, RouteNext>> => {
    const update = await step(state, config);
    return new Command({ update, goto: nextAfterRoute(update) });
  };
}

function nextAfterRoute(update: RouteUpdate): RouteNext {
  if (update.answer) return "respond";
  const action = update.decision?.decision.action;
  // The route records an approval only when it approved the call itself.
  if (action === "call_tool") return update.approvals ? "callTool" : "approve";
  if (action === "answer" || action === "ask") return "respond";
  return "route";
}

/**
 * Asks the model for the next step, with the whole thread and a schema that only admits the
 * discovered tools, and checks its choice against the tool's own input schema. An invalid choice
 * goes back to the model with the reason, a bounded number of times. After `maxSteps` calls the model
 * may still answer; only a further call is refused. A call the approval policy lets through unasked
 * is recorded as approved `auto`.
 */
export function routeUpdate(context: GraphContext) {
  // The schema depends only on the catalog, which stays the same object until the tools change, and
  // the bound model only on the model and the schema.
  const schemas = new WeakMap<readonly ToolInfo[], Record<string, unknown>>();
  const routers = new WeakMap<BaseChatModel, WeakMap<Record<string, unknown>, RouteModel>>();
  const routerFor = (model: BaseChatModel, catalog: readonly ToolInfo[]): RouteModel => {
    let schema = schemas.get(catalog);
    if (!schema) schemas.set(catalog, (schema = buildRouteSchema(catalog)));
    let bound = routers.get(model);
    if (!bound) routers.set(model, (bound = new WeakMap()));
    let router = bound.get(schema);
    if (!router) bound.set(schema, (router = withRouteSchema(model, schema)));
    return router;
  };

  return async (state: GraphState, config: RunnableConfig): Promise<RouteUpdate> => {
    const { model, maxSteps, maxRouteRetries, modelTimeoutMs, approval } = ensureConfiguration(config, context.defaults);
    const { tools } = await context.catalogFor(config);
    if (tools.length === 0) {
      // The servers' status now, not at discover: they may have gone since.
      const { unavailable } = summarize(0, tools, await context.statusFor(config));
      return { decision: null, answer: noServersAnswer(describeUnavailable({ ...state.catalog, unavailable }) || "none is configured") };
    }

    const router = routerFor(await context.modelFor(model, modelTimeoutMs), tools);
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
      const { decision } = result.value;
      if (decision.action !== "call_tool") return { decision: result.value, invalidRoutes: 0, usage };
      // parseRouteOutput admits only tools of this catalog.
      const tool = tools.find((entry) => entry.bridgedName === decision.tool)!;
      if (approvalReason(tool, approval)) return { decision: result.value, invalidRoutes: 0, usage };
      return { decision: result.value, invalidRoutes: 0, usage, approvals: [...state.approvals, approvalRecord(decision, tool, "auto")] };
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

