import type { ServersConfig } from "../adapters/index.js";
import { startMathServer, startWeatherServer, type RunningServer } from "../servers/index.js";

/** Our two servers, by their configuration names, with how to start each in this process. */
export const LOCAL_SERVERS = {
  math: { serverName: "MathServer", start: startMathServer },
  weather: { serverName: "WeatherServer", start: startWeatherServer },
} as const;

export interface LocalServers {
  /** The configuration to connect with: the given one, with the URLs of servers started here. */
  config: ServersConfig;
  /** Names of the servers this process started (empty when all of them already answered). */
  started: string[];
  /** Stops what this process started. */
  stop(): Promise<void>;
}

/**
 * Uses our servers where they already answer at the configured endpoints, and starts the missing ones
 * in this process on free ports. Entries other than `math` and `weather`, and endpoints that are not
 * on this machine, are left as they are.
 */
export async function ensureLocalServers(config: ServersConfig, options: { probeTimeoutMs?: number } = {}): Promise<LocalServers> {
  const running: RunningServer[] = [];
  const resolved: ServersConfig = { ...config };
  const stop = async () => {
    await Promise.allSettled(running.map((server) => server.close()));
  };
  try {
    await Promise.all(
      Object.entries(LOCAL_SERVERS).map(async ([name, local]) => {
        const entry = config[name];
        if (!entry || !("url" in entry) || !isLoopback(entry.url)) return;
        if (await answersAs(entry.url, local.serverName, options.probeTimeoutMs ?? 500)) return;
        const server = await local.start({ host: "127.0.0.1", port: 0, quiet: true });
        running.push(server);
        resolved[name] = { ...entry, url: `${server.url}${new URL(entry.url).pathname}` };
      }),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { config: resolved, started: running.map((server) => server.name), stop };
}

function isLoopback(url: string): boolean {
  const { hostname } = new URL(url);
  return hostname === "localhost" || hostname === "[::1]" || hostname.startsWith("127.");
}

/** True when `/healthz` at the endpoint's origin names the expected server. */
export async function answersAs(url: string | URL, serverName: string, timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetch(new URL("/healthz", url), { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return false;
    const body = (await response.json()) as { name?: unknown };
    return body.name === serverName;
  } catch {
    return false;
  }
}
