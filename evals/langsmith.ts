import { randomUUID } from "node:crypto";
import { basename } from "node:path";
import { runGroups, type EvalItem } from "./dataset.js";
import type { RunResult } from "./report.js";
import { runItem, type AnswerFn } from "./runner.js";
// Types only: the client itself is loaded when a key is set.
import type { Client } from "langsmith";

/** Uploading is opt-in: only a LangSmith API key in the environment sends anything off the machine. */
export function langsmithEnabled(env: Record<string, string | undefined>): boolean {
  return Boolean(env.LANGSMITH_API_KEY?.trim());
}

/** The LangSmith dataset a local dataset file is mirrored to. */
export function langsmithDatasetName(datasetFile: string): string {
  return `mcp-graph eval: ${basename(datasetFile)}`;
}

/** The id of what runs on one thread: a question's id, or a dialogue's. */
export function groupId(group: readonly EvalItem[]): string {
  const first = group[0];
  if (!first) throw new RangeError("an empty group has no id");
  return first.dialogue?.id ?? first.id;
}

const reference = (item: EvalItem) => ({
  expected: item.expected,
  ...(item.expectedCalls ? { expectedCalls: item.expectedCalls } : {}),
  ...(item.answer !== undefined ? { answer: item.answer } : {}),
});

/**
 * A question, or a whole dialogue, as one LangSmith example: what runs on one thread is one example,
 * so its trace holds every turn. `metadata.evalId` ties the example to the dataset line across runs.
 */
export function exampleFor(group: readonly EvalItem[]): {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  metadata: Record<string, unknown>;
} {
  const id = groupId(group);
  const first = group[0]!;
  if (!first.dialogue) {
    return { inputs: { id, question: first.question }, outputs: reference(first), metadata: { evalId: id, category: first.category } };
  }
  return {
    inputs: { id, turns: group.map((item) => item.question) },
    outputs: { turns: group.map(reference) },
    metadata: { evalId: id, category: first.category, dialogue: true, turns: group.length },
  };
}

/**
 * Our verdicts on one example as LangSmith feedback. A question: `tool`, `call`, `answer`, `plan`,
 * `ok` as 1/0 (metrics that do not apply left out) and `latency_ms`. A dialogue: the same keys as the
 * share of its turns that got them right, `ok` 1 only when every turn is ok, `latency_ms` summed.
 */
export function feedbackFor(results: ReadonlyArray<Pick<RunResult, "score" | "outcome">>): Array<{ key: string; score: number }> {
  const share = (flags: Array<boolean | null>): number | null => {
    const known = flags.filter((flag): flag is boolean => flag !== null);
    return known.length === 0 ? null : known.filter(Boolean).length / known.length;
  };
  const scores: Array<[string, number | null]> = [
    ["tool", share(results.map((r) => r.score.tool))],
    ["call", share(results.map((r) => r.score.call))],
    ["answer", share(results.map((r) => r.score.answer))],
    ["plan", share(results.map((r) => r.score.sequence))],
    ["ok", results.every((r) => r.score.ok) ? 1 : 0],
  ];
  const latencyMs = results.reduce((sum, r) => sum + r.outcome.latencyMs, 0);
  return [
    ...scores.filter((s): s is [string, number] => s[1] !== null).map(([key, score]) => ({ key, score })),
    { key: "latency_ms", score: Math.round(latencyMs * 10) / 10 },
  ];
}

/** What a turn's run shows in LangSmith: what the graph did, and our verdict on it. */
function turnOutputs({ outcome, score, reason }: RunResult): Record<string, unknown> {
  return {
    answer: outcome.answer,
    calls: outcome.calls,
    ...(reason ? { reason } : {}),
    ...(outcome.error ? { error: outcome.error } : {}),
    scores: { tool: score.tool, call: score.call, answer: score.answer, plan: score.sequence },
    ok: score.ok,
    latencyMs: Math.round(outcome.latencyMs * 10) / 10,
  };
}

/** Key order differs between what we send and what LangSmith returns, so compare canonical JSON. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

export interface LangSmithRunOptions {
  items: EvalItem[];
  /** Asks one message on its thread: the graph, as for a local run. */
  ask: AnswerFn;
  datasetFile: string;
  model: string;
  env: Record<string, string | undefined>;
  /** Questions or dialogues in flight at once. */
  concurrency: number;
  /** Called as each item (a question or a turn) finishes, like `runItems`'s. */
  onResult?: (result: RunResult) => void;
}

