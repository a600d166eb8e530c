import type { ServerStatus, ToolInfo } from "../adapters/index.js";
import type { CatalogSummary } from "./state.js";

/** "weather (failed: connection refused), files (reconnecting)" for every server that is not connected. */
export function describeUnavailable(catalog: CatalogSummary): string {
  return Object.entries(catalog.unavailable)
    .map(([name, why]) => `${name} (${why})`)
    .join(", ");
}

/** The catalog as the state keeps it: a version, its size, and every server that is not connected. */
export function summarize(version: number, tools: readonly ToolInfo[], status: Record<string, ServerStatus>): CatalogSummary {
  const unavailable = Object.fromEntries(
    Object.entries(status)
      .filter(([, server]) => server.state !== "connected")
      .map(([name, server]) => [name, server.error ? `${server.state}: ${server.error}` : server.state]),
  );
  return { version, servers: Object.keys(status).length - Object.keys(unavailable).length, tools: tools.length, unavailable };
}
