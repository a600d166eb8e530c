import { basename } from "node:path";
import type { EvalItem } from "./dataset.js";
import type { EvalReport, ReportItem } from "./report.js";

/** Uploading is opt-in: only a LangSmith API key in the environment sends anything off the machine. */
export function langsmithEnabled(env: Record<string, string | undefined>): boolean {
  return Boolean(env.LANGSMITH_API_KEY?.trim());
}

/** The LangSmith dataset a local dataset file is mirrored to. */
export function langsmithDatasetName(datasetFile: string): string {
  return `mcp-graph eval: ${basename(datasetFile)}`;
}

/** An eval item as a LangSmith example; `metadata.evalId` ties the two together across runs. */
export function exampleFor(item: EvalItem): {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  metadata: Record<string, unknown>;
} {
  return {
    inputs: { id: item.id, question: item.question },
    outputs: {
      expected: item.expected,
      ...(item.expectedCalls ? { expectedCalls: item.expectedCalls } : {}),
      ...(item.answer !== undefined ? { answer: item.answer } : {}),
    },
    // A turn's example stands for "this message after the dialogue's earlier turns": the metadata says which.
    metadata: { evalId: item.id, category: item.category, ...(item.dialogue ? { dialogue: item.dialogue.id, turn: item.dialogue.turn } : {}) },
  };
}

/** Our per-item verdicts as LangSmith feedback: 1/0 scores, metrics that don't apply left out. */
export function feedbackFor(item: Pick<ReportItem, "scores" | "ok" | "latencyMs">): Array<{ key: string; score: number }> {
  const flags: Array<[string, boolean | null]> = [
    ["tool", item.scores.tool],
    ["call", item.scores.call],
    ["answer", item.scores.answer],
    ["plan", item.scores.sequence],
    ["ok", item.ok],
  ];
  return [
    ...flags.filter((f): f is [string, boolean] => f[1] !== null).map(([key, ok]) => ({ key, score: ok ? 1 : 0 })),
    { key: "latency_ms", score: item.latencyMs },
  ];
}

/** Key order differs between what we send and what LangSmith returns, so compare canonical JSON. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/**
 * Logs a finished run to LangSmith as an experiment: mirrors the dataset (creating or updating
 * examples by id), then records each item's outputs and scores through `evaluate`. The graph is not
 * run again; the experiment holds what this run measured.
 * @returns the experiment's name.
 * @throws whatever the LangSmith client throws (the caller reports it; local reports are already written).
 */
export async function logToLangSmith(options: {
  report: EvalReport;
  items: EvalItem[];
  datasetFile: string;
  env: Record<string, string | undefined>;
}): Promise<string> {
  const { report, items, datasetFile, env } = options;
  // Loaded only when a key is set, so an offline run never touches the LangSmith client.
  const { Client } = await import("langsmith");
  const { evaluate } = await import("langsmith/evaluation");
  const client = new Client({ apiKey: env.LANGSMITH_API_KEY, ...(env.LANGSMITH_ENDPOINT ? { apiUrl: env.LANGSMITH_ENDPOINT } : {}) });

  const datasetName = langsmithDatasetName(datasetFile);
  const dataset = (await client.hasDataset({ datasetName }))
    ? await client.readDataset({ datasetName })
    : await client.createDataset(datasetName, { description: `mcp-graph routing eval, mirrored from ${basename(datasetFile)}` });

  const existing = new Map<string, { id: string; inputs: unknown; outputs?: unknown }>();
  for await (const example of client.listExamples({ datasetId: dataset.id })) {
    const evalId = example.metadata?.evalId;
    if (typeof evalId === "string") existing.set(evalId, example);
  }
  const creates = [];
  const updates = [];
  for (const item of items) {
    const wanted = exampleFor(item);
    const found = existing.get(item.id);
    if (!found) creates.push({ dataset_id: dataset.id, inputs: wanted.inputs, reference_outputs: wanted.outputs, metadata: wanted.metadata });
    else if (canonicalJson(found.inputs) !== canonicalJson(wanted.inputs) || canonicalJson(found.outputs) !== canonicalJson(wanted.outputs)) {
      updates.push({ id: found.id, dataset_id: dataset.id, ...wanted });
    }
  }
  if (creates.length > 0) await client.createExamples(creates);
  if (updates.length > 0) await client.updateExamples(updates);

  const wantedIds = new Set(items.map((i) => i.id));
  const examples = [];
  for await (const example of client.listExamples({ datasetId: dataset.id })) {
    if (wantedIds.has(String(example.metadata?.evalId))) examples.push(example);
  }
  const byId = new Map(report.items.map((i) => [i.id, i]));
  const results = await evaluate(
    (inputs: { id: string }) => {
      const item = byId.get(inputs.id);
      if (!item) throw new Error(`no result for eval item ${inputs.id}`);
      return { answer: item.got.answer, calls: item.got.calls, reason: item.got.reason, error: item.error, scores: item.scores, ok: item.ok, latencyMs: item.latencyMs };
    },
    {
      data: examples,
      evaluators: [({ outputs }: { outputs: Record<string, unknown> }) => ({ results: feedbackFor(outputs as Pick<ReportItem, "scores" | "ok" | "latencyMs">) })],
      experimentPrefix: `mcp-graph-${report.meta.model.replace(/[^\w.-]+/g, "-")}`,
      description: `Routing eval of ${basename(datasetFile)} with model ${report.meta.model}`,
      metadata: { model: report.meta.model, dataset: datasetFile, summary: report.summary },
      client,
      maxConcurrency: 4,
    },
  );
  await client.awaitPendingTraceBatches();
  return results.experimentName;
}
