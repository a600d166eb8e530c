import { readFileSync } from "node:fs";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import type { ToolInfo } from "../../adapters/index.js";
import { buildRouteSchema, parseRouteOutput } from "../../graph/index.js";
import { OfflineRouterModel } from "../model.js";

interface Golden {
  id: string;
  question: string;
  tools: Array<{ name: string; description: string; inputSchema: ToolInfo["inputSchema"] }>;
  /** The call, or null for no call (a question back or a refusal). */
  expected: { tool: string; args: Record<string, unknown> } | null;
}

const cases = readFileSync(new URL("./golden.jsonl", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .map((line) => JSON.parse(line) as Golden);

/** Routes one question over tools known only by their definitions, as the graph's route node does. */
async function route(golden: Golden) {
  const tools: ToolInfo[] = golden.tools.map((t) => ({ server: "s", name: t.name, bridgedName: `s__${t.name}`, description: t.description, inputSchema: t.inputSchema }));
  const router = new OfflineRouterModel().withStructuredOutput(buildRouteSchema(tools), { name: "route" });
  const parsed = parseRouteOutput(await router.invoke([new SystemMessage("Route the question."), new HumanMessage(golden.question)]), tools);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

describe("the generic router on tools known only by their schema (golden cases)", () => {
  for (const golden of cases) {
    it(`${golden.id}: ${golden.question}`, async () => {
      const { decision } = await route(golden);
      if (golden.expected === null) {
        expect(decision.action).not.toBe("call_tool");
        // Whatever it says, it names no internal bridged tool.
        expect(decision.action === "ask" ? decision.question : "").not.toMatch(/__/);
      } else {
        expect(decision).toEqual({ action: "call_tool", tool: `s__${golden.expected.tool}`, args: golden.expected.args });
      }
    });
  }
});
