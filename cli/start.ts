/**
 * The main command: a conversation with the graph on a thread, printing each step as it happens.
 *
 *   npm start -- "How many hours do 5 days have?"
 *   npm start                                  (a terminal: one thread, reply to the graph's questions)
 *   npm start -- --thread 3f2c… "And 7 days?"  (continue a thread, across processes)
 *   echo "add 2 and 3" | npm start -- --json
 */
import { randomUUID } from "node:crypto";
import { createInterface, type Interface } from "node:readline";
import { parseArgs } from "node:util";
import { SamplingDeclinedError, type SamplingParams } from "../adapters/index.js";
import { createAppGraph, createChatModel, createSampler, defaultModelName, openCheckpointer, openServers, readSettings, type Checkpointer, type ServerSession } from "../app/index.js";
import { APPROVAL_POLICIES, type ApprovalPolicy, type ElicitationAnswer, type HumanResponse, type McpGraph } from "../graph/index.js";
import { integerFlag, UsageError } from "../lib/index.js";
import { askQuestion, askSampling, formatLog, ProgressLine } from "./feedback.js";
import { describeTool, formatJson, type ServersView } from "./report.js";
import { currentTurn, runTurn, type TurnPrinter, type TurnResult } from "./turns.js";

const USAGE = `Usage: npm start -- [options] [question]

Talks with the graph on a thread: answers the question, or (with no question) each line of standard
input as the next message of one thread. On a terminal it asks before running a tool that may change
things, and you can reply to the graph's own questions.

Options:
  --json             print one JSON object per turn instead of the step-by-step view
  --thread ID        continue this thread (its id is printed with every answer)
  --db FILE          the SQLite file that keeps threads (default .mcp-graph/threads.db; MCP_GRAPH_DB;
                     with POSTGRES_URI set, threads are kept in PostgreSQL instead)
  --yes              approve every tool call that needs approval
  --allow-sampling   send servers' sampling requests to the model without asking (without a terminal
                     they are declined unless this is given; on a terminal you are asked each time)
  --verbose          show the servers' log messages (debug level and up) on standard error
  --approval POLICY  writes (default: ask before tools not marked read-only) | always | never
  --config FILE      an {"mcpServers": {...}} JSON file (default: the math and weather servers,
                     started here when they do not answer at their configured ports)
  --model NAME       offline | <provider>:<model> | <ChatOpenAI model name>; providers:
                     openai, anthropic, ollama, google-genai, groq, mistralai, bedrock
                     (e.g. anthropic:claude-sonnet-4-5, ollama:llama3.1; each but openai needs
                     its package: npm install @langchain/anthropic, …). Default: offline, or
                     openai:gpt-4o when OPENAI_API_KEY is set. The answer streams as it is written
  --max-steps N      tool calls allowed per turn (default 5)
  --timeout MS       bound on each tool call in milliseconds (default 30000)
  --model-timeout MS bound on each request to a real model in milliseconds (default 60000); a request
                     that gets no answer, a 5xx or a 429 is retried at most twice, each time said so
  -h, --help         show this help

In a terminal: /new starts a new thread, /quit (or Ctrl-D) ends. A tool's server may ask you something
(a form, one field at a time, or a link to open, then Enter when done there); without a terminal its
question is declined. A server may ask the model to write something (sampling): on a terminal you see
a preview and say y/N first; the offline model cannot write, so it refuses them. A long tool call
shows its progress on standard error when that is a terminal.

Exit codes: 0 answered, 1 bad usage or configuration, 3 the model failed.`;

interface Options {
  json: boolean;
  yes: boolean;
  allowSampling: boolean;
  verbose: boolean;
  thread?: string;
  db?: string;
  approval?: ApprovalPolicy;
  config?: string;
  model?: string;
  maxSteps?: number;
  timeoutMs?: number;
  modelTimeoutMs?: number;
  question?: string;
}

/** Exit codes: a model that failed is not the user's mistake, so it differs from bad usage. */
const EXIT = { ok: 0, usage: 1, modelFailed: 3 } as const;

