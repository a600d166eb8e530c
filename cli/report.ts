import type { CallRecord, GraphState } from "../graph/index.js";

export interface QuestionReport {
  question: string;
  state: GraphState;
  timingsMs: Record<string, number>;
}

/** The lines the step-by-step view prints for one node's update; `state` is the state before it. */
export function formatUpdate(node: string, update: Partial<GraphState>, state: Partial<GraphState> | undefined): string[] {
  switch (node) {
    case "discover": {
      const catalog = update.catalog ?? [];
      return Object.entries(update.servers ?? {}).map(([name, status]) => {
        if (status.state !== "connected") return `[discover] ${name}: ${status.state} (${status.error ?? "no reason given"})`;
        const tools = catalog.filter((tool) => tool.server === name).map((tool) => tool.name);
        return `[discover] ${name}: ${tools.length} tool${tools.length === 1 ? "" : "s"} over ${status.transport ?? "?"} — ${tools.join(", ")}`;
      });
    }
    case "route": {
      const route = update.decision;
      if (!route) {
        const error = update.errors?.at(-1);
        return [update.answer ? `[route] stopped: ${update.answer}` : `[route] invalid route (${error ?? "unknown"}); asking again`];
      }
      const { decision, reason } = route;
      if (decision.action === "call_tool") {
        const tool = state?.catalog?.find((entry) => entry.bridgedName === decision.tool);
        const target = tool ? `${tool.server} / ${tool.name}` : decision.tool;
        return [`[route] ${target} ${JSON.stringify(decision.args)} — ${reason}`];
      }
      return [`[route] ${decision.action} — ${reason}`];
    }
    case "callTool": {
      const call = update.calls?.at(-1);
      if (!call) return [];
      return [`[call] ${call.server}.${call.tool} → ${call.isError ? "error: " : ""}${call.result} (${call.durationMs.toFixed(1)} ms)`];
    }
    case "respond":
      return [`[answer] ${update.answer ?? ""}`];
    default:
      return [];
  }
}

/** The `--json` line for one question. */
export function formatJson({ question, state, timingsMs }: QuestionReport): string {
  return JSON.stringify({
    question,
    answer: state.answer,
    calls: state.calls.map((call: CallRecord) => ({
      server: call.server,
      tool: call.tool,
      args: call.args,
      result: call.result,
      isError: call.isError,
    })),
    route: state.decision ? { reason: state.decision.reason, action: state.decision.decision.action } : null,
    servers: Object.fromEntries(
      Object.entries(state.servers).map(([name, status]) => [name, status.error ? `${status.state}: ${status.error}` : status.state]),
    ),
    errors: state.errors,
    timingsMs: Object.fromEntries(Object.entries(timingsMs).map(([key, value]) => [key, Math.round(value * 10) / 10])),
  });
}
