import { randomBytes } from "node:crypto";
import { auth, type AddClientAuthentication, type OAuthClientProvider, type OAuthDiscoveryState } from "@modelcontextprotocol/sdk/client/auth.js";
import { createPrivateKeyJwtAuth } from "@modelcontextprotocol/sdk/client/auth-extensions.js";
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
import { OAuthLoginRequiredError } from "../errors.js";
import { awaitRedirect, CALLBACK_PATH, freeLoopbackPort, type RedirectWait } from "./loopback.js";
import type { AuthConfig } from "./schema.js";
import type { FileTokenStore, StoredCredentials } from "./store.js";

const DEFAULT_LOGIN_TIMEOUT_MS = 300_000;

/** What a host lends the OAuth flow of its servers. */
export interface OAuthHost {
  store: FileTokenStore;
  /**
   * Shows a person the URL to log in at (a terminal prints it; the conformance driver "opens" it
   * with fetch). The browser's redirect comes back to the loopback port. Without it, a server that
   * needs a login fails with {@link OAuthLoginRequiredError}.
   */
  onAuthorizationUrl?: (server: string, url: URL) => void | Promise<void>;
}

/**
 * The SDK's `OAuthClientProvider` for one server, from its `auth` configuration: tokens and dynamic
 * registrations kept in the host's file store, PKCE verifier and discovery in memory, the redirect
 * on a loopback port, and `client_credentials` (secret or `private_key_jwt`) for hosts without a person.
 * The SDK drives the flow (discovery, registration, PKCE, `resource`, refresh on 401, scope step-up
 * on 403); a login the SDK started (its `REDIRECT`) is finished by {@link completeLogin}.
 */
export class OAuthProvider implements OAuthClientProvider {
  readonly clientMetadataUrl: string | undefined;
  addClientAuthentication?: AddClientAuthentication;
  private port: number | undefined;
  private tokensCache: OAuthTokens | undefined;
  private loaded = false;
  // Pre-registered credentials, stamped with the authorization server the SDK first used them with.
  private configuredClient: OAuthClientInformationMixed | undefined;
  private verifier: string | undefined;
  private discovery: OAuthDiscoveryState | undefined;
  private pending: RedirectWait | undefined;
  // After a 403 insufficient_scope, a refresh would bring back the same scopes: a new grant is needed.
  private scopeStepUp = false;
  private readonly key: string;

  constructor(
    readonly serverName: string,
    private readonly serverUrl: string,
    private readonly config: AuthConfig,
    private readonly host: OAuthHost,
  ) {
    this.port = config.redirectPort || undefined;
    this.clientMetadataUrl = config.clientMetadataUrl;
    const url = new URL(serverUrl);
    url.hash = "";
    this.key = config.clientId ? `${url.href} ${config.clientId}` : url.href;
    if (config.clientId) {
      this.configuredClient = {
        client_id: config.clientId,
        ...(config.clientSecret ? { client_secret: config.clientSecret } : {}),
        ...(config.issuer ? { issuer: config.issuer } : {}),
      };
    }
    if (config.privateKey && config.clientId) {
      this.addClientAuthentication = createPrivateKeyJwtAuth({
        issuer: config.clientId,
        subject: config.clientId,
        privateKey: config.privateKey,
        alg: config.signingAlgorithm ?? "RS256",
      });
    }
  }

  private get grant(): "authorization_code" | "client_credentials" {
    return this.config.grant ?? "authorization_code";
  }

  /** The store file this server's credentials live in. */
  get storePath(): string {
    return this.host.store.path;
  }

  /**
   * Settles the redirect port before the SDK reads {@link redirectUrl}: the configured one, else the
   * one the stored registration was made with (a new port would not match it), else a free one.
   */
  async prepare(): Promise<void> {
    await this.load();
    if (this.port !== undefined || this.grant === "client_credentials") return;
    const stored = await this.host.store.get(this.key);
    const registered = stored?.client && "redirect_uris" in stored.client ? stored.client.redirect_uris[0] : undefined;
    const port = registered ? Number(new URL(registered).port) : 0;
    this.port = port > 0 ? port : await freeLoopbackPort();
  }

  get redirectUrl(): string | undefined {
    if (this.grant === "client_credentials") return undefined;
    if (this.port === undefined) throw new Error(`OAuth for server "${this.serverName}": prepare() was not awaited before the flow`);
    return `http://127.0.0.1:${this.port}${CALLBACK_PATH}`;
  }

  get clientMetadata(): OAuthClientMetadata {
    const scope = this.config.scopes?.join(" ");
    const base = { client_name: this.config.clientName ?? "mcp-graph", ...(scope ? { scope } : {}) };
    if (this.grant === "client_credentials") {
      return { ...base, redirect_uris: [], grant_types: ["client_credentials"], token_endpoint_auth_method: this.config.privateKey ? "private_key_jwt" : "client_secret_basic" };
    }
    return {
      ...base,
      redirect_uris: [this.redirectUrl!],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: this.config.clientSecret ? "client_secret_basic" : "none",
    };
  }

