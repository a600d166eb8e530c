import { AIMessage, AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import { Command } from "@langchain/langgraph";
import { messageText, type ElicitationAnswer, type ElicitationInterrupt, type GraphState, type HumanInterrupt, type HumanResponse, type McpGraph, type ToolProgressEvent } from "../graph/index.js";
import { formatUpdate, type ServersView } from "./report.js";

/** The approval a turn stopped at, as `--json` prints it. */
export interface PendingApproval {
  action: string;
  args: Record<string, unknown>;
  description?: string;
}

export interface TurnResult {
  state: GraphState;
  /** Set when the turn is waiting for a person to approve a call. */
  pending?: PendingApproval;
  /** Set when a tool's server asked the user something and the turn waits for the answer. */
  question?: ElicitationInterrupt;
  timingsMs: Record<string, number>;
}

/** Where a turn's progress goes: whole lines, and the answer's tokens as they come. */
export interface TurnPrinter {
  line(text: string): void;
  /** Part of a line (the answer as it streams); the line ends with a later write of "\n". */
  write(text: string): void;
  /** A running call's progress; the next line or write means the call (or its progress) is over. */
  progress?(update: ToolProgressEvent): void;
}

/**
 * Runs one step of a thread (a new message, or the resume of an approval). With a printer, each
 * update is printed as it happens and the answer token by token (LangGraph's `messages` stream, from
 * the respond step only: the route's structured output never reaches it); the offline model's answer
 * arrives there as one piece. Without one, nothing listens for tokens and no answer is streamed.
 */
export async function runTurn(
  graph: McpGraph,
  input: { question: string } | { resume: HumanResponse | ElicitationAnswer },
  threadId: string,
  servers: ServersView,
  printer?: TurnPrinter,
  /** Whether the discover lines of a catalog with this version are worth printing (default: always). */
  showCatalog: (version: number) => boolean = () => true,
): Promise<TurnResult> {
  const started = performance.now();
  const timingsMs: Record<string, number> = {};
  let last = started;
  const answer = new AnswerPrinter(printer);
  const stream = await graph.stream("resume" in input ? new Command({ resume: input.resume }) : { question: input.question }, {
    configurable: { thread_id: threadId },
    streamMode: printer ? ["updates", "messages", "custom"] : ["updates"],
    // One checkpoint per turn (and at an approval), not one per step: a turn is short, and a thread's
    // file then grows by one copy of the conversation per turn instead of six.
    durability: "exit",
  });
  for await (const [mode, chunk] of stream as AsyncIterable<[string, unknown]>) {
    if (mode === "custom") {
      const update = chunk as Partial<ToolProgressEvent>;
      if (update.type === "progress") printer?.progress?.(update as ToolProgressEvent);
      continue;
    }
    if (mode === "messages") {
      const [message, metadata] = chunk as [BaseMessage, { langgraph_node?: string }];
      if (metadata.langgraph_node === "respond") answer.token(message);
      continue;
    }
    const now = performance.now();
    for (const [node, update] of Object.entries(chunk as Record<string, Partial<GraphState>>)) {
      if (node === "__interrupt__") continue;
      timingsMs[node] = (timingsMs[node] ?? 0) + (now - last);
      if (node === "discover" && !showCatalog(update.catalog?.version ?? 0)) continue;
      if (!printer) continue;
      if (node === "respond") answer.finish(update.answer ?? "");
      else for (const line of formatUpdate(node, update, servers)) printer.line(line);
    }
    last = now;
  }
  timingsMs.total = performance.now() - started;
  return currentTurn(graph, threadId, timingsMs);
}

/** The `[answer]` line, printed as its tokens come and completed by the respond step's update. */
class AnswerPrinter {
  private streamed: string | undefined;
  private done = false;

  constructor(private readonly printer: TurnPrinter | undefined) {}

  token(message: BaseMessage): void {
    if (!this.printer || this.done || !(AIMessageChunk.isInstance(message) || AIMessage.isInstance(message))) return;
    const text = messageText(message);
    if (!text) return;
    if (this.streamed === undefined) {
      this.printer.write("[answer] ");
      this.streamed = "";
    }
    this.printer.write(text);
    this.streamed += text;
  }

  /** The whole answer: what was not streamed (a note on unavailable servers) ends the line; an answer that replaced a failed stream gets its own. */
  finish(answer: string): void {
    if (!this.printer || this.done) return;
    this.done = true;
    if (this.streamed === undefined) return this.printer.line(`[answer] ${answer}`);
    if (answer.startsWith(this.streamed)) return this.printer.write(`${answer.slice(this.streamed.length)}\n`);
    this.printer.write("\n");
    this.printer.line(`[answer] ${answer}`);
  }
}

/** Where the thread stands now: its state and the approval it waits on, if any. */
export async function currentTurn(graph: McpGraph, threadId: string, timingsMs: Record<string, number> = {}): Promise<TurnResult> {
  const snapshot = await graph.getState({ configurable: { thread_id: threadId } });
  const request = snapshot.tasks.flatMap((task) => task.interrupts.map((interrupt) => interrupt.value)).at(0);
  const pending = pendingOf(request);
  const question = (request as Partial<ElicitationInterrupt> | undefined)?.type === "elicitation" ? (request as ElicitationInterrupt) : undefined;
  return { state: snapshot.values as GraphState, timingsMs, ...(pending ? { pending } : {}), ...(question ? { question } : {}) };
}

function pendingOf(value: unknown): PendingApproval | undefined {
  const request = (Array.isArray(value) ? value[0] : value) as HumanInterrupt | undefined;
  if (!request?.action_request) return undefined;
  return { ...request.action_request, ...(request.description ? { description: request.description } : {}) };
}
