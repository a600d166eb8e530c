import type { RunnableConfig } from "@langchain/core/runnables";
import { Annotation } from "@langchain/langgraph";
import { MEDIA_KINDS, type Multimodal, type ServersConfig } from "../adapters/index.js";

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
  /**
   * Bound on the characters of text one tool result gives the model (16 000 by default); the rest is
   * cut with a note, and the whole result stays in the tool message's artifact and in `calls`.
   */
  maxResultChars: Annotation<number>,
  /**
   * Whether the model reads media in tool results: `false` (default; a note names each image or sound),
   * `true` (images and audio as content blocks) or a list such as `["image"]` (Claude reads images in
   * tool results, not audio). OpenAI models take only text in tool messages: leave it `false` for them.
   */
  multimodal: Annotation<Multimodal>,
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
    maxResultChars: configurable.maxResultChars ?? defaults.maxResultChars,
    multimodal: configurable.multimodal ?? defaults.multimodal,
  };
  if (!APPROVAL_POLICIES.includes(resolved.approval)) {
    throw new RangeError(`configurable.approval must be one of ${APPROVAL_POLICIES.map((p) => `"${p}"`).join(", ")}, got ${JSON.stringify(resolved.approval)}`);
  }
  const { multimodal } = resolved;
  if (typeof multimodal !== "boolean" && !(Array.isArray(multimodal) && multimodal.every((kind) => MEDIA_KINDS.includes(kind)))) {
    throw new RangeError(`configurable.multimodal must be true, false or a list of ${MEDIA_KINDS.map((k) => `"${k}"`).join(", ")}, got ${JSON.stringify(multimodal)}`);
  }
  for (const key of ["maxSteps", "callTimeoutMs", "modelTimeoutMs", "maxResultChars"] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 1) {
      throw new RangeError(`configurable.${key} must be a positive integer, got ${JSON.stringify(resolved[key])}`);
    }
  }
  if (!Number.isInteger(resolved.maxRouteRetries) || resolved.maxRouteRetries < 0) {
    throw new RangeError(`configurable.maxRouteRetries must be a non-negative integer, got ${JSON.stringify(resolved.maxRouteRetries)}`);
  }
  return resolved;
}