function parseOptions(argv: string[]): Options | "help" {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      yes: { type: "boolean", short: "y", default: false },
      "allow-sampling": { type: "boolean", default: false },
      verbose: { type: "boolean", short: "v", default: false },
      thread: { type: "string" },
      db: { type: "string" },
      approval: { type: "string" },
      config: { type: "string" },
      model: { type: "string" },
      "max-steps": { type: "string" },
      timeout: { type: "string" },
      "model-timeout": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return "help";
  if (values.approval !== undefined && !(APPROVAL_POLICIES as readonly string[]).includes(values.approval)) {
    throw new UsageError(`--approval must be one of ${APPROVAL_POLICIES.join(", ")}, got "${values.approval}"`);
  }
  if (values.thread !== undefined && !/^[\w.:-]{1,200}$/.test(values.thread)) {
    throw new UsageError(`--thread must be a thread id (letters, digits, "_", "-", ".", ":"), got "${values.thread}"`);
  }
  const question = positionals.join(" ").trim();
  return {
    json: values.json,
    yes: values.yes,
    allowSampling: values["allow-sampling"],
    verbose: values.verbose,
    ...(values.thread ? { thread: values.thread } : {}),
    ...(values.db ? { db: values.db } : {}),
    ...(values.approval ? { approval: values.approval as ApprovalPolicy } : {}),
    config: values.config,
    model: values.model,
    maxSteps: integerFlag("max-steps", values["max-steps"]),
    timeoutMs: integerFlag("timeout", values.timeout),
    modelTimeoutMs: integerFlag("model-timeout", values["model-timeout"]),
    ...(question ? { question } : {}),
  };
}

