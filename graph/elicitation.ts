import type { RunnableConfig } from "@langchain/core/runnables";
import { interrupt, isGraphInterrupt } from "@langchain/langgraph";
import { z } from "zod";
import {
  completeElicitResult,
  MAX_ELICITATION_WAIT_MS,
  type CallToolResult,
  type ElicitationParams,
  type ElicitRequestFormParams,
  type ElicitResult,
  type ProgressUpdate,
} from "../adapters/index.js";

/**
 * The interrupt a tool call raises when its server asks the user something (`elicitation/create`):
 * in form mode the server's message and the JSON Schema of the form (flat, primitive fields); in URL
 * mode (`mode: "url"`) the message and the URL the person is asked to open, where the server takes
 * over (resume with `accept` once done there, or `decline`/`cancel`). `error` says what was wrong with
 * the last answer, when it is asked again.
 */
export type ElicitationInterrupt = FormElicitationInterrupt | UrlElicitationInterrupt;

/** Progress of a running tool call, as the graph's `custom` stream carries it. */
export type ToolProgressEvent = { type: "progress"; server: string; tool: string } & ProgressUpdate;

interface ElicitationInterruptBase {
  type: "elicitation";
  server: string;
  tool: string;
  message: string;
  error?: string;
}

export interface FormElicitationInterrupt extends ElicitationInterruptBase {
  mode?: "form";
  requestedSchema: ElicitRequestFormParams["requestedSchema"];
}

export interface UrlElicitationInterrupt extends ElicitationInterruptBase {
  mode: "url";
  url: string;
  /** The server's id of this elicitation, opaque. */
  elicitationId: string;
}

/** The interrupt for a server's question during `server`'s `tool` call. */
export function elicitationInterrupt(server: string, tool: string, params: ElicitationParams, error?: string): ElicitationInterrupt {
  const base = { type: "elicitation" as const, server, tool, message: params.message, ...(error ? { error } : {}) };
  if (params.mode === "url") return { ...base, mode: "url", url: params.url, elicitationId: params.elicitationId };
  return { ...base, requestedSchema: (params as ElicitRequestFormParams).requestedSchema };
}

/** The resume value of an {@link ElicitationInterrupt}: the MCP `ElicitResult`. */
export const ElicitationAnswerSchema = z.strictObject({
  action: z.enum(["accept", "decline", "cancel"]),
  content: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])).optional(),
});
export type ElicitationAnswer = z.infer<typeof ElicitationAnswerSchema>;

