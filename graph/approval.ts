import { z } from "zod";
import type { ToolInfo } from "../adapters/index.js";
import type { ApprovalPolicy } from "./configuration.js";
import type { RouteDecision } from "./routing/index.js";
import type { ApprovalRecord } from "./state.js";

/**
 * The interrupt payload LangGraph's prebuilt `HumanInterrupt` describes, which Agent Inbox,
 * agent-chat-ui and Studio render as an approval.
 */
export interface HumanInterrupt {
  action_request: { action: string; args: Record<string, unknown> };
  config: { allow_ignore: boolean; allow_respond: boolean; allow_edit: boolean; allow_accept: boolean };
  description?: string;
}

/** What a person answers to a {@link HumanInterrupt}: the prebuilt `HumanResponse`. */
export const HumanResponseSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("accept"), args: z.unknown().optional() }),
  z.object({ type: z.literal("ignore"), args: z.unknown().optional() }),
  z.object({ type: z.literal("response"), args: z.string() }),
  z.object({
    type: z.literal("edit"),
    args: z.object({ action: z.string().optional(), args: z.record(z.string(), z.unknown()) }),
  }),
]);
export type HumanResponse = z.infer<typeof HumanResponseSchema>;

/** A resume value that is not a `HumanResponse`; the interrupt stays pending. */
export class InvalidApprovalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidApprovalError";
  }
}

/**
 * Reads a resume value: one `HumanResponse`, or a one-element array of them (what Agent Inbox sends).
 * @throws {InvalidApprovalError} naming what is wrong.
 */
export function parseHumanResponse(value: unknown): HumanResponse {
  const single = Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;
  if (single === undefined) throw new InvalidApprovalError("resume with one HumanResponse, or an array holding exactly one");
  const parsed = HumanResponseSchema.safeParse(single);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidApprovalError(
      `resume value is not a HumanResponse (${issue?.path.join(".") || "type"}: ${issue?.message ?? "invalid"}); ` +
        `expected {"type": "accept" | "edit" | "ignore" | "response", "args": …}`,
    );
  }
  return parsed.data;
}

/**
 * Why a call needs a person first, or undefined when the policy lets it run. Under `writes`, only a
 * tool annotated `readOnlyHint: true` runs unasked: the MCP spec's defaults (`readOnlyHint: false`,
 * `destructiveHint: true`) make an unannotated tool one that may change things.
 */
export function approvalReason(tool: ToolInfo, policy: ApprovalPolicy): string | undefined {
  if (policy === "never") return undefined;
  if (policy === "always") return "every call is approved first (approval: always)";
  const hints = tool.annotations ?? {};
  if (hints.readOnlyHint === true) return undefined;
  if (hints.destructiveHint === false) return "this tool may change things (it is not marked read-only)";
  return hints.readOnlyHint === false || hints.destructiveHint === true
    ? "this tool may change or delete things"
    : "this tool does not say it is read-only, so it may change or delete things";
}

/** A call's approval record with what was decided: the tool as listed, or as the route named it if it is no longer listed. */
export function approvalRecord(call: Extract<RouteDecision, { action: "call_tool" }>, tool: ToolInfo | undefined, decision: ApprovalRecord["decision"]): ApprovalRecord {
  return { server: tool?.server ?? "", tool: tool?.name ?? call.tool, args: call.args, decision };
}
