/**
 * Synthetic tools for the scale and routing benchmarks: business-like `verb_noun` tools, ten per
 * server, none of which competes with our math and weather tools for the questions the bench asks.
 */

const VERBS = ["get", "list", "create", "update", "delete", "search", "export", "archive", "approve", "sync"];
const NOUNS = [
  "invoice", "customer", "ticket", "order", "document", "calendar_event", "repository", "metric", "alert", "shipment",
  "contract", "employee", "payment", "product", "campaign", "lead", "build", "deployment", "backup", "report",
  "subscription", "refund", "warehouse", "supplier", "survey", "webinar", "playlist", "recipe", "flight", "hotel",
  "booking", "device", "sensor", "license", "domain", "certificate", "bucket", "queue", "cluster", "dashboard",
  "note", "task", "project", "milestone", "comment", "label", "user", "group", "role", "token",
];

/** A tool as `tools/list` describes it. */
export interface SyntheticTool {
  name: string;
  description: string;
  inputSchema: { type: "object"; properties: Record<string, Record<string, unknown>>; required: string[] };
}

/** Tool `index` (0-based) of server `server`; every server has its own noun, so names differ across servers. */
export function syntheticTool(server: number, index: number): SyntheticTool {
  const verb = VERBS[index % VERBS.length]!;
  const noun = NOUNS[server % NOUNS.length]!;
  const words = noun.replace("_", " ");
  return {
    name: `${verb}_${noun}`,
    description: `${verb[0]!.toUpperCase()}${verb.slice(1)} a ${words} record in system ${server} by its identifier.`,
    inputSchema: {
      type: "object",
      properties: {
        id: { type: "string", description: `Identifier of the ${words}.` },
        limit: { type: "integer", minimum: 1, maximum: 100, description: "Most records to return." },
      },
      required: ["id"],
    },
  };
}