/**
 * How an experiment went. `results` holds every question and whole dialogue that ran (in dataset
 * order); after a failure, those that had not run yet are missing.
 */
export type LangSmithRun =
  | { ok: true; experimentName: string; results: RunResult[] }
  | { ok: false; error: Error; results: RunResult[] };

/**
 * Runs the eval as a LangSmith experiment with the graph as its target: mirrors the dataset (one
 * example per question or dialogue, created or updated by id), then `evaluate()` runs each example's
 * turns through `ask` on a thread of its own, inside the example's trace (the graph's run for each
 * turn under it), and records our scores as its feedback. Each item's result is also handed to
 * `onResult` and returned, for the local reports. Never rejects: a LangSmith failure is returned.
 */
export async function runOnLangSmith(options: LangSmithRunOptions): Promise<LangSmithRun> {
  const { items, ask, datasetFile, model, env } = options;
  const groups = runGroups(items);
  const finished = new Map<string, RunResult[]>();
  const ran = () => groups.flatMap((group) => finished.get(groupId(group)) ?? []);
  try {
    // Loaded only when a key is set, so an offline run never touches the LangSmith client.
    const [{ Client }, { evaluate }, { traceable }] = await Promise.all([import("langsmith"), import("langsmith/evaluation"), import("langsmith/traceable")]);
    const client = new Client({ apiKey: env.LANGSMITH_API_KEY, ...(env.LANGSMITH_ENDPOINT ? { apiUrl: env.LANGSMITH_ENDPOINT } : {}) });
    const examples = await mirrorDataset(client, datasetFile, groups);

    const byId = new Map(groups.map((group) => [groupId(group), group]));
    const run = randomUUID();
    const target = traceable(
      async (inputs: { id: string }) => {
        const group = byId.get(inputs.id);
        if (!group) throw new Error(`no eval item ${inputs.id} in ${basename(datasetFile)}`);
        const results: RunResult[] = [];
        for (const item of group) {
          // A run id in the thread, so a checkpointer that outlives the run never mixes two runs.
          const result = await runItem(item, ask, { threadId: `${run}:${inputs.id}` });
          results.push(result);
          options.onResult?.(result);
        }
        finished.set(inputs.id, results);
        return group[0]!.dialogue ? { turns: results.map(turnOutputs) } : turnOutputs(results[0]!);
      },
      { name: "mcp-graph eval" },
    );
    const outcome = await evaluate(target, {
      data: examples,
      evaluators: [
        ({ inputs }: { inputs?: Record<string, unknown> }) => {
          const results = finished.get(String(inputs?.id));
          return { results: results ? feedbackFor(results) : [] };
        },
      ],
      experimentPrefix: `mcp-graph-${model.replace(/[^\w.-]+/g, "-")}`,
      description: `Routing eval of ${basename(datasetFile)} with model ${model}`,
      metadata: { model, dataset: basename(datasetFile) },
      client,
      maxConcurrency: options.concurrency,
    });
    await client.awaitPendingTraceBatches();
    return { ok: true, experimentName: outcome.experimentName, results: ran() };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error : new Error(String(error)), results: ran() };
  }
}

/** The dataset's examples for these groups, created or updated so that they match the file. */
async function mirrorDataset(client: Client, datasetFile: string, groups: EvalItem[][]) {
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
  for (const group of groups) {
    const wanted = exampleFor(group);
    const found = existing.get(groupId(group));
    if (!found) creates.push({ dataset_id: dataset.id, inputs: wanted.inputs, reference_outputs: wanted.outputs, metadata: wanted.metadata });
    else if (canonicalJson(found.inputs) !== canonicalJson(wanted.inputs) || canonicalJson(found.outputs) !== canonicalJson(wanted.outputs)) {
      updates.push({ id: found.id, dataset_id: dataset.id, ...wanted });
    }
  }
  if (creates.length > 0) await client.createExamples(creates);
  if (updates.length > 0) await client.updateExamples(updates);

  const wanted = new Set(groups.map(groupId));
  const examples = [];
  for await (const example of client.listExamples({ datasetId: dataset.id })) {
    if (wanted.has(String(example.metadata?.evalId))) examples.push(example);
  }
  return examples;
}
