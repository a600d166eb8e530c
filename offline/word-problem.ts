import { isKindOf } from "./facts.js";
import { findNumbers, type NumberMention } from "./numbers.js";
import { asksForStart, takesAway } from "./beyond.js";
import type { AnswerShape, ArithmeticPlan, Operation, PlanStep } from "./plan.js";
import type { Candidate, Multiplier, ProblemReader, Quantity, Target } from "./quantities.js";
import { candidates as readingsOf, continuation, mismatched, takeaway as takeawayPlan } from "./readings.js";
import type { Token } from "./text.js";
import {
  QUESTION_WORDS,
  UNIT_STOP,
  ADJECTIVES,
  GROUPS,
  MONEY,
  TIME,
  LENGTH,
  WEIGHT,
  DIMENSIONS,
  MULTIPLIER_FOLLOWERS,
  EVENT_TIMES,
  PRONOUNS,
  RATE_VERBS,
  PAST_OR_OTHER_VERBS,
  BASE_VERBS,
  CONTEXT_IGNORED,
  isWord,
  noun,
  stem,
  sameNoun,
  sentences,
  family,
  isMeasure,
  subjectNoun,
  rateVerbFollows,
} from "./vocabulary.js";

/**
 * Reads an arithmetic word problem ("Each bag holds 23 pounds. How many pounds are in 45 bags?")
 * and finds the operation and the two operands it asks for.
 *
 * Quantities are numbers with the noun they count. A rate is a quantity tied to "each/per/every/a X";
 * it multiplies with a quantity that counts X. "N times as many", areas, perimeters and unit facts
 * (days → hours, dozens, legs of a spider) are multiplicative too. Otherwise the two quantities that
 * best match what the question counts (its noun, adjectives and the other words it uses) are added,
 * which also covers inverse wording ("after giving away 9 he had 12 left; how many at the start?").
 * Each reading gets a score; the best one wins.
 */

/** What the reader saw in a word problem: its quantities, the question's target and the ranked readings. */
export interface WordProblemTrace {
  quantities: Array<Pick<Quantity, "value" | "head" | "modifiers" | "ofNoun" | "per" | "inherited" | "more" | "than" | "weak" | "inAsk">>;
  target: Omit<Target, "words">;
  candidates: Candidate[];
}

/**
 * The plan for a word problem, the operation it needs when the tools' two cannot solve it, or
 * undefined when the text is not one this reader understands.
 */
export function solveWordProblem(tokens: readonly Token[]): ArithmeticPlan | { needs: Operation } | undefined {
  const { plan, needs } = readWordProblem(tokens);
  return needs ? { needs } : plan;
}

/** Like `solveWordProblem`, with what the reader saw; the dev eval prints it for failures. */
export function traceWordProblem(tokens: readonly Token[]): WordProblemTrace {
  return readWordProblem(tokens).trace;
}

function readWordProblem(tokens: readonly Token[]): { plan?: ArithmeticPlan; needs?: Operation; trace: WordProblemTrace } {
  const reader = new Reader(tokens);
  const candidates = readingsOf(reader);
  candidates.sort((x, y) => y.score - x.score);
  const trace: WordProblemTrace = {
    quantities: reader.quantities.map(({ value, head, modifiers, ofNoun, per, inherited, more, than, weak, inAsk }) => ({
      value,
      head,
      modifiers,
      ofNoun,
      per,
      inherited,
      more,
      than,
      weak,
      inAsk,
    })),
    target: {
      head: reader.target.head,
      ofNoun: reader.target.ofNoun,
      modifiers: reader.target.modifiers,
      kind: reader.target.kind,
      context: reader.target.context,
      contextWeight: reader.target.contextWeight,
    },
    candidates,
  };
  const best = candidates[0];
  if (!best || mismatched(reader, best)) return { trace };
  const value = (id: number) => (id >= 0 ? reader.quantities[id]!.value : -id);
  const takeaway = takeawayPlan(reader, best, candidates);
  if (takeaway) return { plan: takeaway, trace };
  if (best.op === "add" && takenAway(reader, best)) return { needs: "subtract", trace };
  const steps: PlanStep[] = best.convertB
    ? [
        { op: "multiply", operands: [{ value: value(best.b) }, { value: best.convertB }] },
        { op: best.op, operands: [{ value: value(best.a) }, { step: 0 }] },
      ]
    : [{ op: best.op, operands: [{ value: value(best.a) }, { value: value(best.b) }] }];
  const cues = [...best.cues];
  const extra = best.convertB ? undefined : continuation(reader, best);
  if (extra) {
    steps.push({ op: "add", operands: [{ step: steps.length - 1 }, { value: extra.value }] });
    cues.push(`then + ${extra.value}`);
  }
  const answer: AnswerShape = extra ? { kind: "quantity", noun: reader.target.head ?? extra.head } : best.answer;
  return { plan: { steps, cues, answer }, trace };
}

