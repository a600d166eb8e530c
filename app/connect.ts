import { loadServersConfig, MultiServerClient, type OAuthOptions, type ServersConfig } from "../adapters/index.js";
import { defaultServers, ensureLocalServers, type LocalServer } from "./servers.js";
import type { Settings } from "./settings.js";

/** No configured server could be reached; the message names each with its reason. */
export class NoServerReachableError extends Error {
  constructor(reasons: string) {
    super(`no MCP server is reachable (${reasons || "none configured"})`);
    this.name = "NoServerReachableError";
  }
}

/** A connected client and what it took to get it; `close()` undoes all of it. */
export interface ServerSession {
  client: MultiServerClient;
  config: ServersConfig;
  /** Our own servers, found running or started by this process; empty with a config file. */
  local: LocalServer[];
  close(): Promise<void>;
}

/**
 * The servers a CLI run uses: those of `configFile`, or ours (found running at their configured
 * endpoints, otherwise started in this process), connected with one client. Servers with `auth` keep
 * their tokens in `settings.oauthStore`; `onAuthorizationUrl` shows a person where to log in (a
 * terminal), and without it a server that needs a login fails with `OAuthLoginRequiredError`.
 * @throws {ConfigError} for a bad config file.
 * @throws {ServerAuthError} when one of our endpoints refuses the token.
 * @throws {NoServerReachableError} when not one server connected.
 */
export async function openServers(
  settings: Settings,
  options: { configFile?: string; onAuthorizationUrl?: OAuthOptions["onAuthorizationUrl"] } = {},
): Promise<ServerSession> {
  const local = options.configFile ? undefined : await ensureLocalServers(defaultServers(settings.servers), { authToken: settings.servers.authToken });
  const config = local?.config ?? (await loadServersConfig(options.configFile!));
  const oauth: OAuthOptions = {
    ...(settings.oauthStore ? { storePath: settings.oauthStore } : {}),
    ...(options.onAuthorizationUrl ? { onAuthorizationUrl: options.onAuthorizationUrl } : {}),
  };
  const client = new MultiServerClient(config, { oauth });
  const close = async () => {
    await client.close();
    await local?.stop();
  };
  try {
    const status = await client.connect();
    if (!Object.values(status).some((server) => server.state === "connected")) {
      throw new NoServerReachableError(Object.entries(status).map(([name, s]) => `${name}: ${s.error ?? s.state}`).join("; "));
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { client, config, local: local?.servers ?? [], close };
}
