import { bfclCallMatches } from "./bfcl.js";
import type { EvalItem, ExpectedCall } from "./dataset.js";

/** A call the graph made, as recorded in its state. */
export interface ObservedCall {
  server: string;
  tool: string;
  args: Record<string, unknown>;
  isError: boolean;
  result?: string;
  error?: string;
}

/** Token counts summed over every model call of one item (or of a whole run). */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

/** What running one question produced. `error` means the graph itself threw. */
export interface ItemOutcome {
  calls: ObservedCall[];
  answer: string;
  latencyMs: number;
  error?: string;
  usage?: TokenUsage;
}

/** Label used in the confusion matrix when no tool was (or should be) called. */
export const NONE = "none";
/** Label used in the confusion matrix when the graph threw. */
export const ERROR = "error";

/** Per-item verdicts. `null` means the metric does not apply to this item. */
export interface ItemScore {
  /** First call names an expected tool (and server), or none was made when none was expected. */
  tool: boolean;
  /** First call matches an expected call including its arguments, or none was made when none was expected. */
  call: boolean;
  /** The `answer` value appears in the final answer; null without `answer`. */
  answer: boolean | null;
  /** The whole plan matches `expectedCalls`; null without `expectedCalls`. */
  sequence: boolean | null;
  /** No tool was called; null unless `expected` is null. */
  abstain: boolean | null;
  /** What the first call was: `exact` (one of those expected), `wrong` (a call, but not one expected) or `none`. */
  made: "exact" | "wrong" | "none";
  /** Every applicable metric passed and the graph did not throw. */
  ok: boolean;
  expectedTool: string;
  chosenTool: string;
}

export interface ItemResult {
  item: EvalItem;
  outcome: ItemOutcome;
  score: ItemScore;
}

/** Accuracies are fractions in [0, 1]; null when no item in the group has the field they need. */
export interface Summary {
  total: number;
  toolAccuracy: number;
  callAccuracy: number;
  answerAccuracy: number | null;
  p50Ms: number;
  p95Ms: number;
  abstainAccuracy: number | null;
  sequenceAccuracy: number | null;
  passed: number;
  errors: number;
  /** How many items each nullable accuracy was computed over. */
  answerTotal: number;
  abstainTotal: number;
  sequenceTotal: number;
  /** Dialogues whose every turn is ok, over the dialogues wholly in the group; null when there are none. */
  dialogueAccuracy: number | null;
  dialogueTotal: number;
  /** Shares of all items whose first call was exact, wrong (made, but not accepted), or not made. */
  exactRate: number;
  wrongRate: number;
  noCallRate: number;
  /** Exact first calls over the items that expect a call (an abstention item cannot be exact); null when none does. */
  exactOfExpected: number | null;
  expectedCallTotal: number;
  usage: TokenUsage | null;
}

export interface ConfusionMatrix {
  /** Expected labels (rows) and chosen labels (columns), each sorted with `none`/`error` last. */
  expected: string[];
  chosen: string[];
  counts: Record<string, Record<string, number>>;
}

/** Strings compare trimmed, case-insensitively and in one Unicode form ("São" typed either way). */
function normalizeText(value: string): string {
  return value.trim().normalize("NFC").toLowerCase();
}

/**
 * Equality for argument values: numbers (and bigints) by value, strings trimmed and case-insensitive,
 * arrays element-wise, objects key-wise with the same rules; other types strictly.
 */
export function valuesEqual(expected: unknown, got: unknown): boolean {
  if (typeof expected === "number" || typeof expected === "bigint") {
    if (typeof got !== "number" && typeof got !== "bigint") return false;
    // Mixed number/bigint compare by value with ==, which JS defines exactly for that pair.
    return expected == got;
  }
  if (typeof expected === "string") return typeof got === "string" && normalizeText(expected) === normalizeText(got);
  if (Array.isArray(expected)) {
    return Array.isArray(got) && got.length === expected.length && expected.every((e, i) => valuesEqual(e, got[i]));
  }
  if (expected !== null && typeof expected === "object") {
    if (got === null || typeof got !== "object" || Array.isArray(got)) return false;
    const e = expected as Record<string, unknown>;
    const g = got as Record<string, unknown>;
    const keys = new Set([...Object.keys(e), ...Object.keys(g)]);
    return [...keys].every((k) => valuesEqual(e[k], g[k]));
  }
  return Object.is(expected, got);
}

