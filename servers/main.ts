/**
 * `npm run servers`: runs MathServer and WeatherServer, each in its own process as in production, and
 * supervises them. A server process that crashes (non-zero exit, or killed by a signal) is started
 * again on the port it had, after a backoff (0.25 s, doubling up to 5 s), while the other keeps
 * serving; past MCP_RESTART_LIMIT restarts within MCP_RESTART_WINDOW_MS it is given up on, both stop
 * and we exit 1. A process that exits 0 was told to stop and is left stopped. Ctrl-C/SIGTERM stops
 * both and exits 0, or 1 if one of them failed to stop.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { SERVER_DEFAULTS } from "./defaults.js";
import { parseServerEnv, type ListeningReport, type ServerEnv } from "./shared/run.js";

const SERVERS = [
  { name: SERVER_DEFAULTS.math.serverName, entry: "./math/main.ts", portVariable: SERVER_DEFAULTS.math.portVariable },
  { name: SERVER_DEFAULTS.weather.serverName, entry: "./weather/main.ts", portVariable: SERVER_DEFAULTS.weather.portVariable },
] as const;

const FIRST_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 5000;
/** A child still running this long after it was told to stop is killed. */
const STOP_GRACE_MS = 10_000;

const log = (message: string) => console.log(`servers/main.ts: ${message}`);

type ServerSpec = (typeof SERVERS)[number];

/** One server process, started again when it crashes. */
class Supervised {
  #child: ChildProcess | undefined;
  /** The port it listens on once it said so: a restart goes back there, even when it was started with 0. */
  #port: number | undefined;
  #restarts: number[] = [];
  #restartTimer: NodeJS.Timeout | undefined;
  #stopping = false;
  /** The signals stop() sent the child (a second Ctrl-C sends another). */
  readonly #stopSignals = new Set<NodeJS.Signals>();
  #ended!: (clean: boolean) => void;
  /** Settles when the server is stopped for good: true if its last process exited 0. */
  readonly ended = new Promise<boolean>((resolve) => (this.#ended = resolve));

  constructor(
    readonly spec: ServerSpec,
    private readonly env: ServerEnv,
    private readonly onGiveUp: (spec: ServerSpec) => void,
  ) {}

  start(): void {
    const env = { ...process.env, ...(this.#port === undefined ? {} : { [this.spec.portVariable]: String(this.#port) }) };
    // process.execArgv carries tsx's loader flags, so the children run TypeScript the way we do.
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(new URL(this.spec.entry, import.meta.url))], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      env,
    });
    this.#child = child;
    const restarted = this.#restarts.length > 0;
    child.on("message", (message: Partial<ListeningReport>) => {
      if (message.type !== "listening" || typeof message.port !== "number") return;
      this.#port = message.port;
      log(`${this.spec.name} ${restarted ? "back up" : "up"} (pid ${child.pid}, port ${message.port})`);
    });
    child.once("error", (error) => log(`could not run ${this.spec.name}: ${error.message}`));
    child.once("exit", (code, signal) => this.#exited(child, code, signal));
  }

  /** Stops the server (no restart from now on) with `signal`; killed if it has not exited after a grace period. */
  stop(signal: NodeJS.Signals): void {
    this.#stopping = true;
    clearTimeout(this.#restartTimer);
    const child = this.#child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) {
      this.#ended(true);
      return;
    }
    this.#stopSignals.add(signal);
    child.kill(signal);
    setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS).unref();
  }

  #exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    const how = signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
    if (this.#stopping) {
      // A child that had already closed can die of the signal we forwarded: Ctrl-C reaches it twice,
      // from the terminal and from us, and the second can land after Node dropped its handlers on the
      // way out. It stopped as asked; a child we had to SIGKILL, or that failed, did not.
      const clean = code === 0 || (signal !== null && this.#stopSignals.has(signal));
      if (!clean) log(`${this.spec.name} (pid ${child.pid}) ${how} while stopping`);
      return this.#ended(clean);
    }
    if (code === 0) {
      log(`${this.spec.name} (pid ${child.pid}) stopped by itself (exit 0); not restarting it`);
      this.#stopping = true;
      return this.#ended(true);
    }
    const now = Date.now();
    this.#restarts = this.#restarts.filter((at) => now - at < this.env.MCP_RESTART_WINDOW_MS);
    if (this.#restarts.length >= this.env.MCP_RESTART_LIMIT) {
      log(
        `${this.spec.name} (pid ${child.pid}) ${how}, after ${this.#restarts.length} restarts within ${this.env.MCP_RESTART_WINDOW_MS / 1000} s ` +
          `(MCP_RESTART_LIMIT ${this.env.MCP_RESTART_LIMIT}); giving up`,
      );
      this.#stopping = true;
      this.#ended(false);
      return this.onGiveUp(this.spec);
    }
    this.#restarts.push(now);
    const delay = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (this.#restarts.length - 1));
    log(
      `${this.spec.name} (pid ${child.pid}) ${how}; restarting it in ${delay / 1000} s` +
        `${this.#port === undefined ? "" : ` on port ${this.#port}`} (restart ${this.#restarts.length} of at most ${this.env.MCP_RESTART_LIMIT} per ${this.env.MCP_RESTART_WINDOW_MS / 1000} s)`,
    );
    this.#restartTimer = setTimeout(() => this.start(), delay);
  }
}

async function main(): Promise<number> {
  // Fail once, here, rather than twice in the children.
  const env = parseServerEnv(process.env);

  let outcome = "running" as "running" | "signalled" | "gave up";
  const supervised: Supervised[] = SERVERS.map(
    (spec) =>
      new Supervised(spec, env, (failed) => {
        if (outcome !== "running") return;
        outcome = "gave up";
        const others = supervised.filter((server) => server.spec !== failed);
        log(`stopping ${others.map((server) => server.spec.name).join(", ")}`);
        for (const server of others) server.stop("SIGTERM");
      }),
  );
  const onSignal = (signal: NodeJS.Signals) => {
    if (outcome === "running") outcome = "signalled";
    for (const server of supervised) server.stop(signal);
  };
  // `on`, not `once`: a second Ctrl-C must not kill us before the children are gone.
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  for (const server of supervised) server.start();
  const clean = await Promise.all(supervised.map((server) => server.ended));
  return outcome !== "gave up" && clean.every(Boolean) ? 0 : 1;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
