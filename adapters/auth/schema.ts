import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import { z } from "zod";

/**
 * `auth` of an HTTP or SSE server: how this client gets an OAuth access token for it. Every key is
 * optional: `{}` means "discover the authorization server, register dynamically, log in in a browser".
 */
export const AuthConfigSchema = z.strictObject({
  grant: z
    .enum(["authorization_code", "client_credentials"])
    .optional()
    .describe("authorization_code (a person logs in once in a browser; the default) or client_credentials (no person: clientId with clientSecret or privateKey)"),
  clientId: z.string().min(1).optional().describe("A client registered beforehand; without it the client registers itself (RFC 7591) or uses clientMetadataUrl"),
  clientSecret: z.string().min(1).optional().describe("The registered client's secret (client_secret_basic or _post, as the server supports)"),
  privateKey: z.string().min(1).optional().describe("PEM private key for private_key_jwt client authentication (client_credentials)"),
  signingAlgorithm: z.string().min(1).optional().describe("JWS algorithm of privateKey; default RS256"),
  issuer: z.url().optional().describe("The authorization server clientId belongs to; credentials are never sent to another"),
  clientName: z.string().min(1).optional().describe("client_name sent when registering; default mcp-graph"),
  clientMetadataUrl: z
    .url({ protocol: /^https$/, error: "must be an https:// URL" })
    .optional()
    .describe("A Client ID Metadata Document URL, used as client_id where the server supports it (SEP-991)"),
  scopes: z.array(z.string().min(1)).optional().describe("Scopes to ask for when neither the server's challenge nor its metadata names any"),
  redirectPort: z.number().int().min(0).max(65_535).optional().describe("Loopback port of the redirect http://127.0.0.1:PORT/callback; default: the registered one, else a free one"),
  storePath: z.string().min(1).optional().describe("File that keeps this server's tokens and registration (mode 0600); default the client's store"),
  loginTimeoutMs: z.number().int().positive().optional().describe("How long to wait for a person to log in; default 300000"),
}).refine((auth) => auth.grant !== "client_credentials" || (auth.clientId !== undefined && (auth.clientSecret ?? auth.privateKey) !== undefined), {
  message: 'grant "client_credentials" needs clientId, and clientSecret or privateKey',
  path: ["grant"],
});

export type AuthConfig = z.infer<typeof AuthConfigSchema>;

/** An `OAuthClientProvider` given in code (`@langchain/mcp-adapters` calls the key `authProvider` too). */
export const AuthProviderSchema = z.custom<OAuthClientProvider>(
  (value) => typeof value === "object" && value !== null && typeof (value as { tokens?: unknown }).tokens === "function",
  { error: "must be an OAuthClientProvider (an object with tokens(), clientMetadata, …)" },
);

/**
 * Spellings of other clients inside an `auth`/`oauth` object, mapped onto ours before strict
 * validation: Claude Code's `callbackPort` and space-separated `scopes`, Gemini CLI's `scopes` list,
 * `scope` as a string.
 */
export function normalizeAuthEntry(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const { callbackPort, scope, scopes, ...rest } = value as Record<string, unknown>;
  const out: Record<string, unknown> = { ...rest };
  const port = rest.redirectPort ?? callbackPort;
  if (port !== undefined) out.redirectPort = port;
  const listed = scopes ?? scope;
  if (typeof listed === "string") out.scopes = listed.split(/\s+/).filter(Boolean);
  else if (listed !== undefined) out.scopes = listed;
  return out;
}
