import { pathToFileURL } from "node:url";
import { loadServersConfig, MultiServerClient, type MultiServerClientOptions, type OAuthOptions, type Root, type ServersConfig } from "../adapters/index.js";
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

export interface OpenServersOptions extends Pick<MultiServerClientOptions, "onLog" | "logLevel" | "onProgress" | "onSampling"> {
  /** An `{"mcpServers": {...}}` file instead of our servers. */
  configFile?: string;
  /** The roots offered to servers (`roots/list`); default the working directory. */
  roots?: Root[];
  /** Shows a person the login link of a server configured with `auth`; without it, such a login fails with its reason. */
  onAuthorizationUrl?: OAuthOptions["onAuthorizationUrl"];
}

/** The working directory as a root, the default a CLI run offers its servers. */
export function workingDirectoryRoot(cwd = process.cwd()): Root {
  return { uri: pathToFileURL(cwd).href, name: "working directory" };
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
export async function openServers(settings: Settings, options: OpenServersOptions = {}): Promise<ServerSession> {
  const local = options.configFile ? undefined : await ensureLocalServers(defaultServers(settings.servers), { authToken: settings.servers.authToken });
  const config = local?.config ?? (await loadServersConfig(options.configFile!));
  const { configFile: _file, roots, onAuthorizationUrl, ...listeners } = options;
  const oauth: OAuthOptions = {
    ...(settings.oauthStore ? { storePath: settings.oauthStore } : {}),
    ...(onAuthorizationUrl ? { onAuthorizationUrl } : {}),
  };
  const client = new MultiServerClient(config, {
    ...listeners,
    oauth,
    roots: roots ?? [workingDirectoryRoot()],
    // Questions go to the tool call that asks them (the graph interrupts for the user); one that no
    // call claims, like a server asking out of the blue, is declined.
    onElicitation: () => Promise.resolve({ action: "decline" }),
  });
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
