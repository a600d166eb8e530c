/**
 * Public face of the offline router: a deterministic LangChain chat model that routes questions to
 * tools with no network and no weights.
 */
export { OfflineModelError, OfflineRouterModel, type OfflineRouterCallOptions } from "./model.js";
