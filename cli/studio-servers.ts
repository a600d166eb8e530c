import type { ServersConfig } from "../adapters/index.js";
import type { RunningServer } from "../servers/index.js";
import { answersAs, LOCAL_SERVERS } from "./local-servers.js";

const STUDIO_SERVERS = Object.entries(LOCAL_SERVERS).map(([name, server]) => ({ name, ...server }));

/** One MCP server the Studio session talks to. */
export interface StudioServer {
  /** Configuration name: `math` or `weather`. */
  name: string;
  /** MCP server name: `MathServer` or `WeatherServer`. */
  serverName: string;
  /** The endpoint the graph connects to, e.g. `http://127.0.0.1:58000/mcp`. */
  url: string;
  port: number;
  /** True when the server already answered at its port and this process did not start it. */
  reused: boolean;
}

export interface StudioServers {
  servers: StudioServer[];
  /** Closes the servers this process started; reused ones keep running. */
  close(): Promise<void>;
}

/** A configured server port is held by something that is not the expected MCP server. */
export class ServerPortInUseError extends Error {
  constructor(
    readonly serverName: string,
    readonly port: number,
    readonly envVariable: string,
  ) {
    super(
      `port ${port} is in use by something that is not ${serverName}; ` +
        `set ${envVariable} to another port (0 picks a free one)`,
    );
    this.name = "ServerPortInUseError";
  }
}

/**
 * Makes the math and weather servers of `config` available at their configured endpoints: a server that
 * already answers there (its `/healthz` names it) is reused, otherwise it is started in this process on
 * that port (port 0: a free one). Unlike `ensureLocalServers`, a missing server is started on the
 * configured port rather than a free one, so that Studio and `npm start` meet the same servers.
 * @throws {ServerPortInUseError} when a configured port is held by something else.
 */
export async function startStudioServers(config: ServersConfig, options: { probeTimeoutMs?: number } = {}): Promise<StudioServers> {
  const started: RunningServer[] = [];
  const close = async () => {
    await Promise.allSettled(started.map((server) => server.close()));
  };
  try {
    const servers = await Promise.all(
      STUDIO_SERVERS.map(async ({ name, serverName, start }): Promise<StudioServer> => {
        const entry = config[name];
        if (!entry || !("url" in entry)) throw new Error(`the servers configuration has no URL for "${name}"`);
        const endpoint = new URL(entry.url);
        const port = Number(endpoint.port || (endpoint.protocol === "https:" ? 443 : 80));
        if (port !== 0 && (await answersAs(endpoint, serverName, options.probeTimeoutMs ?? 500))) {
          return { name, serverName, url: endpoint.href, port, reused: true };
        }
        let server: RunningServer;
        try {
          server = await start({ host: endpoint.hostname.replace(/^\[(.*)\]$/, "$1"), port, quiet: true });
        } catch (error) {
          // The servers wrap the listen error (HostStartError) with the socket error as its cause.
          const cause = (error as { cause?: NodeJS.ErrnoException }).cause;
          if (cause?.code === "EADDRINUSE" || (error as NodeJS.ErrnoException).code === "EADDRINUSE") {
            throw new ServerPortInUseError(serverName, port, `${name.toUpperCase()}_SERVER_PORT`);
          }
          throw error;
        }
        started.push(server);
        const url = new URL(endpoint.pathname, `${server.url}/`);
        return { name, serverName, url: url.href, port: server.port, reused: false };
      }),
    );
    return { servers, close };
  } catch (error) {
    await close();
    throw error;
  }
}

