export { buildRouteSchema } from "./schema.js";
export { parseRouteOutput, type ParseRouteResult } from "./parse.js";
export {
  RouteDecisionSchema,
  RouteOutputSchema,
  type RouteDecision,
  type RouteOutput,
} from "./types.js";