/** Bare tool name equal, and the server too when the expectation names one. */
export function toolMatches(expected: ExpectedCall, got: Pick<ObservedCall, "server" | "tool">): boolean {
  return expected.tool === got.tool && (expected.server === undefined || expected.server === got.server);
}

/** {@link toolMatches} plus every key of `expected.args` equal; keys it does not name are ignored. */
export function callMatches(expected: ExpectedCall, got: Pick<ObservedCall, "server" | "tool" | "args">): boolean {
  if (!toolMatches(expected, got)) return false;
  return Object.entries(expected.args).every(
    ([key, value]) => Object.hasOwn(got.args, key) && valuesEqual(value, got.args[key]),
  );
}

/**
 * The plan matches when the calls and the steps pair up one to one, each call matching one of its
 * step's alternatives. Order is free: independent calls (two cities) may run either way, and
 * dependent ones already carry their order in their arguments (multiply 7, not 3 and 4).
 */
export function sequenceMatches(steps: ExpectedCall[][], calls: ObservedCall[]): boolean {
  if (steps.length !== calls.length) return false;
  const used = new Array<boolean>(calls.length).fill(false);
  const assign = (stepIndex: number): boolean => {
    if (stepIndex === steps.length) return true;
    const alternatives = steps[stepIndex] ?? [];
    for (const [i, call] of calls.entries()) {
      if (used[i] || !alternatives.some((alt) => callMatches(alt, call))) continue;
      used[i] = true;
      if (assign(stepIndex + 1)) return true;
      used[i] = false;
    }
    return false;
  };
  return assign(0);
}

