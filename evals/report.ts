import type { BfclExpectation } from "./bfcl.js";
import type { DialoguePosition, ExpectedCall } from "./dataset.js";
import {
  confusionMatrix,
  summarize,
  summarizeByCategory,
  summarizeByTurn,
  type ConfusionMatrix,
  type ItemResult,
  type ObservedCall,
  type Summary,
  type TokenUsage,
} from "./score.js";

/** One item of the JSON report. `expected`/`got`/`ok`/`latencyMs`/`error` are the issue's fields. */
export interface ReportItem {
  id: string;
  category: string;
  question: string;
  /** For a turn of a dialogue: which dialogue, and where in it. */
  dialogue?: DialoguePosition;
  expected: ExpectedCall[] | null;
  expectedCalls?: ExpectedCall[][];
  expectedAnswer?: number | string;
  /** A tool item's accepted values per parameter (BFCL rules). */
  accepted?: BfclExpectation;
  got: { calls: ObservedCall[]; answer: string; reason?: string };
  ok: boolean;
  latencyMs: number;
  error?: string;
  scores: { tool: boolean; call: boolean; answer: boolean | null; sequence: boolean | null };
  /** The first call: exact, wrong (made, not expected) or none. */
  made: "exact" | "wrong" | "none";
  usage?: TokenUsage;
}

export interface ReportMeta {
  dataset: string;
  model: string;
  startedAt: string;
  durationMs: number;
  concurrency: number;
  servers: Record<string, { state: string; toolCount?: number; error?: string }>;
}

/**
 * The JSON report: `summary`, `byCategory` and `items` as the issue specifies, plus `confusion` and
 * `meta`; with dialogues, `byTurn` too. Items are turns then, and `summary`/`byCategory` count turns.
 */
export interface EvalReport {
  summary: Summary;
  byCategory: Record<string, Summary>;
  /** Per position in the dialogue ("turn 1", "turn 2", …); only for a dataset with dialogues. */
  byTurn?: Record<string, Summary>;
  confusion: ConfusionMatrix;
  items: ReportItem[];
  meta: ReportMeta;
}

/** A result with the route's explanation, which only the runner knows. */
export interface RunResult extends ItemResult {
  reason?: string;
}

const roundMs = (ms: number): number => Math.round(ms * 10) / 10;

function reportItem({ item, outcome, score, reason }: RunResult): ReportItem {
  return {
    id: item.id,
    category: item.category,
    question: item.question,
    ...(item.dialogue ? { dialogue: item.dialogue } : {}),
    expected: item.expected,
    ...(item.expectedCalls ? { expectedCalls: item.expectedCalls } : {}),
    ...(item.answer !== undefined ? { expectedAnswer: item.answer } : {}),
    ...(item.accepted ? { accepted: item.accepted } : {}),
    got: { calls: outcome.calls, answer: outcome.answer, ...(reason ? { reason } : {}) },
    ok: score.ok,
    latencyMs: roundMs(outcome.latencyMs),
    ...(outcome.error !== undefined ? { error: outcome.error } : {}),
    scores: { tool: score.tool, call: score.call, answer: score.answer, sequence: score.sequence },
    made: score.made,
    ...(outcome.usage ? { usage: outcome.usage } : {}),
  };
}

/** Assembles the JSON report from scored results, in dataset order. */
export function buildReport(results: RunResult[], meta: ReportMeta): EvalReport {
  const byTurn = summarizeByTurn(results);
  return {
    summary: summarize(results),
    byCategory: summarizeByCategory(results),
    ...(Object.keys(byTurn).length > 0 ? { byTurn } : {}),
    confusion: confusionMatrix(results),
    items: results.map(reportItem),
    meta,
  };
}

/** "95.0%", or "–" for a metric that applies to no item. */
export function percent(value: number | null): string {
  return value === null ? "–" : `${(value * 100).toFixed(1)}%`;
}