async function main(argv: string[]): Promise<number> {
  let options: Options | "help";
  try {
    options = parseOptions(argv);
  } catch (error) {
    return fail(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (options === "help") {
    console.log(USAGE);
    return 0;
  }

  let session: ServerSession | undefined;
  let checkpointer: Checkpointer | undefined;
  let graph: McpGraph | undefined;
  let terminal: Interface | undefined;
  try {
    const settings = readSettings(process.env);
    // Resolved before anything starts, so a missing package or key is one error line, not an answer.
    const modelName = options.model ?? defaultModelName(settings.model);
    const model = await createChatModel(modelName, settings.model, {
      ...(options.modelTimeoutMs ? { timeoutMs: options.modelTimeoutMs } : {}),
    });
    // Servers' sampling requests go to the same model, once a person said yes (set below, with the terminal).
    const sampler = createSampler(model, { modelName, ...(options.modelTimeoutMs ? { timeoutMs: options.modelTimeoutMs } : {}) });
    let askPerson: ((server: string, params: SamplingParams) => Promise<boolean>) | undefined;
    checkpointer = await openCheckpointer(settings, { db: options.db });
    const progress = new ProgressLine(process.stderr);
    // A person at a terminal can log in to a server that asks for OAuth: the link goes to stderr, the
    // browser's redirect comes back to a loopback port. Without one, such a server fails with a reason.
    session = await openServers(settings, {
      configFile: options.config,
      ...(process.stderr.isTTY ? { onAuthorizationUrl: showLoginLink } : {}),
      onSampling: async (server, params, context) => {
        if (askPerson && !options.allowSampling) {
          if (!(await askPerson(server, params))) throw new SamplingDeclinedError();
        } else if (!options.allowSampling) {
          if (!options.json) console.log(`[sample] declined: ${server} asked the model to write something, which needs a terminal to approve (or --allow-sampling)`);
          throw new SamplingDeclinedError("User rejected sampling request: nobody at a terminal to approve it, and sampling was not allowed (--allow-sampling)");
        }
        return sampler(server, params, context);
      },
      ...(options.verbose
        ? {
            logLevel: "debug" as const,
            onLog: (server, message) => {
              progress.clear();
              console.error(formatLog(server, message));
            },
          }
        : {}),
    });
    if (!options.json) {
      const used = session.local.map((server) => `${server.name} at ${server.url} (${server.reused ? "found running" : "started here"})`);
      if (used.length > 0) console.log(`[servers] ${used.join("; ")}`);
    }
    graph = createAppGraph(settings, {
      client: session.client,
      servers: session.config,
      checkpointer: checkpointer.saver,
      model,
      maxSteps: options.maxSteps,
      callTimeoutMs: options.timeoutMs,
      modelTimeoutMs: options.modelTimeoutMs,
      ...(options.approval ? { approval: options.approval } : {}),
    });

    const interactive = process.stdin.isTTY === true && !options.json;
    terminal = interactive ? createInterface({ input: process.stdin, output: process.stdout, terminal: true }) : undefined;
    const lines = terminal ? new Lines(terminal) : undefined;
    if (lines) askPerson = serialised((server, params) => askPersonToSample(lines, progress, server, params));
    const chat = new Chat(graph, session.client, options, lines, options.thread ?? randomUUID(), progress);

    // A thread left waiting at an approval (by a run without a terminal) is answered first.
    await chat.resumePending();
    if (options.question) {
      await chat.say(options.question);
    } else if (terminal) {
      await chat.converse();
    } else {
      // Without a terminal: every line of standard input is the next message of the same thread.
      for await (const line of createInterface({ input: process.stdin })) {
        if (line.trim()) await chat.say(line.trim());
      }
    }
    return chat.modelFailed ? EXIT.modelFailed : EXIT.ok;
  } catch (error) {
    return fail((error as Error).message);
  } finally {
    if (terminal) {
      terminal.close();
      // A line typed ahead of its prompt (the "/quit" of a paste) can leave standard input flowing
      // after readline closed, and the process would wait on the terminal forever.
      process.stdin.destroy();
    }
    await graph?.close();
    await session?.close();
    await checkpointer?.close();
  }
}

/** One thread of the command line: turns, approvals, and how they are printed. */
class Chat {
  /** Set once a turn's model request failed. */
  modelFailed = false;
  /** The catalog last printed: in a conversation, the servers are shown again only when it changes. */
  private shownCatalog = 0;

  constructor(
    private readonly graph: McpGraph,
    private readonly servers: ServersView,
    private readonly options: Options,
    private readonly terminal: Lines | undefined,
    private threadId: string,
    private readonly progress: ProgressLine,
  ) {}

  async say(question: string): Promise<void> {
    await this.settle(await runTurn(this.graph, { question }, this.threadId, this.servers, this.printer(), this.showCatalog), question);
  }

  /**
   * Answers what the thread was left waiting on: an approval when this run can (`--yes`, or a
   * terminal), a server's question always (asked at a terminal, declined without one).
   */
  async resumePending(): Promise<void> {
    if (!this.options.thread) return;
    const turn = await currentTurn(this.graph, this.threadId);
    if (turn.question || (turn.pending && (this.options.yes || this.terminal))) await this.settle(turn, "");
  }

  /** A terminal conversation: prompts, `/new`, `/quit`. */
  async converse(): Promise<void> {
    console.log(`thread ${this.threadId}  (/new starts a new thread, /quit ends)`);
    for (;;) {
      const line = await this.terminal!.next("you> ");
      if (line === undefined || line.trim() === "/quit") return;
      const text = line.trim();
      if (!text) continue;
      if (text === "/new") {
        this.threadId = randomUUID();
        console.log(`thread ${this.threadId}`);
        continue;
      }
      await this.say(text);
    }
  }

  /** Prints the turn's outcome; at an approval, asks (terminal), approves (--yes) or leaves it pending. */
  private async settle(turn: TurnResult, question: string): Promise<void> {
    while (turn.pending || turn.question) {
      if (turn.question) {
        const answer: ElicitationAnswer = this.terminal ? await askQuestion(turn.question, (prompt) => this.terminal!.next(prompt), (line) => console.log(line)) : { action: "decline" };
        if (!this.terminal && !this.options.json) {
          const what = turn.question.mode === "url" ? "asked you to open a link" : "asked a question";
          console.log(`[ask] declined: ${turn.question.server}.${turn.question.tool} ${what}, which needs a terminal to answer`);
        }
        turn = await runTurn(this.graph, { resume: answer }, this.threadId, this.servers, this.printer(), this.showCatalog);
        continue;
      }
      if (!turn.pending) break;
      const target = `${describeTool(turn.pending.action, this.servers, ".")} ${JSON.stringify(turn.pending.args)}`;
      let response: HumanResponse | undefined;
      if (this.options.yes) response = { type: "accept", args: null };
      else if (this.terminal) response = await this.approve(target, turn.pending.action);
      if (!response) {
        const note =
          `Not run: ${target} needs approval. Run again with --yes to allow it ` +
          `(npm start -- --thread ${this.threadId} --yes), or answer it on a terminal.`;
        this.report(turn, question, note);
        return;
      }
      turn = await runTurn(this.graph, { resume: response }, this.threadId, this.servers, this.printer(), this.showCatalog);
    }
    this.report(turn, question);
  }

  private async approve(target: string, action: string): Promise<HumanResponse> {
    for (;;) {
      const answer = ((await this.terminal!.next(`Run ${target}? [y/N/e] `)) ?? "").trim().toLowerCase();
      if (answer === "y" || answer === "yes") return { type: "accept", args: null };
      if (answer === "" || answer === "n" || answer === "no") return { type: "ignore", args: null };
      if (answer === "e" || answer === "edit") {
        const text = (await this.terminal!.next("arguments (JSON)> ")) ?? "";
        try {
          const args = JSON.parse(text) as unknown;
          if (args && typeof args === "object" && !Array.isArray(args)) return { type: "edit", args: { action, args: args as Record<string, unknown> } };
          console.log("The arguments must be a JSON object, e.g. {\"name\": \"todo\"}.");
        } catch (error) {
          console.log(`Not JSON: ${(error as Error).message}`);
        }
      }
    }
  }

  private report(turn: TurnResult, question: string, note?: string): void {
    if (turn.state.modelFailure) this.modelFailed = true;
    if (this.options.json) {
      console.log(formatJson({ question, thread: this.threadId, state: turn.state, timingsMs: turn.timingsMs, pending: turn.pending, note }, this.servers));
      return;
    }
    if (note) console.log(`[approve] ${note}`);
    // A terminal conversation showed its thread when it began.
    if (!this.terminal) console.log(`[thread] ${this.threadId}`);
    console.log("");
  }

  private readonly showCatalog = (version: number): boolean => {
    if (this.terminal && version === this.shownCatalog) return false;
    this.shownCatalog = version;
    return true;
  };

  private printer(): TurnPrinter | undefined {
    if (this.options.json) return undefined;
    return {
      line: (line) => {
        this.progress.clear();
        console.log(line);
      },
      write: (text) => {
        this.progress.clear();
        process.stdout.write(text);
      },
      progress: (update) => this.progress.show(update),
    };
  }
}

/**
 * Lines from the terminal, in order, each after its prompt. Lines typed ahead (while a turn runs) are
 * kept for the next prompt rather than lost, as readline's own `question()` would lose them.
 */
class Lines {
  private readonly queued: string[] = [];
  private waiting: ((line: string | undefined) => void) | undefined;
  private closed = false;

  constructor(private readonly terminal: Interface) {
    terminal.on("line", (line) => {
      if (this.waiting) this.take(line);
      else this.queued.push(line);
    });
    terminal.once("close", () => {
      this.closed = true;
      this.take(undefined);
    });
  }

  /** Whether a prompt is waiting for its line now. */
  get busy(): boolean {
    return this.waiting !== undefined;
  }

  /** The next line after `prompt`; undefined once the terminal closed (Ctrl-D). */
  next(prompt: string): Promise<string | undefined> {
    this.terminal.setPrompt(prompt);
    this.terminal.prompt();
    // Typed ahead: the terminal showed it as it was typed.
    if (this.queued.length > 0) return Promise.resolve(this.queued.shift()!);
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  private take(line: string | undefined): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.(line);
  }
}

/**
 * Asks at the terminal whether a server's sampling request may go to the model. A request that comes
 * while the terminal waits for something else (the next message, between turns) is refused: the
 * person is not looking at it, and the prompt must not be taken from under them.
 */
async function askPersonToSample(lines: Lines, progress: ProgressLine, server: string, params: SamplingParams): Promise<boolean> {
  if (lines.busy) {
    console.log(`\n[sample] declined: ${server} asked the model to write something while no turn was running`);
    return false;
  }
  progress.clear();
  return askSampling(server, params, (prompt) => lines.next(prompt), (line) => console.log(line));
}

/** `ask`, one at a time: a second request waits for the first's answer rather than take its prompt. */
function serialised<A extends unknown[], R>(ask: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  let last: Promise<unknown> = Promise.resolve();
  return (...args) => {
    const next = last.then(() => ask(...args));
    last = next.catch(() => undefined);
    return next;
  };
}

function showLoginLink(server: string, url: URL): void {
  console.error(`[auth] ${server} asks you to log in: open this link in a browser (waiting for it here):\n  ${url.href}`);
}

function fail(message: string): number {
  console.error(`error: ${message}`);
  return 1;
}

// `npm start … | head -1` closes the pipe early: that ends the run, quietly.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(process.exitCode ?? 0);
});

process.exitCode = await main(process.argv.slice(2));