const GROUP_SEPARATORS = new Set([",", ".", "'", "’", "_", " ", "\u00a0", "\u202f", "\u2009"]);
const DECIMAL_MARKS = new Set([".", ","]);
// A run of digit groups joined by single separator characters, not glued to a word ("COVID-19", "x2").
const NUMBER_RUN = /(?<![\p{L}\p{N}_])([-−+]?)(\d+(?:[.,'’_ \u00a0\u202f\u2009]\d+)*)/gu;
const NUMERIC_STRING = /^([-−+]?)(\d+(?:[.,'’_ \u00a0\u202f\u2009]\d+)*)$/u;

function canonical(negative: boolean, intPart: string, fracPart = ""): string {
  const int = intPart.replace(/^0+(?=\d)/, "");
  const frac = fracPart.replace(/0+$/, "");
  const body = frac === "" ? int : `${int}.${frac}`;
  return negative && /[1-9]/.test(body) ? `-${body}` : body;
}

/**
 * Every value a run of digits may stand for. "1,200" is 1200 in English and 1.2 in German, and a
 * checker can't know which the answer meant, so both count; "3 4" is two numbers.
 */
function interpretRun(sign: string, run: string): { values: string[]; single: boolean } {
  const negative = sign === "-" || sign === "−";
  const parts = run.split(/[^\d]/);
  const separators = run.replace(/\d/g, "").split("");
  if (separators.length === 0) return { values: [canonical(negative, run)], single: true };
  const values: string[] = [];
  const group = separators[0] ?? "";
  const last = separators[separators.length - 1] ?? "";
  const hasDecimalTail = separators.length >= 2 && last !== group && DECIMAL_MARKS.has(last);
  const groupCount = hasDecimalTail ? separators.length - 1 : separators.length;
  const grouped =
    GROUP_SEPARATORS.has(group) &&
    (parts[0]?.length ?? 0) <= 3 &&
    separators.slice(0, groupCount).every((s) => s === group) &&
    parts.slice(1, groupCount + 1).every((p) => p.length === 3);
  if (grouped) {
    values.push(canonical(negative, parts.slice(0, groupCount + 1).join(""), hasDecimalTail ? parts.at(-1) : ""));
  }
  if (separators.length === 1 && DECIMAL_MARKS.has(group)) values.push(canonical(negative, parts[0] ?? "", parts[1]));
  if (values.length > 0) return { values, single: true };
  return { values: parts.map((p, i) => canonical(i === 0 && negative, p)), single: false };
}

/** Canonical decimal strings ("1200", "-3", "2.5") of every number written in `text`. */
export function numbersIn(text: string): Set<string> {
  const found = new Set<string>();
  for (const match of text.matchAll(NUMBER_RUN)) {
    for (const value of interpretRun(match[1] ?? "", match[2] ?? "").values) found.add(value);
  }
  return found;
}

function expectedNumbers(answer: number | string): string[] | undefined {
  if (typeof answer === "number") {
    // BigInt keeps integers past 2^53 in full digits instead of "1e+21".
    if (Number.isInteger(answer)) return [BigInt(answer).toString()];
    const text = Math.abs(answer) < 1e-6 ? answer.toFixed(20) : String(answer);
    const [int = "0", frac = ""] = text.replace("-", "").split(".");
    return [canonical(answer < 0, int, frac)];
  }
  const match = NUMERIC_STRING.exec(answer.trim());
  if (!match) return undefined;
  const { values, single } = interpretRun(match[1] ?? "", match[2] ?? "");
  return single ? values : undefined;
}

/**
 * Whether the expected answer appears in the final answer text. Numbers (and numeric strings) are
 * compared by value against every number in the text, so 1200 matches "1,200", "1 200" and "1200.0"
 * but not "11200"; other strings are a trimmed, case-insensitive substring match.
 */
export function answerAppears(expected: number | string, text: string): boolean {
  const numbers = expectedNumbers(expected);
  if (numbers === undefined) return normalizeText(text).includes(normalizeText(String(expected)));
  const inText = numbersIn(text);
  return numbers.some((n) => inText.has(n));
}

function firstCall(outcome: ItemOutcome): ObservedCall | undefined {
  return outcome.calls[0];
}

/** Scores one item; a thrown graph fails every metric that applies. */
export function scoreItem(item: EvalItem, outcome: ItemOutcome): ItemScore {
  const first = firstCall(outcome);
  const failed = outcome.error !== undefined;
  const chosenTool = failed ? ERROR : (first?.tool ?? NONE);
  let expectedTool = NONE;
  let tool: boolean;
  let call: boolean;
  if (item.expected === null) {
    tool = call = !failed && first === undefined;
  } else {
    const alternatives = item.expected;
    tool = !failed && first !== undefined && alternatives.some((alt) => toolMatches(alt, first));
    const accepted = item.accepted;
    const matches = (got: ObservedCall) =>
      accepted ? bfclCallMatches(accepted, item.tool?.inputSchema ?? {}, got) : alternatives.some((alt) => callMatches(alt, got));
    call = !failed && first !== undefined && matches(first);
    // The row is the tool the model should have chosen; among alternatives, the one it did choose.
    const shown = (first && alternatives.find((alt) => toolMatches(alt, first))) ?? alternatives[0];
    expectedTool = shown?.tool ?? NONE;
  }
  const answer = item.answer === undefined ? null : !failed && answerAppears(item.answer, outcome.answer);
  const sequence = item.expectedCalls === undefined ? null : !failed && sequenceMatches(item.expectedCalls, outcome.calls);
  const abstain = item.expected === null ? call : null;
  const ok = !failed && call && answer !== false && sequence !== false;
  const made = first === undefined || failed ? "none" : item.expected !== null && call ? "exact" : "wrong";
  return { tool, call, answer, sequence, abstain, made, ok, expectedTool, chosenTool };
}

/**
 * Nearest-rank percentile (the smallest value with at least p% of values at or below it).
 * @returns 0 for an empty list.
 */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? 0;
}

function fraction(flags: Array<boolean | null>): { value: number | null; n: number } {
  const applicable = flags.filter((f): f is boolean => f !== null);
  if (applicable.length === 0) return { value: null, n: 0 };
  return { value: applicable.filter(Boolean).length / applicable.length, n: applicable.length };
}

/** Adds token usages; null when no item reported any (the provider returned none). */
export function sumUsage(usages: Array<TokenUsage | undefined>): TokenUsage | null {
  const present = usages.filter((u): u is TokenUsage => u !== undefined);
  if (present.length === 0) return null;
  return present.reduce(
    (acc, u) => ({
      inputTokens: acc.inputTokens + u.inputTokens,
      outputTokens: acc.outputTokens + u.outputTokens,
      totalTokens: acc.totalTokens + u.totalTokens,
    }),
    { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
  );
}

const roundMs = (ms: number): number => Math.round(ms * 10) / 10;

/** Dialogues with all their turns among the results, each as passed or not. */
function dialogueVerdicts(results: ItemResult[]): boolean[] {
  const turns = new Map<string, ItemResult[]>();
  for (const result of results) {
    const dialogue = result.item.dialogue;
    if (dialogue) turns.set(dialogue.id, [...(turns.get(dialogue.id) ?? []), result]);
  }
  return [...turns.values()].filter((group) => group.length === group[0]!.item.dialogue!.turns).map((group) => group.every((r) => r.score.ok));
}

/** Aggregates item results; accuracies over an empty group are 0 (tool/call) or null (the rest). */
export function summarize(results: ItemResult[]): Summary {
  const total = results.length;
  const share = (count: number): number => (total === 0 ? 0 : count / total);
  const latencies = results.map((r) => r.outcome.latencyMs);
  const answer = fraction(results.map((r) => r.score.answer));
  const abstain = fraction(results.map((r) => r.score.abstain));
  const sequence = fraction(results.map((r) => r.score.sequence));
  const dialogues = fraction(dialogueVerdicts(results));
  const exactOfExpected = fraction(results.map((r) => (r.item.expected === null ? null : r.score.made === "exact")));
  return {
    total,
    toolAccuracy: share(results.filter((r) => r.score.tool).length),
    callAccuracy: share(results.filter((r) => r.score.call).length),
    answerAccuracy: answer.value,
    p50Ms: roundMs(percentile(latencies, 50)),
    p95Ms: roundMs(percentile(latencies, 95)),
    abstainAccuracy: abstain.value,
    sequenceAccuracy: sequence.value,
    passed: results.filter((r) => r.score.ok).length,
    errors: results.filter((r) => r.outcome.error !== undefined).length,
    answerTotal: answer.n,
    abstainTotal: abstain.n,
    sequenceTotal: sequence.n,
    dialogueAccuracy: dialogues.value,
    dialogueTotal: dialogues.n,
    exactRate: share(results.filter((r) => r.score.made === "exact").length),
    wrongRate: share(results.filter((r) => r.score.made === "wrong").length),
    noCallRate: share(results.filter((r) => r.score.made === "none").length),
    exactOfExpected: exactOfExpected.value,
    expectedCallTotal: exactOfExpected.n,
    usage: sumUsage(results.map((r) => r.outcome.usage)),
  };
}

function summarizeBy(results: ItemResult[], key: (result: ItemResult) => string | undefined): Record<string, Summary> {
  const groups = new Map<string, ItemResult[]>();
  for (const result of results) {
    const name = key(result);
    if (name === undefined) continue;
    const group = groups.get(name) ?? [];
    group.push(result);
    groups.set(name, group);
  }
  return Object.fromEntries([...groups].map(([name, group]) => [name, summarize(group)]));
}

/** {@link summarize} per category, categories in order of first appearance. */
export function summarizeByCategory(results: ItemResult[]): Record<string, Summary> {
  return summarizeBy(results, (r) => r.item.category);
}

/**
 * {@link summarize} per position of a turn in its dialogue ("turn 1", "turn 2", …), in that order;
 * questions outside dialogues are left out, so the result is empty for a dataset without dialogues.
 */
export function summarizeByTurn(results: ItemResult[]): Record<string, Summary> {
  const ordered = [...results].filter((r) => r.item.dialogue).sort((a, b) => a.item.dialogue!.turn - b.item.dialogue!.turn);
  return summarizeBy(ordered, (r) => `turn ${r.item.dialogue!.turn}`);
}

const byLabel = (a: string, b: string): number => {
  const rank = (label: string): number => (label === NONE ? 1 : label === ERROR ? 2 : 0);
  return rank(a) - rank(b) || a.localeCompare(b);
};

/** Counts of expected tool (rows) against chosen tool (columns), `none` for no call. */
export function confusionMatrix(results: ItemResult[]): ConfusionMatrix {
  const counts: Record<string, Record<string, number>> = {};
  const chosen = new Set<string>();
  for (const { score } of results) {
    const row = (counts[score.expectedTool] ??= {});
    row[score.chosenTool] = (row[score.chosenTool] ?? 0) + 1;
    chosen.add(score.chosenTool);
  }
  return { expected: Object.keys(counts).sort(byLabel), chosen: [...chosen].sort(byLabel), counts };
}
