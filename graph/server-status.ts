import type { ServerStatus } from "../adapters/index.js";

/** "weather (connection refused), files (timed out)" for every server that is not connected. */
export function describeUnavailable(servers: Record<string, ServerStatus>): string {
  return Object.entries(servers)
    .filter(([, status]) => status.state !== "connected")
    .map(([name, status]) => `${name} (${status.error ?? status.state})`)
    .join(", ");
}