/**
 * A quantity the sum leaves out was taken away ("gives away 5") and the question asks what there is
 * after it, not what there was at the start: the sum would be wrong, the answer needs a subtraction.
 */
function takenAway(reader: Reader, best: Candidate): boolean {
  const ask = reader.tokens.slice(reader.askStart, reader.askEnd).map((t) => t.lower);
  if (asksForStart(ask)) return false;
  return reader.quantities.some((q, n) => {
    if (q.weak || q.inAsk || q.id === best.a || q.id === best.b || reader.relevance(q) < 0) return false;
    const previous = reader.quantities[n - 1];
    const from = previous && previous.sentence === q.sentence ? previous.phraseEnd : reader.sentenceOf.indexOf(q.sentence);
    return takesAway(reader.tokens.slice(from, q.mention.start).map((t) => t.lower), ask);
  });
}

export class Reader implements ProblemReader {
  readonly sentenceOf: number[];
  readonly quantities: Quantity[] = [];
  readonly multipliers: Multiplier[] = [];
  readonly target: Target;
  private readonly questionSentence: number;
  readonly askStart: number;
  readonly askEnd: number;
  private readonly mentions: NumberMention[];
  /** Token indices that belong to a written number. */
  readonly numberAt = new Set<number>();

  constructor(readonly tokens: readonly Token[]) {
    this.sentenceOf = sentences(tokens);
    this.mentions = findNumbers(tokens);
    for (const m of this.mentions) for (let i = m.start; i < m.end; i++) this.numberAt.add(i);
    const last = this.sentenceOf.at(-1) ?? 0;
    let question = last;
    for (let s = last; s >= 0; s--) {
      const first = this.sentenceOf.indexOf(s);
      const hasMark = tokens.some((t, i) => this.sentenceOf[i] === s && t.text === "?");
      if (hasMark || QUESTION_WORDS.has(tokens[first]?.lower ?? "")) {
        question = s;
        break;
      }
    }
    this.questionSentence = question;
    const start = this.sentenceOf.indexOf(question);
    this.askEnd = this.sentenceOf.lastIndexOf(question) + 1;
    let ask = start;
    for (let i = start; i < this.askEnd; i++) {
      if (QUESTION_WORDS.has(tokens[i]!.lower)) {
        ask = i;
        break;
      }
    }
    this.askStart = ask;
    this.target = this.readTarget();
    this.readQuantities();
    this.markRates();
  }

  word(i: number): string {
    return this.tokens[i]?.lower ?? "";
  }

  // ---- the question ---------------------------------------------------------------------------

