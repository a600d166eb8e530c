import { z } from "zod";
import { SERVER_DEFAULTS } from "../defaults.js";
import { formatIssues } from "./tool.js";
import { BEARER_TOKEN, BEARER_TOKEN_RULE, HOST_DEFAULTS } from "./host-options.js";
import { startHttpHost, type HostedServer, type RunningServer, type StartOptions } from "./http-host.js";

/** How servers/main.ts restarts a server process that died: at most `restartLimit` times per `restartWindowMs`. */
export const SUPERVISOR_DEFAULTS = { restartLimit: 5, restartWindowMs: 60_000 } as const;

const PortSchema = z.coerce
  .number({ error: "must be a port number" })
  .int("must be an integer")
  .min(0, "must be between 0 and 65535 (0 picks a free port)")
  .max(65535, "must be between 0 and 65535 (0 picks a free port)");

// An empty variable (`MCP_AUTH_TOKEN=`) means "not set", the usual shell idiom; a blank port must not coerce to 0.
const unsetIfEmpty = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

/** A limit: a positive integer, `fallback` when unset. */
const limit = (fallback: number) =>
  z.preprocess(
    unsetIfEmpty,
    z.coerce.number({ error: "must be a number" }).int("must be an integer").min(1, "must be at least 1").max(Number.MAX_SAFE_INTEGER).default(fallback),
  );

/** The servers' environment, parsed once at startup by the main.ts files. */
export const ServerEnvSchema = z
  .object({
    [SERVER_DEFAULTS.math.portVariable]: z.preprocess(unsetIfEmpty, PortSchema.default(SERVER_DEFAULTS.math.port)),
    [SERVER_DEFAULTS.weather.portVariable]: z.preprocess(unsetIfEmpty, PortSchema.default(SERVER_DEFAULTS.weather.port)),
    MCP_HOST: z.preprocess(unsetIfEmpty, z.string().trim().min(1).default(HOST_DEFAULTS.host)),
    // A token with a space (or any character RFC 6750 leaves out) would be accepted here and then match no request ever.
    MCP_AUTH_TOKEN: z.preprocess(
      unsetIfEmpty,
      z.string().min(16, "must be at least 16 characters").regex(BEARER_TOKEN, `may only contain ${BEARER_TOKEN_RULE}`).optional(),
    ),
    // The public name a load balancer or proxy forwards in Host; without it DNS-rebinding protection refuses it.
    MCP_ALLOWED_HOSTS: z.preprocess(
      unsetIfEmpty,
      z
        .string()
        .transform((list) => list.split(",").map((host) => host.trim()).filter(Boolean))
        .pipe(z.array(z.string().regex(/^[A-Za-z0-9.:[\]-]+$/, "must be a comma-separated list of host names")))
        .optional(),
    ),
    MCP_STATELESS: z.preprocess(
      unsetIfEmpty,
      z
        .enum(["1", "0", "true", "false", "yes", "no"], { error: 'must be one of "true", "false", "1", "0", "yes", "no"' })
        .default("false")
        .transform((flag) => flag === "1" || flag === "true" || flag === "yes"),
    ),
    MCP_MAX_BODY_BYTES: limit(HOST_DEFAULTS.maxBodyBytes),
    MCP_SESSION_IDLE_TIMEOUT_MS: limit(HOST_DEFAULTS.sessionIdleTimeoutMs),
    MCP_MAX_SESSIONS: limit(HOST_DEFAULTS.maxSessions),
    MCP_MAX_SESSIONS_PER_CLIENT: limit(HOST_DEFAULTS.maxSessionsPerClient),
    MCP_MAX_UNSENT_BYTES: limit(HOST_DEFAULTS.maxUnsentBytes),
    MCP_SSE_KEEPALIVE_MS: limit(HOST_DEFAULTS.keepAliveIntervalMs),
    MCP_HEADERS_TIMEOUT_MS: limit(HOST_DEFAULTS.headersTimeoutMs),
    MCP_REQUEST_TIMEOUT_MS: limit(HOST_DEFAULTS.requestTimeoutMs),
    MCP_MAX_CONNECTIONS: limit(HOST_DEFAULTS.maxConnections),
    // servers/main.ts only: how often a crashed server process is started again before it gives up.
    MCP_RESTART_LIMIT: limit(SUPERVISOR_DEFAULTS.restartLimit),
    MCP_RESTART_WINDOW_MS: limit(SUPERVISOR_DEFAULTS.restartWindowMs),
  })
  .superRefine((env, context) => {
    if (env.MCP_HEADERS_TIMEOUT_MS > env.MCP_REQUEST_TIMEOUT_MS) {
      context.addIssue({
        code: "custom",
        path: ["MCP_HEADERS_TIMEOUT_MS"],
        message: `must not exceed MCP_REQUEST_TIMEOUT_MS (${env.MCP_REQUEST_TIMEOUT_MS})`,
      });
    }
  });

