/**
 * An OAuth-protected Streamable HTTP MCP server on 127.0.0.1:0, authorization server included: the
 * SDK's `mcpAuthRouter` (metadata, dynamic registration, authorize, token with PKCE) and
 * `requireBearerAuth` in front of `/mcp`, over an in-memory provider that consents at once and issues
 * short-lived access tokens with refresh tokens. It counts what happened, for the tests to assert.
 */
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Server as HttpServer } from "node:http";
import express, { type Response } from "express";
import type { OAuthRegisteredClientsStore } from "@modelcontextprotocol/sdk/server/auth/clients.js";
import { InvalidGrantError, InvalidTokenError } from "@modelcontextprotocol/sdk/server/auth/errors.js";
import { requireBearerAuth } from "@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js";
import type { AuthorizationParams, OAuthServerProvider } from "@modelcontextprotocol/sdk/server/auth/provider.js";
import { getOAuthProtectedResourceMetadataUrl, mcpAuthRouter } from "@modelcontextprotocol/sdk/server/auth/router.js";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import { SSEServerTransport } from "@modelcontextprotocol/sdk/server/sse.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { OAuthClientInformationFull, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
import { FixtureState } from "./fixture-servers/mcp-server.js";

export interface OAuthServerCounts {
  registrations: number;
  /** Authorization requests, i.e. logins a person would have gone through. */
  authorizations: number;
  codeExchanges: number;
  refreshes: number;
  /** Requests to /mcp with a token it accepted. */
  authorizedRequests: number;
  /** `resource` of the authorization and token requests, as sent. */
  resources: string[];
}

export interface RunningOAuthServer {
  /** The MCP endpoint, `http://127.0.0.1:PORT/mcp`. */
  url: string;
  /** The protected resource (RFC 9728) both endpoints belong to: the origin, `http://127.0.0.1:PORT/`. */
  resource: string;
  /** The legacy SSE endpoint of the same server, `http://127.0.0.1:PORT/sse`, behind the same bearer check. */
  sseUrl: string;
  counts: OAuthServerCounts;
  close(): Promise<void>;
}

class Provider implements OAuthServerProvider {
  private readonly clients = new Map<string, OAuthClientInformationFull>();
  private readonly codes = new Map<string, { clientId: string; params: AuthorizationParams }>();
  private readonly accessTokens = new Map<string, AuthInfo>();
  private readonly refreshTokens = new Map<string, { clientId: string; scopes: string[] }>();

  constructor(
    readonly counts: OAuthServerCounts,
    private readonly tokenTtlSeconds: number,
  ) {}

  get clientsStore(): OAuthRegisteredClientsStore {
    return {
      getClient: (id) => this.clients.get(id),
      registerClient: (client) => {
        this.counts.registrations++;
        const full = { ...client, client_id: randomUUID(), client_id_issued_at: Math.floor(Date.now() / 1000) } as OAuthClientInformationFull;
        this.clients.set(full.client_id, full);
        return full;
      },
    };
  }

  // Consent without asking: straight back to the client's redirect with a code.
  async authorize(client: OAuthClientInformationFull, params: AuthorizationParams, res: Response): Promise<void> {
    this.counts.authorizations++;
    if (params.resource) this.counts.resources.push(params.resource.href);
    const code = randomUUID();
    this.codes.set(code, { clientId: client.client_id, params });
    const target = new URL(params.redirectUri);
    target.searchParams.set("code", code);
    if (params.state !== undefined) target.searchParams.set("state", params.state);
    res.redirect(target.href);
  }

  async challengeForAuthorizationCode(_client: OAuthClientInformationFull, code: string): Promise<string> {
    const entry = this.codes.get(code);
    if (!entry) throw new InvalidGrantError("unknown authorization code");
    return entry.params.codeChallenge;
  }

