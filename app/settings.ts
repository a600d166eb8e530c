import { z } from "zod";
import { SERVER_DEFAULTS, type LocalServerKey } from "../servers/index.js";

/** A bad environment variable; the message names it, so a CLI prints it as one `error:` line. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingsError";
  }
}

/**
 * Credentials and endpoints of real model providers, by the variable each provider's own client
 * reads (so a shell set up for that client works here too). Bedrock is missing on purpose: the AWS
 * SDK finds its credentials itself (variables, profiles, instance roles).
 */
export interface ModelCredentials {
  OPENAI_API_KEY?: string;
  /** Any OpenAI-compatible server (vLLM, LM Studio, llama.cpp, Ollama's /v1). */
  OPENAI_BASE_URL?: string;
  ANTHROPIC_API_KEY?: string;
  /** Anthropic's Messages API elsewhere (a proxy, a gateway); the Anthropic SDK's own variable. */
  ANTHROPIC_BASE_URL?: string;
  /** Where Ollama listens: `OLLAMA_BASE_URL` (LangChain's variable), else `OLLAMA_HOST` (Ollama's own) as a URL. */
  OLLAMA_BASE_URL?: string;
  GOOGLE_API_KEY?: string;
  GROQ_API_KEY?: string;
  MISTRAL_API_KEY?: string;
}

/** The variables `readSettings` copies into `Settings.model` as they are (`OLLAMA_HOST` is made a URL). */
const MODEL_VARIABLES = [
  "OPENAI_API_KEY",
  "OPENAI_BASE_URL",
  "ANTHROPIC_API_KEY",
  "ANTHROPIC_BASE_URL",
  "OLLAMA_BASE_URL",
  "GOOGLE_API_KEY",
  "GROQ_API_KEY",
  "MISTRAL_API_KEY",
] as const satisfies ReadonlyArray<keyof ModelCredentials>;

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
  /** The file that keeps OAuth tokens and client registrations (`MCP_GRAPH_OAUTH_STORE`; default `~/.mcp-graph/oauth.json`). */
  oauthStore?: string;
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

const httpUrl = () => optional(z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }));

const EnvSchema = z.object({
  OPENAI_API_KEY: optional(z.string()),
  ANTHROPIC_API_KEY: optional(z.string()),
  GOOGLE_API_KEY: optional(z.string()),
  GROQ_API_KEY: optional(z.string()),
  MISTRAL_API_KEY: optional(z.string()),
  OPENAI_BASE_URL: httpUrl(),
  ANTHROPIC_BASE_URL: httpUrl(),
  OLLAMA_BASE_URL: httpUrl(),
  OLLAMA_HOST: optional(z.string().trim().refine(isOllamaHost, "must be a host, host:port or http:// URL")),
  MCP_HOST: optional(z.string().trim()),
  MCP_AUTH_TOKEN: optional(z.string()),
  [SERVER_DEFAULTS.math.portVariable]: port(SERVER_DEFAULTS.math.port),
  [SERVER_DEFAULTS.weather.portVariable]: port(SERVER_DEFAULTS.weather.port),
  MCP_GRAPH_DB: optional(z.string()),
  MCP_GRAPH_OAUTH_STORE: optional(z.string()),
  POSTGRES_URI: optional(z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// connection string")),
});

/**
 * `OLLAMA_HOST` as the Ollama CLI reads it ("0.0.0.0", ":11434", "host:port", "http://host:port"),
 * made the URL a client connects to: port 11434 unless given, loopback for a wildcard address.
 */
function ollamaUrl(host: string): string {
  const withScheme = host.includes("://") ? host : `http://${host.startsWith(":") ? `127.0.0.1${host}` : host}`;
  const url = new URL(withScheme);
  if (!url.port && !host.includes("://")) url.port = "11434";
  const hostname = connectableHost(url.hostname);
  url.hostname = hostname === "::1" ? "[::1]" : hostname;
  return url.href.replace(/\/$/, "");
}

function isOllamaHost(host: string): boolean {
  try {
    return ["http:", "https:"].includes(new URL(ollamaUrl(host)).protocol);
  } catch {
    return false;
  }
}

/** Clients cannot connect to a wildcard address: a server bound there is reached on loopback. */
function connectableHost(host: string | undefined): string {
  if (!host || host === "0.0.0.0") return "127.0.0.1";
  if (host === "::" || host === "[::]") return "::1";
  return host;
}

function modelCredentials(values: Record<string, unknown>): ModelCredentials {
  const credentials: ModelCredentials = {};
  for (const key of MODEL_VARIABLES) {
    const value = values[key];
    if (typeof value === "string") credentials[key] = value;
  }
  if (!credentials.OLLAMA_BASE_URL && typeof values.OLLAMA_HOST === "string") credentials.OLLAMA_BASE_URL = ollamaUrl(values.OLLAMA_HOST);
  return credentials;
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
    model: modelCredentials(values),
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
    ...(values.MCP_GRAPH_OAUTH_STORE ? { oauthStore: values.MCP_GRAPH_OAUTH_STORE } : {}),
  };
}