/** Parsed server environment. */
export type ServerEnv = z.infer<typeof ServerEnvSchema>;

/** A bad environment variable; the message names it. */
export class ServerEnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ServerEnvError";
  }
}

/**
 * Validates the environment; pass `process.env`.
 * @throws ServerEnvError naming every offending variable.
 */
export function parseServerEnv(env: Record<string, string | undefined>): ServerEnv {
  const parsed = ServerEnvSchema.safeParse(env);
  if (!parsed.success) throw new ServerEnvError(`Invalid environment: ${formatIssues(parsed.error)}`);
  return parsed.data;
}

/** The shared part of every server's start options. */
export function startOptionsFrom(env: ServerEnv): StartOptions {
  return {
    host: env.MCP_HOST,
    stateless: env.MCP_STATELESS,
    ...(env.MCP_AUTH_TOKEN === undefined ? {} : { authToken: env.MCP_AUTH_TOKEN }),
    ...(env.MCP_ALLOWED_HOSTS === undefined ? {} : { allowedHosts: env.MCP_ALLOWED_HOSTS }),
    maxBodyBytes: env.MCP_MAX_BODY_BYTES,
    sessionIdleTimeoutMs: env.MCP_SESSION_IDLE_TIMEOUT_MS,
    maxSessions: env.MCP_MAX_SESSIONS,
    maxSessionsPerClient: env.MCP_MAX_SESSIONS_PER_CLIENT,
    maxUnsentBytes: env.MCP_MAX_UNSENT_BYTES,
    keepAliveIntervalMs: env.MCP_SSE_KEEPALIVE_MS,
    headersTimeoutMs: env.MCP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: env.MCP_REQUEST_TIMEOUT_MS,
    maxConnections: env.MCP_MAX_CONNECTIONS,
  };
}

/** What a server process tells servers/main.ts (over IPC) once a server listens, so a restart keeps its port. */
export interface ListeningReport {
  type: "listening";
  name: string;
  port: number;
}

/** One server to run, and the port its main.ts chose for it. */
export interface ServerLaunch {
  hosting: HostedServer;
  port: number;
}

/**
 * Parses `rawEnv` once, starts the servers `pick` chooses, and keeps them up until SIGINT/SIGTERM (or,
 * when started by servers/main.ts, until that parent goes away); then closes them and the process exits 0.
 * A bad environment or a failed start prints the reason and exits 1.
 */
export async function runServers(
  rawEnv: Record<string, string | undefined>,
  pick: (env: ServerEnv) => readonly ServerLaunch[],
): Promise<void> {
  const running: RunningServer[] = [];
  let stopping = false;
  const stop = async (reason: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    if (reason !== "") console.log(`${reason}: stopping ${running.map((server) => server.name).join(", ")}`);
    await Promise.allSettled(running.map((server) => server.close()));
    process.exitCode = exitCode;
    // Everything is closed, so the loop should drain by itself; this only guards against a stuck handle.
    setTimeout(() => process.exit(exitCode), 5000).unref();
  };

  // `on`, not `once`: Ctrl-C reaches us both from the terminal and forwarded by a parent; a second
  // signal must not fall through to the default handler and kill us mid-shutdown.
  process.on("SIGINT", () => void stop("SIGINT", 0));
  process.on("SIGTERM", () => void stop("SIGTERM", 0));
  if (process.send !== undefined) {
    // Started by servers/main.ts with an IPC channel: if that parent dies, so do we (no orphans).
    if (process.channel) {
      process.channel.unref();
      process.once("disconnect", () => void stop("parent exited", 0));
    } else {
      void stop("parent exited", 0);
    }
  }

  try {
    const env = parseServerEnv(rawEnv);
    const shared = startOptionsFrom(env);
    for (const { hosting, port } of pick(env)) {
      const server = await startHttpHost(hosting, { ...shared, port });
      running.push(server);
      if (process.connected) process.send?.({ type: "listening", name: server.name, port: server.port } satisfies ListeningReport);
      // A signal that arrived while this one was starting has already closed the others.
      if (stopping) await server.close();
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    await stop("", 1);
  }
}
