import type { ServerStatus, ToolInfo } from "../adapters/index.js";
import type { CallRecord, GraphState } from "../graph/index.js";

/** What the step view reads of the servers besides the state: the client the graph uses. */
export interface ServersView {
  status(): Record<string, ServerStatus>;
  catalog(): readonly ToolInfo[];
}

export interface TurnReport {
  question: string;
  thread: string;
  state: GraphState;
  timingsMs: Record<string, number>;
  /** The approval the turn waits on. */
  pending?: { action: string; args: Record<string, unknown>; description?: string };
  /** Why the turn ended without an answer (an approval no one could give here). */
  note?: string;
}

/** The lines the step-by-step view prints for one node's update; `state` is the state before it. */
export function formatUpdate(node: string, update: Partial<GraphState>, servers: ServersView): string[] {
  switch (node) {
    case "discover": {
      const catalog = servers.catalog();
      return Object.entries(servers.status()).map(([name, status]) => {
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
        const target = describeTool(decision.tool, servers);
        return [`[route] ${target} ${JSON.stringify(decision.args)} — ${reason}`];
      }
      return [`[route] ${decision.action} — ${reason}`];
    }
    case "callTool": {
      const call = update.calls?.at(-1);
      if (!call) return [];
      return [`[call] ${call.server}.${call.tool} → ${call.isError ? "error: " : ""}${call.result} (${call.durationMs.toFixed(1)} ms)`];
    }
    case "approve": {
      const approval = update.approvals?.at(-1);
      if (!approval || approval.decision === "auto") return [];
      const verdicts = { accept: "approved", edit: "approved with edited arguments", ignore: "not run", response: "not run; your reply goes to the model", unasked: "not run: it needs approval" };
      return [`[approve] ${approval.server}.${approval.tool} ${JSON.stringify(approval.args)}: ${verdicts[approval.decision]}`];
    }
    case "respond":
      return [`[answer] ${update.answer ?? ""}`];
    default:
      return [];
  }
}

/** The `--json` line for one turn. */
export function formatJson({ question, thread, state, timingsMs, pending, note }: TurnReport, servers: ServersView): string {
  return JSON.stringify({
    question,
    thread,
    answer: pending ? (note ?? "") : state.answer,
    ...(pending ? { interrupt: pending } : {}),
    calls: state.calls.map((call: CallRecord) => ({
      server: call.server,
      tool: call.tool,
      args: call.args,
      result: call.result,
      isError: call.isError,
    })),
    approvals: state.approvals.map(({ server, tool, decision }) => ({ server, tool, decision })),
    route: state.decision ? { reason: state.decision.reason, action: state.decision.decision.action } : null,
    servers: Object.fromEntries(
      Object.entries(servers.status()).map(([name, status]) => [name, status.error ? `${status.state}: ${status.error}` : status.state]),
    ),
    errors: state.errors,
    timingsMs: Object.fromEntries(Object.entries(timingsMs).map(([key, value]) => [key, Math.round(value * 10) / 10])),
  });
}

/** "math / multiply" for `math__multiply`; the bridged name itself for a tool no longer listed. */
export function describeTool(bridgedName: string, servers: ServersView, separator = " / "): string {
  const tool = servers.catalog().find((entry) => entry.bridgedName === bridgedName);
  return tool ? `${tool.server}${separator}${tool.name}` : bridgedName;
}
