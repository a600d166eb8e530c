import type { CatalogSummary } from "./state.js";

/** "weather (failed: connection refused), files (reconnecting)" for every server that is not connected. */
export function describeUnavailable(catalog: CatalogSummary): string {
  return Object.entries(catalog.unavailable)
    .map(([name, why]) => `${name} (${why})`)
    .join(", ");
}