/** Shortens long text (a 10,000-character city) for tables, saying how long it was. */
export function clip(text: string, max = 100): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}… (${flat.length} chars)`;
}

function formatArgs(args: Record<string, unknown>): string {
  return clip(JSON.stringify(args, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v)), 60);
}

/** "multiply {"a":5,"b":24}", alternatives joined by " | ", or "none". */
export function formatExpected(expected: ExpectedCall[] | null): string {
  if (expected === null) return "none";
  return expected.map((e) => `${e.server ? `${e.server}.` : ""}${e.tool} ${formatArgs(e.args)}`).join(" | ");
}

/** The calls made, in order, with ✗ for those that returned an error; "none" when there were none. */
export function formatCalls(calls: ObservedCall[]): string {
  if (calls.length === 0) return "none";
  return calls.map((c) => `${c.server}.${c.tool} ${formatArgs(c.args)}${c.isError ? " ✗" : ""}`).join(" → ");
}

const COLUMNS = ["category", "n", "tool", "call", "answer", "plan", "exact", "exact of calls", "wrong", "no call", "p50 ms", "p95 ms"];
/** Where the dialogue column goes: before the latencies. */
const LATENCY_AT = COLUMNS.indexOf("p50 ms");

function summaryRow(name: string, s: Summary, dialogues: boolean): string[] {
  const row = [
    name,
    String(s.total),
    percent(s.toolAccuracy),
    percent(s.callAccuracy),
    percent(s.answerAccuracy),
    percent(s.sequenceAccuracy),
    percent(s.exactRate),
    percent(s.exactOfExpected),
    percent(s.wrongRate),
    percent(s.noCallRate),
    s.p50Ms.toFixed(1),
    s.p95Ms.toFixed(1),
  ];
  // A dialogue passes when every one of its turns does.
  if (dialogues) row.splice(LATENCY_AT, 0, s.dialogueTotal === 0 ? "–" : `${percent(s.dialogueAccuracy)} of ${s.dialogueTotal}`);
  return row;
}

function hasDialogues(report: EvalReport): boolean {
  return report.byTurn !== undefined;
}

function columns(report: EvalReport): string[] {
  const names = [...COLUMNS];
  if (hasDialogues(report)) names.splice(LATENCY_AT, 0, "dialogues");
  return names;
}

function categoryRows(report: EvalReport): string[][] {
  const dialogues = hasDialogues(report);
  return [...Object.entries(report.byCategory).map(([name, s]) => summaryRow(name, s, dialogues)), summaryRow("all", report.summary, dialogues)];
}

/** Per turn position; the dialogue column stays out, since no dialogue lies wholly in one position. */
function turnRows(report: EvalReport): string[][] {
  return [["turn", ...COLUMNS.slice(1)], ...Object.entries(report.byTurn ?? {}).map(([name, s]) => summaryRow(name, s, false))];
}

function confusionRows(matrix: ConfusionMatrix): string[][] {
  return [
    ["expected \\ chosen", ...matrix.chosen],
    ...matrix.expected.map((e) => [e, ...matrix.chosen.map((c) => String(matrix.counts[e]?.[c] ?? 0))]),
  ];
}

/** Pads a table to aligned columns: text left, numbers right. */
function alignTable(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows.map((r) =>
    r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  ").trimEnd(),
  );
}

function usageLine(usage: TokenUsage | null): string {
  return usage === null
    ? "tokens: not reported by the model"
    : `tokens: ${usage.inputTokens} in, ${usage.outputTokens} out, ${usage.totalTokens} total`;
}

function headline(report: EvalReport): string {
  const { meta, summary } = report;
  const abstain = summary.abstainAccuracy === null ? "" : `, abstention ${percent(summary.abstainAccuracy)} of ${summary.abstainTotal}`;
  const dialogues = summary.dialogueAccuracy === null ? "" : `, dialogues ${percent(summary.dialogueAccuracy)} of ${summary.dialogueTotal}`;
  const items = hasDialogues(report) ? "items (turns count one each)" : "items";
  return (
    `${summary.total} ${items}, model ${meta.model}, ${(meta.durationMs / 1000).toFixed(1)} s: ` +
    `calls ${percent(summary.callAccuracy)}${abstain}${dialogues}, ${summary.passed} passed, ${summary.errors} errors`
  );
}

function failures(report: EvalReport): ReportItem[] {
  return report.items.filter((i) => !i.ok);
}

/** Items whose first call was made but is not one of those expected: worse than no call. */
function wrongCalls(report: EvalReport): ReportItem[] {
  return report.items.filter((i) => i.made === "wrong");
}

function expectedText(item: ReportItem): string {
  if (item.accepted) return `${item.accepted.tool} ${clip(JSON.stringify(item.accepted.args), 160)}`;
  const answer = item.expectedAnswer === undefined ? "" : `; answer ${item.expectedAnswer}`;
  const plan = item.expectedCalls ? `; plan of ${item.expectedCalls.length} calls` : "";
  return `${formatExpected(item.expected)}${answer}${plan}`;
}

/** The user's earlier messages in the item's dialogue, which the turn was read after. */
function earlierTurns(report: EvalReport, item: ReportItem): string[] {
  const dialogue = item.dialogue;
  if (!dialogue) return [];
  return report.items.filter((i) => i.dialogue?.id === dialogue.id && i.dialogue.turn < dialogue.turn).map((i) => i.question);
}

function contextText(report: EvalReport, item: ReportItem): string | undefined {
  const earlier = earlierTurns(report, item);
  return earlier.length === 0 ? undefined : earlier.map((q) => `"${clip(q, 60)}"`).join(" → ");
}

function gotText(item: ReportItem): string {
  if (item.error !== undefined) return `error: ${clip(item.error, 160)}`;
  return `${formatCalls(item.got.calls)}; answer "${clip(item.got.answer, 160)}"`;
}

/** Beyond this many expected tools (a dataset of one tool per item) the matrix is no table to read. */
const CONFUSION_LIMIT = 24;

/** The console report: per-category table, confusion matrix and failures. */
export function formatConsoleReport(report: EvalReport): string {
  const lines = [
    `Eval of ${report.meta.dataset}`,
    headline(report),
    usageLine(report.summary.usage),
    "",
    ...alignTable([columns(report), ...categoryRows(report)]),
    "",
    ...(hasDialogues(report) ? ["By turn of the dialogue", ...alignTable(turnRows(report)), ""] : []),
    ...(report.confusion.expected.length > CONFUSION_LIMIT
      ? [`Confusion matrix: ${report.confusion.expected.length} expected tools, too many for a table here (see the JSON report)`]
      : ["Confusion matrix (rows: expected first tool, columns: chosen first tool)", ...alignTable(confusionRows(report.confusion))]),
    "",
  ];
  const wrong = wrongCalls(report);
  lines.push(wrong.length === 0 ? "No wrong calls." : `Wrong calls (${wrong.length}):`);
  for (const item of wrong) {
    lines.push(`  [${item.id}] (${item.category}) ${clip(item.question)}`);
    lines.push(`    called:   ${formatCalls(item.got.calls.slice(0, 1))}`);
    lines.push(`    expected: ${expectedText(item)}`);
  }
  lines.push("");
  const failed = failures(report);
  lines.push(failed.length === 0 ? "No failures." : `Failures (${failed.length}):`);
  for (const item of failed) {
    lines.push(`  [${item.id}] (${item.category}) ${clip(item.question)}`);
    const context = contextText(report, item);
    if (context) lines.push(`    after:    ${context}`);
    lines.push(`    expected: ${expectedText(item)}`);
    lines.push(`    got:      ${gotText(item)}`);
  }
  return lines.join("\n");
}

const cell = (text: string): string => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

function markdownTable(rows: string[][]): string[] {
  const [head, ...body] = rows;
  if (!head) return [];
  return [
    `| ${head.map(cell).join(" | ")} |`,
    `| ${head.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`,
    ...body.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ];
}

/** The Markdown report: the same content as the console, as tables. */
export function formatMarkdownReport(report: EvalReport, command?: string): string {
  const { meta } = report;
  const lines = [
    "# Eval report",
    "",
    `- Dataset: \`${meta.dataset}\``,
    `- Model: \`${meta.model}\``,
    `- Started: ${meta.startedAt}, concurrency ${meta.concurrency}`,
    `- ${headline(report)}`,
    `- ${usageLine(report.summary.usage)}`,
    ...(command ? [`- Command: \`${command}\``] : []),
    "",
    "## By category",
    "",
    ...markdownTable([columns(report), ...categoryRows(report)].map((r, i) => (i > 0 && r[0] === "all" ? r.map((c) => `**${c}**`) : r))),
    "",
    "`plan` is the whole sequence of calls, scored on items with `expectedCalls`.",
    ...(hasDialogues(report)
      ? [
          "Each turn of a dialogue counts as one item; `dialogues` is the share of dialogues whose every turn passed.",
          "",
          "## By turn of the dialogue",
          "",
          ...markdownTable(turnRows(report)),
        ]
      : []),
    "",
    "## Confusion matrix",
    "",
    "Rows: the expected first tool; columns: the tool chosen first (`none` = no call).",
    "",
    ...markdownTable(confusionRows(report.confusion)),
    "",
  ];
  const wrong = wrongCalls(report);
  lines.push(`## Wrong calls (${wrong.length})`, "", "A call made that is not one of those expected.", "");
  if (wrong.length === 0) lines.push("None.");
  else lines.push(...markdownTable([["id", "question", "called", "expected"], ...wrong.map((i) => [i.id, clip(i.question), formatCalls(i.got.calls.slice(0, 1)), expectedText(i)])]));
  lines.push("");
  const failed = failures(report);
  lines.push(`## Failures (${failed.length})`, "");
  if (failed.length === 0) lines.push("None.");
  else {
    lines.push(
      ...markdownTable([
        ["id", "question", "expected", "got"],
        ...failed.map((i) => {
          const context = contextText(report, i);
          return [i.id, context ? `${clip(i.question)} (after ${context})` : clip(i.question), expectedText(i), gotText(i)];
        }),
      ]),
    );
  }
  return `${lines.join("\n")}\n`;
}

