/**
 * Public face of the offline router: a deterministic LangChain chat model that routes questions to
 * tools with no network and no weights, and helpers to time it.
 */
export { OfflineModelError, OfflineRouterModel, type OfflineRouterCallOptions } from "./model.js";
export { measureRouting, routeAgainstSyntheticTools, syntheticTools, type RoutingTimes } from "./bench.js";
