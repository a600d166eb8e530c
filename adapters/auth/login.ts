import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import type { ServerConfig, ServersConfig } from "../types.js";
import { OAuthProvider, type OAuthHost } from "./provider.js";
import { defaultTokenStorePath, FileTokenStore } from "./store.js";

/** How a {@link MultiServerClient} runs the OAuth flows of servers configured with `auth`. */
export interface OAuthOptions {
  /** The token store file; default `~/.mcp-graph/oauth.json`. A server's `auth.storePath` wins. */
  storePath?: string;
  /**
   * Shows a person the URL to log in at; the browser's redirect returns to a loopback port this
   * client listens on. Without it (no terminal), a server that needs a login fails with
   * `OAuthLoginRequiredError`, while `client_credentials` and stored tokens work as usual.
   */
  onAuthorizationUrl?: (server: string, url: URL) => void | Promise<void>;
}

/**
 * The servers with an `OAuthProvider` built for each entry that has `auth` (and none from code),
 * one store per file; `close()` stops the logins still waiting.
 */
export function attachOAuthProviders(servers: ServersConfig, options: OAuthOptions = {}): { servers: ServersConfig; close(): void } {
  const stores = new Map<string, FileTokenStore>();
  const store = (path: string) => {
    let found = stores.get(path);
    if (!found) stores.set(path, (found = new FileTokenStore(path)));
    return found;
  };
  const providers: OAuthProvider[] = [];
  const out: ServersConfig = {};
  for (const [name, entry] of Object.entries(servers)) {
    if (!("url" in entry) || !entry.auth || entry.authProvider) {
      out[name] = entry;
      continue;
    }
    const host: OAuthHost = { store: store(entry.auth.storePath ?? options.storePath ?? defaultTokenStorePath()), onAuthorizationUrl: options.onAuthorizationUrl };
    const provider = new OAuthProvider(name, entry.url, entry.auth, host);
    providers.push(provider);
    out[name] = { ...entry, authProvider: provider };
  }
  return { servers: out, close: () => providers.forEach((provider) => provider.close()) };
}

function ours(config: ServerConfig): OAuthProvider | undefined {
  return "url" in config && config.authProvider instanceof OAuthProvider ? config.authProvider : undefined;
}

/** Settles what the flow reads synchronously (the redirect port) before a transport may start it. */
export async function prepareAuth(config: ServerConfig): Promise<void> {
  await ours(config)?.prepare();
}

/**
 * Finishes a login the SDK started on an earlier request (its `REDIRECT`: the person was shown the
 * URL), so the next session goes out with the new tokens. No-op when none is pending.
 * @throws when the login fails, times out or `signal` aborts.
 */
export async function completePendingLogin(config: ServerConfig, signal: AbortSignal): Promise<void> {
  await ours(config)?.completeLogin(signal);
}

/** `error` is the SDK's "not authorized" after it started a login that is now waiting for the person. */
export function loginPending(config: ServerConfig, error: unknown): boolean {
  return error instanceof UnauthorizedError && ours(config)?.hasPendingLogin() === true;
}

/** A 403 `insufficient_scope` reached the transport: tell the provider a refresh will not do. */
export function noteInsufficientScope(config: ServerConfig): void {
  ours(config)?.stepUpScope();
}