  state(): string {
    return randomBytes(16).toString("base64url");
  }

  async clientInformation(): Promise<OAuthClientInformationMixed | undefined> {
    if (this.configuredClient) return this.configuredClient;
    const client = (await this.host.store.get(this.key))?.client;
    // A registration made for another redirect port is of no use: register again.
    if (client && "redirect_uris" in client && this.redirectUrl && !client.redirect_uris.includes(this.redirectUrl)) return undefined;
    return client;
  }

  async saveClientInformation(client: OAuthClientInformationMixed): Promise<void> {
    if (this.configuredClient) {
      this.configuredClient = client;
      return;
    }
    await this.host.store.update(this.key, (entry) => {
      entry.client = client;
    });
  }

  async tokens(): Promise<OAuthTokens | undefined> {
    await this.load();
    const tokens = this.tokensCache;
    if (tokens && this.scopeStepUp) {
      const { refresh_token: _dropped, ...rest } = tokens;
      return rest;
    }
    return tokens;
  }

  async saveTokens(tokens: OAuthTokens): Promise<void> {
    this.tokensCache = tokens;
    this.scopeStepUp = false;
    await this.host.store.update(this.key, (entry) => {
      entry.tokens = tokens;
    });
  }

  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    const show = this.host.onAuthorizationUrl;
    if (!show) throw new OAuthLoginRequiredError(this.serverName, authorizationUrl.href, this.storePath);
    this.pending?.close();
    this.pending = undefined;
    const state = authorizationUrl.searchParams.get("state") ?? "";
    const controller = new AbortController();
    const wait = await awaitRedirect({
      port: this.port!,
      state,
      serverName: this.serverName,
      timeoutMs: this.config.loginTimeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS,
      signal: controller.signal,
    });
    this.pending = wait;
    await show(this.serverName, authorizationUrl);
  }

  saveCodeVerifier(codeVerifier: string): void {
    this.verifier = codeVerifier;
  }

  codeVerifier(): string {
    if (!this.verifier) throw new Error(`OAuth for server "${this.serverName}": no PKCE code verifier (no login was started)`);
    return this.verifier;
  }

  async invalidateCredentials(scope: "all" | "client" | "tokens" | "verifier" | "discovery"): Promise<void> {
    if (scope === "all" || scope === "verifier") this.verifier = undefined;
    if (scope === "all" || scope === "discovery") this.discovery = undefined;
    const dropTokens = scope === "all" || scope === "tokens";
    const dropClient = (scope === "all" || scope === "client") && !this.configuredClient;
    if (dropTokens) this.tokensCache = undefined;
    if (dropTokens || dropClient) {
      await this.host.store.update(this.key, (entry) => {
        if (dropTokens) delete entry.tokens;
        if (dropClient) delete entry.client;
      });
    }
  }

  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.discovery = state;
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.discovery;
  }

  prepareTokenRequest(scope?: string): URLSearchParams | undefined {
    if (this.grant !== "client_credentials") return undefined;
    const params = new URLSearchParams({ grant_type: "client_credentials" });
    const requested = scope ?? this.config.scopes?.join(" ");
    if (requested) params.set("scope", requested);
    return params;
  }

  /** A 403 `insufficient_scope` came back: the next authorization must be a new grant, not a refresh. */
  stepUpScope(): void {
    this.scopeStepUp = true;
  }

  /** True while a login the SDK started waits for its redirect. */
  hasPendingLogin(): boolean {
    return this.pending !== undefined;
  }

  /**
   * Waits for the pending login's redirect and exchanges its code for tokens (PKCE verifier and the
   * same `resource`, from the discovery the SDK saved here). No-op without a pending login.
   * @throws when the login fails, times out or `signal` aborts.
   */
  async completeLogin(signal: AbortSignal): Promise<void> {
    const pending = this.pending;
    if (!pending) return;
    const onAbort = () => pending.close();
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      const code = await pending.code;
      const result = await auth(this, { serverUrl: this.serverUrl, authorizationCode: code, resourceMetadataUrl: this.resourceMetadataUrl() });
      if (result !== "AUTHORIZED") throw new Error("the authorization code was not accepted");
    } catch (error) {
      throw new Error(`OAuth login to server "${this.serverName}" failed: ${(error as Error).message}`, { cause: error });
    } finally {
      signal.removeEventListener("abort", onAbort);
      if (this.pending === pending) this.pending = undefined;
    }
  }

  /** Stops waiting for a login (the client closes). */
  close(): void {
    this.pending?.close();
    this.pending = undefined;
  }

  private resourceMetadataUrl(): URL | undefined {
    return this.discovery?.resourceMetadataUrl ? new URL(this.discovery.resourceMetadataUrl) : undefined;
  }

  private async load(): Promise<void> {
    if (this.loaded) return;
    const stored: StoredCredentials | undefined = await this.host.store.get(this.key);
    this.tokensCache ??= stored?.tokens;
    this.loaded = true;
  }
}
