import type { AnswerShape, Operation } from "./plan.js";
import type { NumberMention } from "./numbers.js";
import type { Token } from "./text.js";

/** The shapes the word-problem reader builds and the readings rank, shared without a cycle. */

export interface Quantity {
  id: number;
  value: number;
  mention: NumberMention;
  sentence: number;
  /** Singular head noun of what is counted ("pound"), possibly inherited from an earlier quantity. */
  head?: string;
  inherited: boolean;
  modifiers: string[];
  /** The noun after "of" (N units of X → X). */
  ofNoun?: string;
  /** Adjectives of the "of" noun. */
  ofModifiers: string[];
  money: boolean;
  /** The unit this is "per": "each bag", "per day", "an hour"; "?" when it is each of the subject. */
  per?: string;
  /** A rate whose unit another quantity counts. */
  pairedRate: boolean;
  /** "N more", "another N": a change. */
  more: boolean;
  /** "N more/fewer … than X": a comparison with X. */
  than?: string;
  /** N units long, wide, tall: a dimension. */
  dimension?: string;
  phraseEnd: number;
  inAsk: boolean;
  inQuestionSentence: boolean;
  /** A "1"/"one" that only sets up a rate (to make one X). */
  weak: boolean;
  clause: Set<string>;
  sentenceWords: Set<string>;
}

export interface Multiplier {
  factor: number;
  index: number;
  sentence: number;
  label: string;
}

export interface Target {
  head?: string;
  ofNoun?: string;
  /** Adjectives of the head and of the "of" noun. */
  modifiers: string[];
  kind?: "money" | "time" | "distance" | "length" | "age" | "area" | "perimeter" | "weight";
  /** Stems of the other content words of the question, with weights. */
  context: string[];
  contextWeight: Map<string, number>;
  words: Set<string>;
}

export interface Candidate {
  op: Operation;
  /** Quantity ids, or a negative number for a constant (a unit fact). */
  a: number;
  b: number;
  score: number;
  cues: string[];
  answer: AnswerShape;
  /** N X a day for M weeks: operand `b` is first converted (M × 7 days), as a step of its own. */
  convertB?: number;
}

/** What the noun-phrase reader needs: the tokens, their sentences and which of them are numbers. */
export interface PhraseReader {
  readonly tokens: readonly Token[];
  readonly sentenceOf: readonly number[];
  /** Token indices that belong to a written number. */
  readonly numberAt: ReadonlySet<number>;
  word(i: number): string;
}

/** What the rate marker and the scores need of the reader (implemented by `Reader` in word-problem.ts). */
export interface RateReader extends PhraseReader {
  readonly quantities: Quantity[];
  readonly target: Target;
  /** True when some quantity (other than one right after `except`) counts `unit`, or the question asks about it. */
  counted(unit: string, except?: number): boolean;
  /** The noun just before position `end`. */
  itemBefore(end: number): string | undefined;
}

/** What the readings need of the reader (implemented by `Reader` in word-problem.ts). */
export interface ProblemReader extends RateReader {
  readonly multipliers: Multiplier[];
  readonly askStart: number;
  readonly askEnd: number;
  lists(): Array<{ count: number; end: number; sentence: number }>;
  relevance(q: Quantity): number;
  context(q: Quantity): number;
}
