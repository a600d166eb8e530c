import { findNumbers, type NumberMention } from "./numbers.js";
import { nounPhrase } from "./phrases.js";
import type { Multiplier, ProblemReader, Quantity, Target } from "./quantities.js";
import { markRates } from "./rates.js";
import { context, lists, relevance } from "./relevance.js";
import { readTarget } from "./target.js";
import type { Token } from "./text.js";
import { ADJECTIVES, DIMENSIONS, EVENT_TIMES, isWord, MONEY, MULTIPLIER_FOLLOWERS, noun, QUESTION_WORDS, sameNoun, sentences, stem, UNIT_STOP } from "./vocabulary.js";

/**
 * A word problem as quantities: each number with the noun it counts, its sentence and clause, the
 * rate it states, and the question's target; the readings (`readings.ts`) pair them up.
 */
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
    this.target = readTarget(tokens, this.askStart, this.askEnd);
    this.readQuantities();
    markRates(this);
  }

  word(i: number): string {
    return this.tokens[i]?.lower ?? "";
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
        // "half of" halves; "the first half" names a part.
        const halving = mention.kind !== "half" || (/^(?:of|as|the|his|her|their|its|that|what)$/.test(after) && !/^(?:first|second|last|other|the|a)$/.test(before));
        if (halving && this.multiplierApplies(mention.end)) this.multipliers.push({ factor: mention.value, index: mention.start, sentence, label });
        continue;
      }
      if (mention.kind === "ordinal") {
        // An ordinal before "birthday": an age
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
        // N times after a verb: a count of events.
        const q = this.add(mention, sentence, { head: "time", modifiers: [], end: mention.end + 1 });
        q.inAsk = q.inAsk || false;
        continue;
      }
      if (mention.value >= 1900 && mention.value <= 2100 && !mention.money && /^(?:in|of|since|year)$/.test(before)) continue;

      const phrase = mention.glued ? { head: noun(mention.glued), modifiers: [], end: mention.end, more: false } : nounPhrase(this, mention.end, sentence);
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
      // A dimension named before the number: length N, a base of N.
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
      // A spelled "one"/"a" sets up a rate or a contrast, rarely an operand.
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

  /** "twice as many X", "N times the Y": valid unless the compared noun is unrelated to any quantity. */
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


  /** N <adjective> and M <adjective> Xs: the first number counts Xs too. */
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

  /** A number with no noun counts what the quantity before it counts. */
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


  /** True when some quantity (other than one right after `except`) counts `unit`, or the question asks about it. */
  counted(unit: string, except = -1): boolean {
    return (
      this.quantities.some((q) => (sameNoun(q.head, unit) || sameNoun(q.ofNoun, unit)) && !(q.mention.start > except && q.mention.start <= except + 2)) ||
      sameNoun(this.target.head, unit)
    );
  }

  /** The noun just before position `end`, skipping stop words. */
  itemBefore(end: number): string | undefined {
    for (let k = end - 1; k >= Math.max(0, end - 3); k--) {
      const w = this.word(k);
      if (!isWord(this.tokens[k]) || UNIT_STOP.has(w)) continue;
      return noun(w);
    }
    return undefined;
  }

  // ---- what the readings share ----------------------------------------------------------------

  lists(): Array<{ count: number; end: number; sentence: number }> {
    return lists(this);
  }

  relevance(q: Quantity): number {
    return relevance(this, q);
  }

  context(q: Quantity): number {
    return context(this, q);
  }
}

