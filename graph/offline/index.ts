export { OfflineModelError, OfflineRouterModel, type OfflineRouterCallOptions } from "./model.js";
