/**
 * Debug the graph in LangGraph Studio: starts the math and weather MCP servers (or reuses the ones
 * already running) and the LangGraph dev server for `langgraph.json`, then prints where to open Studio.
 *
 *   npm run studio
 *   npm run studio -- --port 2100
 */
import type { ChildProcess } from "node:child_process";
import { parseArgs } from "node:util";
// Not the graph: this process never runs it, and loading it would delay the dev server.
import { defaultServers, ensureLocalServers, readSettings, type LocalServers } from "../app/index.js";
import { integerFlag, projectRoot } from "../lib/index.js";
import { isPortFree, langsmithTracing, spawnDevServer, stopProcessGroup, waitUntilReady } from "./studio-process.js";

const DEFAULT_PORT = 2024;
/** The dev server binds loopback only: Studio in the browser reaches it on this machine. */
const HOST = "127.0.0.1";
const STUDIO_URL = "https://smith.langchain.com/studio/";
const READY_TIMEOUT_MS = 120_000;

const USAGE = `Usage: npm run studio -- [options]

Starts the MCP servers and the LangGraph dev server, and prints the LangGraph Studio URL.
Ctrl-C stops everything.

Options:
  --port N       port of the LangGraph dev server (default ${DEFAULT_PORT})
  --no-reload    do not restart the dev server when the graph's sources change
  -h, --help     show this help

Environment:
  MATH_SERVER_PORT, WEATHER_SERVER_PORT, MCP_HOST   where the MCP servers listen (default
                 127.0.0.1:58000 and :58001; 0 picks a free port); a server already answering
                 there is reused
  OPENAI_API_KEY  makes openai:gpt-4o the default model (otherwise the offline router)
  LANGSMITH_TRACING=true, LANGSMITH_API_KEY (LANGSMITH_ENDPOINT, LANGSMITH_PROJECT)
                 trace every run to LangSmith; left as you set them (tracing is off by default)`;

interface Options {
  port: number;
  reload: boolean;
}

function parseOptions(argv: string[]): Options | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string" },
      "no-reload": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return "help";
  const port = integerFlag("port", values.port, { min: 1, max: 65535 }) ?? DEFAULT_PORT;
  return { port, reload: !values["no-reload"] };
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

  // Checked before anything starts: the dev server's own message on a taken port is buried in its log.
  if (!(await isPortFree(HOST, options.port))) {
    return fail(`port ${options.port} is already in use on ${HOST}; choose another with --port N (e.g. npm run studio -- --port ${options.port + 1})`);
  }

  let servers: LocalServers | undefined;
  let child: ChildProcess | undefined;
  try {
    const settings = readSettings(process.env);
    // On their configured ports, so that Studio and `npm start` meet the same servers.
    servers = await ensureLocalServers(defaultServers(settings.servers), { port: "configured", authToken: settings.servers.authToken });
    for (const server of servers.servers) {
      console.log(`${server.serverName.padEnd(14)} ${server.url} (${server.reused ? "already running" : "started here"})`);
    }
    const ports = Object.fromEntries(servers.servers.map((server) => [server.portVariable, String(server.port)]));

    const apiUrl = `http://${HOST}:${options.port}`;
    child = spawnDevServer({
      projectDir: projectRoot(import.meta.url),
      host: HOST,
      port: options.port,
      reload: options.reload,
      // The graph module reads the server ports from its environment: give it the ones actually in use.
      env: { ...process.env, ...ports },
    });
    const pid = child.pid;
    if (pid === undefined) throw new Error("could not start the LangGraph dev server");
    console.log(`LangGraph dev server pid ${pid}`);
    // Last resort for exits that skip the shutdown below; the dev server must not outlive us.
    process.once("exit", () => killGroup(pid));

    const { stopped, stop } = shutdownOn(child, servers);
    const readiness = waitUntilReady(child, apiUrl, READY_TIMEOUT_MS).then(() => true);
    // Settles after `stopped` when Ctrl-C comes first; its failure then is no news.
    readiness.catch(() => undefined);
    let ready: boolean;
    try {
      ready = await Promise.race([readiness, stopped.then(() => false)]);
    } catch (error) {
      // An early exit is reported by shutdownOn; a timeout is ours to report.
      if (child.exitCode === null && child.signalCode === null) console.error(`error: ${(error as Error).message}`);
      return await stop(1);
    }
    if (ready) {
      console.log("");
      console.log(`LangGraph Studio: ${STUDIO_URL}?baseUrl=${apiUrl}`);
      console.log(`API:              ${apiUrl}  (graph "mcp-graph", docs at ${apiUrl}/docs)`);
      const tracing = langsmithTracing(process.env);
      console.log(
        tracing.on
          ? `LangSmith:        tracing runs to project "${tracing.project}" at ${tracing.endpoint}`
          : "LangSmith:        tracing off (LANGSMITH_TRACING=true and LANGSMITH_API_KEY turn it on)",
      );
      console.log("Press Ctrl-C to stop.");
    }
    return await stopped;
  } catch (error) {
    if (child?.pid !== undefined) await stopProcessGroup(child.pid);
    await servers?.stop();
    return fail((error as Error).message);
  }
}

/**
 * Stops the dev server and the MCP servers on Ctrl-C / SIGTERM (exit code 0) or when the dev server
 * exits by itself (1). `stopped` resolves with the exit code once everything has stopped; `stop` stops
 * now, and a second call returns the first one's outcome.
 */
function shutdownOn(child: ChildProcess, servers: LocalServers): { stopped: Promise<number>; stop(code: number): Promise<number> } {
  let stopped: Promise<number> | undefined;
  const stop = (code: number) => {
    stopped ??= (async () => {
      if (child.pid !== undefined) await stopProcessGroup(child.pid);
      await servers.stop();
      return code;
    })();
    return stopped;
  };
  const exited = new Promise<number>((resolvePromise) => {
    const onSignal = () => {
      if (!stopped) console.log("\nStopping…");
      resolvePromise(stop(0));
    };
    // `on`, not `once`: a repeated signal (tsx relays Ctrl-C a second time when the first is slow to
    // land) must find a listener, or tsx's own handler exits 130 in the middle of the shutdown.
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    child.once("exit", (code, signal) => {
      if (!stopped) console.error(`error: the LangGraph dev server exited (${code ?? signal})`);
      resolvePromise(stop(1));
    });
  });
  return { stopped: exited, stop };
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

function fail(message: string): number {
  console.error(`error: ${message}`);
  return 1;
}

process.exitCode = await main(process.argv.slice(2));
