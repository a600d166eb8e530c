import type { RunnableConfig } from "@langchain/core/runnables";
import { Annotation } from "@langchain/langgraph";
import type { ServersConfig } from "../adapters/index.js";

/**
 * What a run can be configured with. These fields are the graph's configurable schema, so LangGraph
 * Studio shows them in the assistant's configuration.
 */
export const ConfigurationAnnotation = Annotation.Root({
  /** A model name its creator resolves: with app/, "offline", "<provider>:<model>" or a bare ChatOpenAI model name. */
  model: Annotation<string>,
  /** MCP servers by name: `{ url, transport? }` or `{ command, args? }` (the `mcpServers` map). */
  servers: Annotation<ServersConfig>,
  /** Tool calls allowed for one question before the graph gives up. */
  maxSteps: Annotation<number>,
  /** Invalid routes the model may correct before the graph answers with a failure. */
  maxRouteRetries: Annotation<number>,
  /** Bound on one tool call, in milliseconds. */
  callTimeoutMs: Annotation<number>,
  /** Bound on one request to a real model, in milliseconds (its retries each get their own). */
  modelTimeoutMs: Annotation<number>,
  /**
   * When a person approves a call first: `writes` (default) for every tool whose MCP annotations do
   * not say `readOnlyHint: true`, `always`, or `never`.
   */
  approval: Annotation<ApprovalPolicy>,
});

export const APPROVAL_POLICIES = ["writes", "always", "never"] as const;
export type ApprovalPolicy = (typeof APPROVAL_POLICIES)[number];

export type Configuration = typeof ConfigurationAnnotation.State;

/**
 * Fills every field a run did not set. The defaults come from the graph's creator (who may read the
 * environment), so nodes never look at `process.env`.
 * @throws {RangeError} when a numeric field is not a positive integer.
 */
export function ensureConfiguration(config: RunnableConfig | undefined, defaults: Configuration): Configuration {
  const configurable = (config?.configurable ?? {}) as Partial<Configuration>;
  const resolved: Configuration = {
    model: configurable.model || defaults.model,
    servers: configurable.servers ?? defaults.servers,
    maxSteps: configurable.maxSteps ?? defaults.maxSteps,
    maxRouteRetries: configurable.maxRouteRetries ?? defaults.maxRouteRetries,
    callTimeoutMs: configurable.callTimeoutMs ?? defaults.callTimeoutMs,
    modelTimeoutMs: configurable.modelTimeoutMs ?? defaults.modelTimeoutMs,
    approval: configurable.approval ?? defaults.approval,
  };
  if (!APPROVAL_POLICIES.includes(resolved.approval)) {
    throw new RangeError(`configurable.approval must be one of ${APPROVAL_POLICIES.map((p) => `"${p}"`).join(", ")}, got ${JSON.stringify(resolved.approval)}`);
  }
  for (const key of ["maxSteps", "callTimeoutMs", "modelTimeoutMs"] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 1) {
      throw new RangeError(`configurable.${key} must be a positive integer, got ${JSON.stringify(resolved[key])}`);
    }
  }
  if (!Number.isInteger(resolved.maxRouteRetries) || resolved.maxRouteRetries < 0) {
    throw new RangeError(`configurable.maxRouteRetries must be a non-negative integer, got ${JSON.stringify(resolved.maxRouteRetries)}`);
  }
  return resolved;
}