/** The answer as the server gets it (schema defaults filled in), or why it cannot be sent. */
export function readElicitationAnswer(value: unknown, params: ElicitationParams): { ok: true; result: ElicitResult } | { ok: false; error: string } {
  const parsed = ElicitationAnswerSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `resume with {"action": "accept" | "decline" | "cancel", "content"?: {...}} (${issue?.path.join(".") || "action"}: ${issue?.message ?? "invalid"})` };
  }
  try {
    return { ok: true, result: completeElicitResult(params, parsed.data) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/** A question of a running call, waiting for its answer. */
interface Question {
  params: ElicitationParams;
  resolve(result: ElicitResult): void;
}

type Outcome = { ok: true; result: CallToolResult } | { ok: false; error: unknown };

/**
 * One tool call and the questions it asks. It outlives the node run that started it: when a question
 * interrupts the run, the call stays open on its server, waiting for the answer, and the resumed run
 * picks it up here instead of calling the tool again.
 */
export class LiveCall {
  readonly outcome: Promise<Outcome>;
  /** Interrupts earlier runs of the node spent on this call's answered questions (re-asks included). */
  spent = 0;
  private readonly controller = new AbortController();
  private readonly questions: Question[] = [];
  private wake: (() => void) | undefined;
  private detach: (() => void) | undefined;
  private onProgress: ((update: ProgressUpdate) => void) | undefined;

  /** `start` makes the call with the signal, question handler and progress listener it is given. */
  constructor(
    start: (
      signal: AbortSignal,
      ask: (params: ElicitationParams, context: { signal: AbortSignal }) => Promise<ElicitResult>,
      progress: (update: ProgressUpdate) => void,
    ) => Promise<CallToolResult>,
  ) {
    this.outcome = start(
      this.controller.signal,
      (params, context) => this.ask(params, context.signal),
      (update) => this.onProgress?.(update),
    ).then(
      (result) => ({ ok: true as const, result }),
      (error: unknown) => ({ ok: false as const, error }),
    );
  }

  /**
   * Ties the call to the run now driving it: its abort cancels the call and its progress goes to
   * `onProgress`, until {@link release}.
   */
  attach(signal: AbortSignal | undefined, onProgress?: (update: ProgressUpdate) => void): void {
    this.release();
    this.onProgress = onProgress;
    if (!signal) return;
    const abort = () => this.controller.abort(signal.reason);
    if (signal.aborted) return abort();
    signal.addEventListener("abort", abort, { once: true });
    this.detach = () => signal.removeEventListener("abort", abort);
  }

  release(): void {
    this.onProgress = undefined;
    this.detach?.();
    this.detach = undefined;
  }

  abort(reason?: unknown): void {
    this.controller.abort(reason);
  }

  /** The question waiting for an answer, or undefined once the call has ended. */
  async next(): Promise<Question | undefined> {
    for (;;) {
      const question = this.questions[0];
      if (question) return question;
      const woken = new Promise<false>((resolve) => (this.wake = () => resolve(false)));
      const ended = await Promise.race([this.outcome.then(() => true), woken]);
      if (ended && this.questions.length === 0) return undefined;
    }
  }

  answer(question: Question, result: ElicitResult): void {
    const at = this.questions.indexOf(question);
    if (at >= 0) this.questions.splice(at, 1);
    question.resolve(result);
  }

  private ask(params: ElicitationParams, signal: AbortSignal): Promise<ElicitResult> {
    return new Promise((resolve) => {
      const question: Question = { params, resolve };
      this.questions.push(question);
      // The server withdrew it (or the call ended): it no longer waits.
      signal.addEventListener("abort", () => this.answer(question, { action: "cancel" }), { once: true });
      this.wake?.();
    });
  }
}

/** Most calls kept waiting for a person at once; the oldest is cancelled to make room. */
export const MAX_LIVE_CALLS = 64;

/** Calls kept across an interrupt, by the node run (thread and task) that will resume them. */
export class LiveCalls {
  private readonly calls = new Map<string, { call: LiveCall; timer: NodeJS.Timeout }>();

  take(key: string): LiveCall | undefined {
    const entry = this.calls.get(key);
    if (!entry) return undefined;
    this.calls.delete(key);
    clearTimeout(entry.timer);
    return entry.call;
  }

  /** Keeps `call` for the run that resumes `key`; one never resumed is cancelled once its question has expired. */
  keep(key: string, call: LiveCall): void {
    call.release();
    this.take(key)?.abort();
    if (this.calls.size >= MAX_LIVE_CALLS) {
      const [oldest] = this.calls.keys();
      if (oldest !== undefined) this.take(oldest)?.abort(new Error("too many calls waiting for a person"));
    }
    const timer = setTimeout(() => this.take(key)?.abort(new Error("nobody answered")), MAX_ELICITATION_WAIT_MS);
    timer.unref();
    this.calls.set(key, { call, timer });
  }

  closeAll(): void {
    for (const key of [...this.calls.keys()]) this.take(key)?.abort(new Error("the graph closed"));
  }
}

/**
 * The run's key for {@link LiveCalls}: its thread and task namespace (the task's id is in it, and a
 * resumed task keeps its id, while a new turn's task gets a new one). Undefined without a thread.
 */
export function liveCallKey(config: RunnableConfig): string | undefined {
  const thread = config.configurable?.thread_id as string | undefined;
  if (thread === undefined) return undefined;
  return `${thread}\u0000${String(config.configurable?.checkpoint_ns ?? "")}`;
}

/**
 * Drives a call to its end, asking the user each question the server sends.
 *
 * LangGraph re-runs a node from the top on resume and hands its `interrupt()` calls the resume
 * values in order. A tool call cannot be re-run harmlessly (its work before the question would be done
 * twice), so the question is not asked from inside the SDK's handler: the call is kept open in
 * `calls` across the interrupt, and the resumed run picks it up and answers the waiting question.
 * The interrupts earlier runs spent on this call are replayed first (their stored answers come back
 * at once), so the waiting question's interrupt is the one the resume answers. If the call is gone (another process resumes the
 * thread, or the graph was rebuilt), the node calls the tool again and the same replay answers its
 * questions from the stored answers, which is what LangGraph does for any node.
 * Without a checkpointer nothing can pause: the question is declined.
 * @throws the `GraphInterrupt` that pauses the run, after keeping the call for its resume.
 */
export async function driveCall(call: LiveCall, key: string | undefined, calls: LiveCalls, describe: (params: ElicitationParams, error?: string) => ElicitationInterrupt): Promise<Outcome> {
  let interrupts = 0;
  const ask = (value: ElicitationInterrupt): unknown => {
    interrupts++;
    return interrupt(value);
  };
  for (;;) {
    const question = await call.next();
    if (!question) return call.outcome;
    try {
      // Earlier questions of this call were answered by earlier resumes: replay them to reach this one's answer.
      while (interrupts < call.spent) ask(describe(question.params));
      let answer = readElicitationAnswer(ask(describe(question.params)), question.params);
      while (!answer.ok) answer = readElicitationAnswer(ask(describe(question.params, answer.error)), question.params);
      call.answer(question, answer.result);
    } catch (error) {
      if (isGraphInterrupt(error) && key !== undefined) {
        // The interrupt that paused the run is asked again on resume, and answered then.
        call.spent = interrupts - 1;
        calls.keep(key, call);
        throw error;
      }
      if ((error as { lc_error_code?: string }).lc_error_code === "MISSING_CHECKPOINTER") {
        call.answer(question, { action: "decline" });
        continue;
      }
      call.abort(error);
      throw error;
    }
  }
}