  private readTarget(): Target {
    const ask = this.tokens.slice(this.askStart, this.askEnd);
    const lower = ask.map((t) => t.lower);
    const text = ` ${lower.join(" ")} `;
    const target: Target = { modifiers: [], context: [], contextWeight: new Map(), words: new Set() };
    const phrase = (from: number) => {
      const words: string[] = [];
      let k = from;
      while (k < ask.length && words.length < 3 && isWord(ask[k])) {
        const w = ask[k]!.lower;
        if (/^(?:more|fewer|less|total|whole|combined|different|in)$/.test(w) && words.length === 0) {
          k++;
          continue;
        }
        if (w === "of" && words.length > 0) {
          let m = k + 1;
          while (isWord(ask[m]) && /^(?:the|his|her|their|a|an|its)$/.test(ask[m]!.lower)) m++;
          const inner: string[] = [];
          while (isWord(ask[m]) && !UNIT_STOP.has(ask[m]!.lower) && inner.length < 3) inner.push(ask[m++]!.lower);
          if (inner.length > 0) {
            target.ofNoun = noun(inner.at(-1)!);
            target.modifiers.push(...inner.slice(0, -1).map(noun));
          }
          break;
        }
        if (UNIT_STOP.has(w)) break;
        words.push(w);
        k++;
      }
      if (words.length > 0) {
        target.head = noun(words.at(-1)!);
        target.modifiers.push(...words.slice(0, -1).map(noun));
      }
    };
    const many = lower.findIndex((w, n) => w === "how" && (lower[n + 1] === "many" || lower[n + 1] === "much"));
    if (many !== -1) {
      phrase(many + 2);
      if (lower[many + 1] === "much" && (!target.head || MONEY.has(target.head))) {
        if (/ (?:spend|spent|cost|costs|pay|paid|earn|earned|make|made|charge|save|saved|worth|value|money|raise|raised|owe|sell) /.test(text) || target.head === "money") {
          target.kind = "money";
        }
      }
    } else if (/ how far /.test(text)) target.kind = "distance";
    else if (/ how long /.test(text)) target.kind = / (?:take|took|takes|spend|spent|last|wait|study|studied|ride|run) /.test(text) ? "time" : "length";
    else if (/ how old /.test(text)) target.kind = "age";
    else if (/ how (?:tall|high|deep|wide) /.test(text)) target.kind = "length";
    else if (/ how heavy /.test(text)) target.kind = "weight";
    else {
      const the = lower.findIndex((w, n) => /^(?:the|its|their|his|her)$/.test(w) && n > 0);
      if (the !== -1) phrase(lower[the + 1] === "number" && lower[the + 2] === "of" ? the + 3 : the + 1);
    }
    if (lower.includes("area") || / square (?:feet|foot|meters|centimeters|inches|miles|yards|kilometers|units) /.test(text)) target.kind = "area";
    if (lower.includes("perimeter")) target.kind = "perimeter";
    if (target.head && MONEY.has(target.head)) target.kind = "money";
    // "the total weight", "its height", "the combined length"
    const kindOfNoun: Record<string, Target["kind"]> = { weight: "weight", height: "length", length: "length", width: "length", distance: "distance", age: "age" };
    if (target.head && kindOfNoun[target.head] && !target.kind) target.kind = kindOfNoun[target.head];
    if (target.head && TIME.has(target.head) && !target.kind) target.kind = "time";
    if (target.head === "distance") target.kind = "distance";
    const ignored = new Set([target.head, target.ofNoun, ...target.modifiers]);
    for (const t of ask) {
      if (!isWord(t)) continue;
      target.words.add(noun(t.lower));
      const s = stem(t.lower);
      if (t.lower.length > 2 && !CONTEXT_IGNORED.has(t.lower) && !ignored.has(noun(t.lower)) && !target.context.includes(s)) {
        target.context.push(s);
        // Names are usually the subject of every sentence; what happened matters more.
        target.contextWeight.set(s, /^\p{Lu}/u.test(t.text) ? 0.5 : 1);
      }
    }
    return target;
  }

  // ---- quantities ---------------------------------------------------------------------------

