import { z } from "zod";

export const CallToolDecisionSchema = z.object({
  action: z.literal("call_tool"),
  tool: z.string().min(1),
  args: z.record(z.string(), z.unknown()),
});

export const AnswerDecisionSchema = z.object({
  action: z.literal("answer"),
  answer: z.string().min(1),
});

export const AskDecisionSchema = z.object({
  action: z.literal("ask"),
  question: z.string().min(1),
});

export const RouteDecisionSchema = z.discriminatedUnion("action", [
  CallToolDecisionSchema,
  AnswerDecisionSchema,
  AskDecisionSchema,
]);

export const RouteOutputSchema = z.object({
  reason: z.string(),
  decision: RouteDecisionSchema,
});

/** One routing step: call a tool, give the final answer, or ask for a missing input. */
export type RouteDecision = z.infer<typeof RouteDecisionSchema>;
/** A route decision with the short reason that decided it. */
export type RouteOutput = z.infer<typeof RouteOutputSchema>;