  async exchangeAuthorizationCode(client: OAuthClientInformationFull, code: string, _verifier?: string, _redirectUri?: string, resource?: URL): Promise<OAuthTokens> {
    const entry = this.codes.get(code);
    if (!entry || entry.clientId !== client.client_id) throw new InvalidGrantError("unknown authorization code");
    this.codes.delete(code);
    this.counts.codeExchanges++;
    if (resource) this.counts.resources.push(resource.href);
    return this.issue(client.client_id, entry.params.scopes ?? []);
  }

  async exchangeRefreshToken(client: OAuthClientInformationFull, refreshToken: string): Promise<OAuthTokens> {
    const entry = this.refreshTokens.get(refreshToken);
    if (!entry || entry.clientId !== client.client_id) throw new InvalidGrantError("unknown refresh token");
    this.refreshTokens.delete(refreshToken);
    this.counts.refreshes++;
    return this.issue(client.client_id, entry.scopes);
  }

  async verifyAccessToken(token: string): Promise<AuthInfo> {
    const info = this.accessTokens.get(token);
    if (!info) throw new InvalidTokenError("unknown token");
    return info;
  }

  private issue(clientId: string, scopes: string[]): OAuthTokens {
    const accessToken = randomUUID();
    const refreshToken = randomUUID();
    // expiresAt to the millisecond: rounded to a second, a 1 s token could end at once.
    this.accessTokens.set(accessToken, { token: accessToken, clientId, scopes, expiresAt: Date.now() / 1000 + this.tokenTtlSeconds });
    this.refreshTokens.set(refreshToken, { clientId, scopes });
    return { access_token: accessToken, token_type: "Bearer", expires_in: this.tokenTtlSeconds, refresh_token: refreshToken, ...(scopes.length ? { scope: scopes.join(" ") } : {}) };
  }
}

/**
 * Starts the server. Its one tool, `whoami`, answers with the client id the token was issued to.
 * @param options.tokenTtlSeconds lifetime of access tokens (default 1: a test waits them out to see a refresh)
 */
export async function startOAuthServer(options: { tokenTtlSeconds?: number } = {}): Promise<RunningOAuthServer> {
  const counts: OAuthServerCounts = { registrations: 0, authorizations: 0, codeExchanges: 0, refreshes: 0, authorizedRequests: 0, resources: [] };
  const provider = new Provider(counts, options.tokenTtlSeconds ?? 1);
  const fixture = new FixtureState([
    { name: "whoami", description: "The OAuth client the token belongs to", run: () => ({ content: [{ type: "text", text: "authorized" }] }) },
  ]);
  const app = express();
  let routes: express.RequestHandler = (_request, _response, next) => next();
  // The routes need the URL, known once listening.
  app.use((request, response, next) => routes(request, response, next));
  const server: HttpServer = await new Promise((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  const base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const mcpUrl = new URL("/mcp", base);
  const router = express.Router();
  // One protected resource, the origin: /mcp and /sse are two doors to the same server.
  router.use(mcpAuthRouter({ provider, issuerUrl: base, resourceServerUrl: base }));
  const bearer = requireBearerAuth({ verifier: provider, resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(base) });
  const sseSessions = new Map<string, SSEServerTransport>();
  router.get("/sse", bearer, async (_request, response) => {
    counts.authorizedRequests++;
    const transport = new SSEServerTransport("/messages", response);
    sseSessions.set(transport.sessionId, transport);
    response.on("close", () => sseSessions.delete(transport.sessionId));
    await fixture.createServer().connect(transport);
  });
  router.post("/messages", express.json(), bearer, async (request, response) => {
    counts.authorizedRequests++;
    const transport = sseSessions.get(String(request.query.sessionId));
    if (!transport) return void response.status(404).send("unknown session");
    await transport.handlePostMessage(request, response, request.body);
  });
  router.post(
    "/mcp",
    express.json(),
    bearer,
    async (request, response) => {
      counts.authorizedRequests++;
      const mcp = fixture.createServer();
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      response.on("close", () => void transport.close().then(() => mcp.close()));
      await mcp.connect(transport);
      await transport.handleRequest(request, response, request.body);
    },
  );
  routes = router;
  return {
    url: mcpUrl.href,
    resource: base.href,
    sseUrl: new URL("/sse", base).href,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