  private readQuantities(): void {
    const tokens = this.tokens;
    for (const mention of this.mentions) {
      const sentence = this.sentenceOf[mention.start]!;
      const before = this.word(mention.start - 1);
      const after = this.word(mention.end);
      if (mention.kind === "multiplier" || mention.kind === "half") {
        const label = mention.kind === "half" ? "half" : tokens[mention.start]!.lower;
        // "half of the cost" halves; "in the first half" names a part.
        const halving = mention.kind !== "half" || (/^(?:of|as|the|his|her|their|its|that|what)$/.test(after) && !/^(?:first|second|last|other|the|a)$/.test(before));
        if (halving && this.multiplierApplies(mention.end)) this.multipliers.push({ factor: mention.value, index: mention.start, sentence, label });
        continue;
      }
      if (mention.kind === "ordinal") {
        // "on your 11th birthday": an age
        if (after === "birthday") this.add(mention, sentence, { head: "year", modifiers: [], end: mention.end + 1 });
        continue;
      }
      if (after === "times") {
        const follower = this.word(mention.end + 1);
        const eventTime = /^(?:this|that|last|next|every|each|a|per|in|on|during)$/.test(follower) && EVENT_TIMES.has(noun(this.word(mention.end + 2)));
        if (MULTIPLIER_FOLLOWERS.has(follower) && !eventTime && this.target.head !== "time" && this.multiplierApplies(mention.end + 1)) {
          this.multipliers.push({ factor: mention.value, index: mention.start, sentence, label: `${mention.value} times` });
          continue;
        }
      }
      if (/^(?:%|percent|o'clock|pm|am|a\.m|p\.m)$/.test(after)) continue;
      if (after === "times") {
        // "goes to the fountain four times": a count of events.
        const q = this.add(mention, sentence, { head: "time", modifiers: [], end: mention.end + 1 });
        q.inAsk = q.inAsk || false;
        continue;
      }
      if (mention.value >= 1900 && mention.value <= 2100 && !mention.money && /^(?:in|of|since|year)$/.test(before)) continue;

      const phrase = mention.glued ? { head: noun(mention.glued), modifiers: [], end: mention.end, more: false } : this.nounPhrase(mention.end, sentence);
      const q = this.add(mention, sentence, phrase);
      q.more = phrase.more || before === "another" || after === "more";
      if (mention.money || before === "$") q.money = true;
      if (q.money && (!q.head || q.head === "bill")) {
        if (q.head === "bill" || /^bills?$/.test(this.word(q.phraseEnd))) q.per = "bill";
        q.head = "dollar";
      }
      if (q.head === "bill" && q.modifiers.includes("dollar")) {
        q.head = "dollar";
        q.per = "bill";
      }
      if (q.head === "dollar" || q.head === "cent" || q.head === "buck") q.money = true;
      if (q.head === "dollar" && /^bills?$/.test(this.word(q.phraseEnd))) q.per = "bill";
      if (DIMENSIONS.has(this.word(q.phraseEnd))) q.dimension = this.word(q.phraseEnd);
      // "a rectangle with length 5 and width 3", "a base of 10 m"
      const named = [before, this.word(mention.start - 2)].find((w) => /^(?:length|width|breadth|height|side|base|depth)$/.test(w));
      if (named && !q.dimension) {
        q.dimension = named;
        if (!q.head || q.inherited) {
          q.head = "unit";
          q.inherited = false;
        }
      }
      for (let k = mention.end; k < Math.min(q.phraseEnd + 8, tokens.length) && this.sentenceOf[k] === sentence; k++) {
        if (this.word(k) === "than") {
          let m = k + 1;
          while (/^(?:the|that|what|his|her|their)$/.test(this.word(m)) && isWord(tokens[m + 1])) m++;
          q.than = this.word(k + 1) === "that" || this.word(k + 1) === "the" && this.word(k + 2) === "usual" ? "that" : stem(this.word(m));
          break;
        }
      }
      // A spelled "one"/"a" sets up a rate or a contrast ("to bake one pan", "on one side"), rarely an operand.
      q.weak = (mention.value === 1 && mention.spelled && !q.money) || /^(?:numbers|integers)$/.test(after);
    }
    this.repairAdjectiveHeads();
    this.inheritUnits();
    this.readClauses();
  }

  private add(
    mention: NumberMention,
    sentence: number,
    phrase: { head?: string; modifiers: string[]; ofNoun?: string; ofModifiers?: string[]; end: number },
  ): Quantity {
    const q: Quantity = {
      id: this.quantities.length,
      value: mention.value,
      mention,
      sentence,
      head: phrase.head,
      inherited: false,
      modifiers: phrase.modifiers,
      ofNoun: phrase.ofNoun,
      ofModifiers: phrase.ofModifiers ?? [],
      money: mention.money,
      pairedRate: false,
      more: false,
      phraseEnd: phrase.end,
      inAsk: mention.start >= this.askStart && mention.start < this.askEnd,
      inQuestionSentence: sentence === this.questionSentence,
      weak: false,
      clause: new Set(),
      sentenceWords: new Set(),
    };
    this.quantities.push(q);
    return q;
  }

  /** "twice as many robots", "3 times the price": valid unless the compared noun is unrelated ("double the work"). */
  private multiplierApplies(next: number): boolean {
    let k = next;
    while (/^(?:as|many|much|the|that|more|times|a|an|of|what)$/.test(this.word(k))) k++;
    const compared = this.tokens[k];
    if (!isWord(compared) || UNIT_STOP.has(compared.lower) || /(?:er|ed)$/.test(compared.lower)) return true;
    const n = noun(compared.lower);
    if (this.target.head && (sameNoun(n, this.target.head) || sameNoun(n, this.target.ofNoun))) return true;
    if (this.target.kind === "money" && MONEY.has(n)) return true;
    return this.tokens.some((t, i) => i !== k && isWord(t) && noun(t.lower) === n);
  }

  /** The noun phrase after a number: modifiers, head and an "of" noun ("23 pounds of oranges"). */
  private nounPhrase(
    start: number,
    sentence: number,
  ): { head?: string; modifiers: string[]; ofNoun?: string; ofModifiers: string[]; end: number; more: boolean } {
    const tokens = this.tokens;
    // "a 4-day weekend": the number counts days.
    if (tokens[start]?.text === "-" && tokens[start - 1]?.end === tokens[start]!.start && isWord(tokens[start + 1]) && tokens[start + 1]!.start === tokens[start]!.end) {
      return { head: noun(tokens[start + 1]!.lower), modifiers: [], ofModifiers: [], end: start + 2, more: false };
    }
    const words: string[] = [];
    let more = false;
    let k = start;
    while (k < tokens.length && this.sentenceOf[k] === sentence && words.length < 3 && !this.numberAt.has(k)) {
      const token = tokens[k]!;
      if (token.kind !== "word") {
        if (token.text === "-" && words.length > 0) {
          k++;
          continue;
        }
        break;
      }
      const w = token.lower;
      if (words.length === 0 && /^(?:more|additional|extra|other|different|fewer|less)$/.test(w)) {
        more ||= w !== "other" && w !== "different";
        k++;
        continue;
      }
      // "86 old games": an adjective that is also a stop word ("years old") when a noun follows.
      const adjectiveBeforeNoun = ADJECTIVES.has(w) && isWord(tokens[k + 1]) && !UNIT_STOP.has(tokens[k + 1]!.lower);
      if ((UNIT_STOP.has(w) && !adjectiveBeforeNoun) || (words.length > 0 && (RATE_VERBS.has(w) || PAST_OR_OTHER_VERBS.has(w) || BASE_VERBS.has(w)))) break;
      // After a noun an "-ed"/"-ing" word is a verb ("46 birds perched"); first, an adjective ("stuffed toys").
      if (words.length > 0 && /(?:ed|ing|ly)$/.test(w) && !ADJECTIVES.has(w)) break;
      if (words.length === 0 && /(?:ed|ing)$/.test(w) && !ADJECTIVES.has(w) && (!isWord(tokens[k + 1]) || UNIT_STOP.has(tokens[k + 1]!.lower))) break;
      words.push(w);
      k++;
    }
    // "9 five dollar bills": the count takes the noun of the denomination after it.
    if (words.length === 0 && this.numberAt.has(k)) {
      let m = k;
      while (this.numberAt.has(m)) m++;
      const denomination = this.nounPhrase(m, sentence);
      if (denomination.head === "bill") return { ...denomination, modifiers: [], end: k };
    }
    // "a family of 5", "a group of 8": people.
    if (words.length === 0 && this.word(start - 2) === "of" && GROUPS.has(noun(this.word(start - 3)))) {
      return { head: "person", modifiers: [], ofModifiers: [], end: start, more };
    }
    // "11 are boys": the noun after the verb.
    if (words.length === 0 && /^(?:are|were)$/.test(this.word(k)) && isWord(tokens[k + 1]) && !UNIT_STOP.has(this.word(k + 1))) {
      return { head: noun(this.word(k + 1)), modifiers: [], ofModifiers: [], end: k + 2, more };
    }
    let ofNoun: string | undefined;
    let ofModifiers: string[] = [];
    let end = k;
    if (this.word(k) === "of" && this.sentenceOf[k + 1] === sentence) {
      let m = k + 1;
      // "pieces of $50 dollar bills", "sacks of the ripe oranges"
      while (m < tokens.length && (/^(?:the|his|her|their|a|an|its|my|your|our|this|that|these|those|\$)$/.test(tokens[m]!.lower) || this.numberAt.has(m))) m++;
      const inner: string[] = [];
      while (isWord(tokens[m]) && !UNIT_STOP.has(tokens[m]!.lower) && inner.length < 3) inner.push(tokens[m++]!.lower);
      if (inner.length > 0) {
        ofNoun = noun(inner.at(-1)!);
        ofModifiers = inner.slice(0, -1).map(noun);
        end = m;
      }
    }
    // "9 dozen golf balls": dozens of balls.
    if ((words[0] === "dozen" || words[0] === "pair" || words[0] === "pairs") && words.length > 1) {
      return { head: noun(words[0]), modifiers: [], ofNoun: noun(words.at(-1)!), ofModifiers: words.slice(1, -1).map(noun), end, more };
    }
    const head = words.length > 0 ? noun(words.at(-1)!) : undefined;
    return { head, modifiers: words.slice(0, -1).map(noun), ofNoun, ofModifiers, end, more };
  }

  /** "3 green and 5 red marbles": the first number counts green marbles. */
  private repairAdjectiveHeads(): void {
    for (const q of this.quantities) {
      if (!q.head || !ADJECTIVES.has(q.head) || q.modifiers.length > 0) continue;
      const next = this.quantities.find((n) => n.mention.start > q.mention.start && n.sentence === q.sentence && n.head && !ADJECTIVES.has(n.head));
      if (next && this.word(q.phraseEnd) === "and") {
        q.modifiers = [q.head];
        q.head = next.head;
        q.ofNoun = next.ofNoun;
      }
    }
  }

  /** "bought 8 DVDs at the store and two online": the two are DVDs too. */
  private inheritUnits(): void {
    this.quantities.forEach((q, n) => {
      if (q.head) return;
      const previous = this.quantities
        .slice(0, n)
        .reverse()
        .find((p) => p.head && !p.inherited && p.per === undefined);
      if (previous) {
        q.head = previous.head;
        q.modifiers = previous.modifiers;
        q.ofNoun = previous.ofNoun;
        q.money ||= previous.money;
        q.inherited = true;
      } else if (this.target.head) {
        q.head = this.target.head;
        q.inherited = true;
      }
    });
  }

  /** The words around each quantity, up to its neighbours, and the words of its sentence. */
  private readClauses(): void {
    for (const q of this.quantities) {
      const siblings = this.quantities.filter((o) => o.sentence === q.sentence);
      const index = siblings.indexOf(q);
      const sentenceStart = this.sentenceOf.indexOf(q.sentence);
      const sentenceEnd = this.sentenceOf.lastIndexOf(q.sentence) + 1;
      const from = index > 0 ? siblings[index - 1]!.phraseEnd : sentenceStart;
      const to = index < siblings.length - 1 ? siblings[index + 1]!.mention.start : sentenceEnd;
      for (let i = sentenceStart; i < sentenceEnd; i++) {
        const token = this.tokens[i]!;
        // The question's own words would match every quantity of its sentence.
        if (!isWord(token) || (i >= this.askStart && i < this.askEnd)) continue;
        const s = stem(token.lower);
        q.sentenceWords.add(s);
        if (i >= from && i < to) q.clause.add(s);
      }
    }
  }

  // ---- rates ----------------------------------------------------------------------------------

  /** Marks rates: "9 people per teacup", "each bag contains 23 pounds", "$60 each", "A bee has 6 legs". */
  private markRates(): void {
    const tokens = this.tokens;
    for (const q of this.quantities) {
      if (q.per) continue;
      let k = q.phraseEnd;
      const w = (n: number) => this.word(n);
      if (w(k) === "each" || w(k) === "apiece") {
        // "four tires each for $60": the price is per tire.
        const price = /^(?:for|at|costing)$/.test(w(k + 1)) ? this.quantities.find((p) => p.mention.start > k && p.mention.start <= k + 3) : undefined;
        if (price) price.per = q.head ?? "?";
        else if (w(k + 1) !== "of") q.per = "?";
        continue;
      }
      // "6 students were sitting at each table", "9 minutes going around each exhibit"
      for (let scan = k; scan < k + 5 && this.sentenceOf[scan] === q.sentence && !this.numberAt.has(scan); scan++) {
        if (/^(?:each|every|per)$/.test(w(scan))) {
          k = scan;
          break;
        }
        if (!isWord(tokens[scan]) || /^(?:and|but|or|than|if|when)$/.test(w(scan))) break;
      }
      if ((w(k) === "each" || w(k) === "every" || w(k) === "per") && isWord(tokens[k + 1])) {
        if (w(k + 1) === "of") {
          // "2 crackers to each of his 11 friends": the rate is per friend, and the 11 counts them.
          const count = this.quantities.find((c) => c.mention.start > k && c.mention.start <= k + 4);
          if (count?.head) q.per = count.head;
          else q.per = subjectNoun(tokens, k + 2 + (/^(?:the|his|her|their|its)$/.test(w(k + 2)) ? 1 : 0));
          continue;
        }
        const per = subjectNoun(tokens, k + 1);
        // "7 boxes with each box having 3 pieces": the marker belongs to the next quantity.
        if (per && !sameNoun(q.head, per)) q.per = per;
        continue;
      }
      // "60 km/h", "$15/hour"
      if (w(k) === "/" && isWord(tokens[k + 1])) {
        const unit = noun(w(k + 1)) === "h" ? "hour" : noun(w(k + 1));
        q.per = unit;
        continue;
      }
      // "12 miles an hour", "$8 a mile": "a" + a unit of measure, or a noun that ends the clause.
      if ((w(k) === "a" || w(k) === "an") && isWord(tokens[k + 1]) && this.sentenceOf[k + 1] === q.sentence) {
        const unit = noun(w(k + 1));
        if (isMeasure(unit) || !isWord(tokens[k + 2])) {
          q.per = unit;
          continue;
        }
      }
      // "4 apples to make 1 pie", "2 miles in 1 hour", "2 ounces to wash a pound of clothes"
      const rest = tokens.slice(q.phraseEnd, q.phraseEnd + 5);
      const one = rest.findIndex((t, n) => n > 0 && /^(?:a|an|one|1)$/.test(t.lower) && isWord(rest[n + 1]) && this.sentenceOf[q.phraseEnd + n] === q.sentence);
      if (one !== -1) {
        const unit = noun(rest[one + 1]!.lower);
        const article = rest[one]!.lower === "a" || rest[one]!.lower === "an";
        const lead = rest[one - 1]?.lower ?? "";
        const afterVerb = rest[one - 2]?.lower === "to";
        if ((afterVerb || /^(?:in|per|for|on)$/.test(lead)) && (article ? isMeasure(unit) || this.counted(unit) : lead !== "on")) {
          q.per = unit;
          continue;
        }
      }
      // "sells their t-shirts for $16", "bought an ice cream cone for 99 cents": a price per item
      if (q.money && w(q.mention.start - 1 - (tokens[q.mention.start - 1]?.text === "$" ? 1 : 0)) === "for") {
        const item = this.itemBefore(q.mention.start - (tokens[q.mention.start - 1]?.text === "$" ? 2 : 1));
        if (item && this.counted(item)) q.per = item;
      }
    }

    // Markers before the numbers. A later marker is closer to the quantities after it, so it wins.
    const fromMarker = new Set<Quantity>();
    for (let i = 0; i < tokens.length; i++) {
      const w = this.word(i);
      const sentence = this.sentenceOf[i];
      const starts = i === 0 || this.sentenceOf[i - 1] !== sentence || /^(?:if|when|and|,|that|\()$/.test(this.word(i - 1));
      const next = this.word(i + 1);
      let per: string | undefined;
      let single = false;
      if (w === "each" && (RATE_VERBS.has(next) || PAST_OR_OTHER_VERBS.has(next) || /^(?:have|had|ate|paid|get|got|received|receive|made|make|brought|bring|gave|give|bought|buy|took|take|wants|want|needs|need|ordered|order)$/.test(next))) {
        // "They each ate 8 pieces", "each paid $70": each of the subject.
        per = "?";
        single = true;
      } else if ((w === "each" || w === "every") && isWord(tokens[i + 1]) && next !== "of") per = subjectNoun(tokens, i + 1);
      else if (w === "each" && next === "of") {
        const third = this.word(i + 2);
        // "Each of the 28 students needs 3 notebooks": the 28 counts students, the 3 is per student.
        const count = this.quantities.find((q) => q.mention.start > i && q.mention.start <= i + 4);
        if (PRONOUNS.has(third)) per = "?";
        else if (count?.head) {
          const rate = this.quantities.find((q) => q.mention.start > count.phraseEnd - 1 && q.sentence === count.sentence && q !== count);
          if (rate && !rate.per) {
            rate.per = count.head;
            fromMarker.add(rate);
          }
          continue;
        } else if (/^(?:the|his|her|their|its)$/.test(third)) per = subjectNoun(tokens, i + 3);
        single = true;
      } else if ((w === "a" || w === "an" || w === "one") && starts && isWord(tokens[i + 1])) {
        per = subjectNoun(tokens, i + 1);
        // "A bee has 6 legs" states a rate, when bees are counted somewhere; "A school has 312 girls and
        // 298 boys", "A group of 8 friends" and "A chef used 15 apples" do not.
        if (!per || !rateVerbFollows(tokens, i + 1) || !this.counted(per, i)) continue;
        single = true;
      }
      if (!per) continue;
      for (const q of this.quantities) {
        if (q.mention.start <= i || this.sentenceOf[q.mention.start] !== sentence || (q.per && !fromMarker.has(q))) continue;
        if (sameNoun(q.head, per) && !q.inherited) break;
        q.per = per;
        fromMarker.add(q);
        if (single) break;
      }
    }

    // "1 mile every 15 minutes": 15 minutes per mile.
    for (const q of this.quantities) {
      if (q.value !== 1 || !q.head) continue;
      const next = this.quantities.find((n) => n.mention.start > q.mention.start && n.mention.start <= q.phraseEnd + 2);
      if (next && /^(?:every|in|per)$/.test(this.word(next.mention.start - 1))) {
        next.per = q.head;
        q.weak = true;
      }
    }
    // "3 packs of 12 eggs": 12 per pack.
    for (const q of this.quantities) {
      if (q.per || this.word(q.mention.start - 1) !== "of") continue;
      const container = this.quantities.find((c) => c !== q && c.phraseEnd >= q.mention.start - 1 && c.mention.end <= q.mention.start - 2 && c.head);
      if (container && noun(this.word(q.mention.start - 2)) === container.head) q.per = container.head;
    }
    // "140 groups of size 187": a size per group.
    for (const q of this.quantities) {
      if (this.word(q.mention.start - 1) === "size" && this.word(q.mention.start - 2) === "of") {
        q.per = noun(this.word(q.mention.start - 3));
        if (q.inherited) q.head = this.target.head;
      }
    }
    // "82 sacks of ripe and 61 sacks of unripe oranges per day": the rate covers both.
    this.quantities.forEach((q, n) => {
      const next = this.quantities[n + 1];
      if (!q.per && next?.per && next.per !== "?" && next.sentence === q.sentence && this.word(q.phraseEnd) === "and" && sameNoun(q.head, next.head)) {
        q.per = next.per;
      }
    });
    for (const q of this.quantities) {
      // "11 apples per apple" is no rate.
      if (q.per && q.per !== "?" && sameNoun(q.head, q.per)) q.per = undefined;
      if (q.per && q.per !== "?") q.pairedRate = this.quantities.some((c) => c !== q && !c.weak && (sameNoun(c.head, q.per) || sameNoun(c.ofNoun, q.per)));
    }
  }

  /** True when some quantity (other than one right after `except`) counts `unit`, or the question asks about it. */
  private counted(unit: string, except = -1): boolean {
    return (
      this.quantities.some((q) => (sameNoun(q.head, unit) || sameNoun(q.ofNoun, unit)) && !(q.mention.start > except && q.mention.start <= except + 2)) ||
      sameNoun(this.target.head, unit)
    );
  }

  /** The noun just before position `end` ("sells their t-shirts" → t-shirt). */
  private itemBefore(end: number): string | undefined {
    for (let k = end - 1; k >= Math.max(0, end - 3); k--) {
      const w = this.word(k);
      if (!isWord(this.tokens[k]) || UNIT_STOP.has(w)) continue;
      return noun(w);
    }
    return undefined;
  }

  // ---- what the readings share ----------------------------------------------------------------

  /** "roses, lilies, sunflowers and daisies" → 4: lists of three or more, with where they end. */
  lists(): Array<{ count: number; end: number; sentence: number }> {
    const found: Array<{ count: number; end: number; sentence: number }> = [];
    let items = 0;
    let itemWords = 0;
    let sawAnd = false;
    let afterComma = false;
    for (let i = 0; i <= this.tokens.length; i++) {
      const t = this.tokens[i];
      const w = t?.lower ?? ".";
      if (t && isWord(t) && !this.numberAt.has(i) && w !== "and" && w !== "or" && !/^(?:the|a|an)$/.test(w) && itemWords < 2) {
        if (itemWords === 0) items++;
        itemWords++;
        afterComma = false;
        continue;
      }
      if (w === "," && itemWords > 0) {
        itemWords = 0;
        afterComma = true;
        continue;
      }
      if ((w === "and" || w === "or") && (itemWords > 0 || afterComma) && items >= 2 && !sawAnd) {
        sawAnd = true;
        itemWords = 0;
        afterComma = false;
        continue;
      }
      afterComma = false;
      if (sawAnd && items >= 3 && itemWords > 0) found.push({ count: items, end: i, sentence: this.sentenceOf[i - 1] ?? 0 });
      items = 0;
      itemWords = 0;
      sawAnd = false;
      if (t && isWord(t) && !this.numberAt.has(i) && w !== "and" && w !== "or" && !/^(?:the|a|an)$/.test(w)) {
        items = 1;
        itemWords = 1;
      }
    }
    return found;
  }

  /** How well a quantity fits what the question counts: its noun, kind and adjectives. */
  relevance(q: Quantity): number {
    const target = this.target;
    const head = q.head;
    if (!head) return 0;
    let score = 0;
    const nouns = [target.head, target.ofNoun].filter((x): x is string => Boolean(x));
    if (nouns.some((t) => sameNoun(head, t)) || (q.ofNoun && nouns.some((t) => sameNoun(q.ofNoun, t)))) score += 2;
    else if (nouns.some((t) => isKindOf(head, t) || (q.ofNoun !== undefined && isKindOf(q.ofNoun, t)))) score += 2;
    else if (target.kind === "money" && (q.money || MONEY.has(head))) score += 2;
    else if (target.kind === "time" && TIME.has(head)) score += 2;
    else if ((target.kind === "distance" || target.kind === "length") && LENGTH.has(head)) score += 2;
    else if (target.kind === "weight" && WEIGHT.has(head)) score += 2;
    else if (target.kind === "age" && head === "year") score += 2;
    else if (nouns.length > 0 && !q.inherited) score -= 2;
    else if (target.kind && family(head) && family(head) !== KIND_FAMILY[target.kind]) score -= 2;
    if (target.ofNoun && q.ofNoun && !sameNoun(target.ofNoun, q.ofNoun) && !isKindOf(q.ofNoun, target.ofNoun)) score -= 2;
    if (target.modifiers.length > 0) {
      const own = [...q.modifiers, ...q.ofModifiers];
      const shared = own.filter((m) => target.modifiers.includes(m)).length;
      if (shared > 0) score += shared;
      else if (own.length > 0) score -= 2;
    }
    return Math.max(-3, Math.min(3, score));
  }

  /** The question's other words ("on monday", "learning chinese") found near the quantity. */
  context(q: Quantity): number {
    let score = 0;
    for (const word of this.target.context) {
      const weight = this.target.contextWeight.get(word) ?? 1;
      if (q.clause.has(word)) score += weight;
      else if (q.sentenceWords.has(word)) score += weight / 2;
    }
    return Math.min(3, score);
  }
}


const KIND_FAMILY: Record<NonNullable<Target["kind"]>, string | undefined> = {
  money: "money",
  time: "time",
  distance: "length",
  length: "length",
  age: "time",
  area: "length",
  perimeter: "length",
  weight: "weight",
};

export type { Candidate as WordProblemCandidate, Quantity, Target };
