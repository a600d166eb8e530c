import { z } from "zod";
import { SERVER_DEFAULTS, type LocalServerKey } from "../servers/index.js";

/** A bad environment variable; the message names it, so a CLI prints it as one `error:` line. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingsError";
  }
}

/** Credentials and endpoints of real model providers. */
export interface ModelCredentials {
  OPENAI_API_KEY?: string;
  OPENAI_BASE_URL?: string;
}

/** Everything this application takes from its environment, read once by whoever starts it. */
export interface Settings {
  model: ModelCredentials;
  servers: {
    /** Where our servers are reached (a wildcard bind address means this machine's loopback). */
    host: string;
    ports: Record<LocalServerKey, number>;
    /** Sent as `Authorization: Bearer …` to our servers when set. */
    authToken?: string;
  };
  /** The SQLite file that keeps the CLI's threads (`MCP_GRAPH_DB`). */
  db?: string;
  /** A PostgreSQL connection string; when set, threads are kept there and shared between processes. */
  postgresUri?: string;
}

// An empty variable (`FOO=`) means "not set", the usual shell idiom.
const unsetIfEmpty = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
const optional = (schema: z.ZodType<string>) => z.preprocess(unsetIfEmpty, schema.optional());
const port = (fallback: number) =>
  z.preprocess(
    (value) => unsetIfEmpty(value) ?? String(fallback),
    z
      .string()
      .regex(/^\d+$/, "must be a port number (0-65535)")
      .transform(Number)
      .refine((value) => value <= 65535, "must be a port number (0-65535)"),
  );

const EnvSchema = z.object({
  OPENAI_API_KEY: optional(z.string()),
  OPENAI_BASE_URL: optional(z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })),
  MCP_HOST: optional(z.string().trim()),
  MCP_AUTH_TOKEN: optional(z.string()),
  [SERVER_DEFAULTS.math.portVariable]: port(SERVER_DEFAULTS.math.port),
  [SERVER_DEFAULTS.weather.portVariable]: port(SERVER_DEFAULTS.weather.port),
  MCP_GRAPH_DB: optional(z.string()),
  POSTGRES_URI: optional(z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// connection string")),
});

/** Clients cannot connect to a wildcard address: a server bound there is reached on loopback. */
function connectableHost(host: string | undefined): string {
  if (!host || host === "0.0.0.0") return "127.0.0.1";
  if (host === "::" || host === "[::]") return "::1";
  return host;
}

/**
 * Reads and validates the environment; pass `process.env`.
 * @throws {SettingsError} naming the first offending variable, e.g. `MATH_SERVER_PORT must be a port number (0-65535), got "abc"`.
 */
export function readSettings(env: Record<string, string | undefined>): Settings {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    throw new SettingsError(`${name} ${issue.message}, got ${JSON.stringify(env[name])}`);
  }
  const values = parsed.data as z.infer<typeof EnvSchema> & Record<string, unknown>;
  return {
    model: {
      ...(values.OPENAI_API_KEY ? { OPENAI_API_KEY: values.OPENAI_API_KEY } : {}),
      ...(values.OPENAI_BASE_URL ? { OPENAI_BASE_URL: values.OPENAI_BASE_URL } : {}),
    },
    servers: {
      host: connectableHost(values.MCP_HOST),
      ports: {
        math: values[SERVER_DEFAULTS.math.portVariable] as number,
        weather: values[SERVER_DEFAULTS.weather.portVariable] as number,
      },
      ...(values.MCP_AUTH_TOKEN ? { authToken: values.MCP_AUTH_TOKEN } : {}),
    },
    ...(values.MCP_GRAPH_DB ? { db: values.MCP_GRAPH_DB } : {}),
    ...(values.POSTGRES_URI ? { postgresUri: values.POSTGRES_URI } : {}),
  };
}
