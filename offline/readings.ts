import { conversionFactor, partCount, sidesOf } from "./facts.js";
import type { ArithmeticPlan } from "./plan.js";
import { pluralize, singular } from "./text.js";
import { LENGTH, PRONOUNS, sameNoun } from "./vocabulary.js";
import type { Candidate, ProblemReader as Reader, Quantity } from "./quantities.js";

/**
 * The readings of a word problem: each possible operation with its two operands and a score for how
 * well the text supports it. Multiplicative structures (rates with a matching count, "N times as
 * many", areas, unit facts) score above the additive reading unless the text points elsewhere.
 */

/**
 * An addition of two quantities that both measure something other than what the question asks
 * (a distance and a speed, asked for a time) is a division in disguise, not a sum.
 */
export function mismatched(problem: Reader, best: Candidate): boolean {
  if (best.op !== "add" || !problem.target.kind) return false;
  const operands = [best.a, best.b].map((id) => problem.quantities[id]!);
  return operands.every((q) => !q.inherited && problem.relevance(q) < 0);
}

/**
 * What is left after taking away is a subtraction, after a multiplication when the problem first
 * builds the total (N packages of M). Asking how
 * many there were at the start is addition instead, and is not this.
 */
export function takeaway(problem: Reader, best: Candidate, candidates: Candidate[]): ArithmeticPlan | undefined {
  const ask = problem.tokens.slice(problem.askStart, problem.askEnd).map((t) => t.lower);
  const text = ` ${ask.join(" ")} `;
  if (!/ (?:left|remain|remains|remaining) /.test(text) || / (?:start|started|begin|beginning|originally|original|before|first|initially) /.test(text)) return undefined;
  const usable = problem.quantities.filter((q) => !q.weak);
  const value = (id: number) => (id >= 0 ? problem.quantities[id]!.value : -id);
  if (best.op === "multiply" && best.score >= 9) {
    const used = [best.a, best.b];
    const rest = usable.filter((q) => !used.includes(q.id) && q.mention.start > Math.max(...used.filter((id) => id >= 0).map((id) => problem.quantities[id]!.mention.start)));
    const taken = rest.find((q) => problem.relevance(q) >= 0);
    if (!taken) return undefined;
    return {
      steps: [
        { op: "multiply", operands: [{ value: value(best.a) }, { value: value(best.b) }] },
        { op: "subtract", operands: [{ step: 0 }, { value: taken.value }] },
      ],
      cues: [...best.cues, `"left" → minus ${taken.value}`],
      answer: { kind: "quantity", noun: problem.target.head ?? taken.head },
    };
  }
  const pair = candidates.find((c) => c.op === "add");
  if (!pair) return undefined;
  const [first, second] = [problem.quantities[pair.a]!, problem.quantities[pair.b]!].sort((x, y) => x.mention.start - y.mention.start);
  return {
    steps: [{ op: "subtract", operands: [{ value: first!.value }, { value: second!.value }] }],
    cues: [`"left" → ${first!.value} minus ${second!.value}`],
    answer: { kind: "quantity", noun: problem.target.head ?? first!.head },
  };
}

/**
 * A second step the text spells out after the first one: N packs of M X "and then" K more X,
 * N days "plus" M hours. Only an explicit "then"/"plus" and a quantity of what the
 * question counts qualify, so single-step problems stay single-step.
 */
export function continuation(problem: Reader, best: Candidate): Quantity | undefined {
  const used = [best.a, best.b].filter((id) => id >= 0).map((id) => problem.quantities[id]!);
  const last = Math.max(...used.map((q) => q.mention.start));
  for (const q of problem.quantities) {
    if (q.mention.start <= last || q.weak || used.includes(q) || q.per || problem.relevance(q) < 2) continue;
    const between = problem.tokens.slice(last, q.mention.start).map((t) => t.lower);
    if (between.includes("then") || between.includes("plus")) return q;
  }
  return wholeCost(problem, best, used);
}

/**
 * A price times a count, and another amount of money spent beside it (N X at $P each and a $M Y):
 * a question for everything spent, which names no one item, adds it. A question that names the
 * item ("on the Xs") keeps the product alone.
 */
function wholeCost(problem: Reader, best: Candidate, used: Quantity[]): Quantity | undefined {
  const rate = used.find((q) => q.per && q.money);
  if (best.op !== "multiply" || !rate || problem.target.kind !== "money") return undefined;
  const ask = ` ${problem.tokens.slice(problem.askStart, problem.askEnd).map((t) => t.lower).join(" ")} `;
  if (!/ (?:in all|in total|total|altogether|spend|spent|pay|paid) /.test(ask)) return undefined;
  const items = used.flatMap((q) => [q.head, q.per, q.ofNoun]).filter((w): w is string => w !== undefined && w !== "dollar" && w !== "?");
  if (problem.target.head && items.some((w) => sameNoun(problem.target.head, w))) return undefined;
  if (items.some((w) => ask.includes(` ${w}`))) return undefined;
  // Bought or paid for in its own sentence, not money that is merely had.
  const extras = problem.quantities.filter((q) => !used.includes(q) && !q.weak && !q.per && q.money && !q.inAsk && q.sentenceWords.has("spend"));
  return extras.length === 1 ? extras[0] : undefined;
}

export function candidates(problem: Reader): Candidate[] {
  const out: Candidate[] = [];
  const usable = problem.quantities.filter((q) => !q.weak);
  multiplierCandidates(problem, usable, out);
  geometryCandidates(problem, usable, out);
  rateCandidates(problem, usable, out);
  factCandidates(problem, usable, out);
  eventCandidates(problem, usable, out);
  addCandidates(problem, usable, out);
  return out;
}

/** N times after a verb: a per-event quantity repeated. */
function eventCandidates(problem: Reader, usable: Quantity[], out: Candidate[]): void {
  if (problem.target.head === "time") return;
  for (const events of usable.filter((q) => q.head === "time" && !q.inherited)) {
    const others = usable.filter((q) => q !== events && q.head !== "time");
    const best = [...others].sort((x, y) => problem.relevance(y) - problem.relevance(x))[0];
    if (best && problem.relevance(best) > 0) {
      out.push({ op: "multiply", a: best.id, b: events.id, score: 9, cues: [`${events.value} times`], answer: { kind: "quantity", noun: best.head } });
    }
  }
}

function multiplierCandidates(problem: Reader, usable: Quantity[], out: Candidate[]): void {
  for (const m of problem.multipliers) {
    const sameSentence = usable.filter((q) => q.sentence === m.sentence);
    const pool = sameSentence.length > 0 ? sameSentence : usable.filter((q) => q.mention.start < m.index);
    const ranked = [...(pool.length > 0 ? pool : usable)].sort(
      (x, y) => problem.relevance(y) - problem.relevance(x) || Math.abs(x.mention.start - m.index) - Math.abs(y.mention.start - m.index),
    );
    const base = ranked[0];
    if (!base) continue;
    out.push({ op: "multiply", a: base.id, b: -m.factor, score: 10, cues: [`"${m.label}"`], answer: { kind: "quantity", noun: base.head } });
  }
}

function geometryCandidates(problem: Reader, usable: Quantity[], out: Candidate[]): void {
  const lengths = usable.filter((q) => q.head && (LENGTH.has(q.head) || (q.head === "unit" && q.dimension)) && !q.modifiers.includes("square"));
  const words = new Set(problem.tokens.map((t) => singular(t.lower)));
  const squareNoun = (q: Quantity) => `square ${q.head === "foot" ? "feet" : `${q.head}s`}`;
  if (problem.target.kind === "area") {
    if (lengths.length >= 2) {
      const [x, y] = lengths;
      out.push({ op: "multiply", a: x!.id, b: y!.id, score: 11, cues: ["area = length × width"], answer: { kind: "quantity", noun: squareNoun(x!) } });
    } else if (lengths.length === 1 && words.has("square")) {
      const side = lengths[0]!;
      out.push({ op: "multiply", a: side.id, b: side.id, score: 11, cues: ["area of a square = side × side"], answer: { kind: "quantity", noun: squareNoun(side) } });
    }
  }
  if (problem.target.kind === "perimeter" && lengths.length >= 1) {
    const sides = [...words].map((w) => sidesOf(w)).find((n) => n !== undefined);
    if (sides !== undefined) {
      out.push({ op: "multiply", a: lengths[0]!.id, b: -sides, score: 11, cues: [`perimeter of a ${sides}-sided shape`], answer: { kind: "quantity", noun: lengths[0]!.head } });
    }
  }
  const dims = lengths.filter((q) => q.dimension);
  if (dims.length >= 2 && dims[0]!.dimension !== dims[1]!.dimension && problem.target.kind !== "perimeter" && problem.target.kind !== "distance" && problem.target.kind !== "length") {
    out.push({ op: "multiply", a: dims[0]!.id, b: dims[1]!.id, score: 9, cues: [`${dims[0]!.dimension} × ${dims[1]!.dimension}`], answer: { kind: "quantity", noun: squareNoun(dims[0]!) } });
  }
  const rows = usable.find((q) => q.head === "row");
  const columns = usable.find((q) => q.head === "column");
  if (rows && columns) out.push({ op: "multiply", a: rows.id, b: columns.id, score: 11, cues: ["rows × columns"], answer: { kind: "quantity", noun: problem.target.head } });
  for (const q of lengths) {
    const by = problem.word(q.phraseEnd) === "by" ? usable.find((n) => n.mention.start === q.phraseEnd + 1) : undefined;
    if (by) out.push({ op: "multiply", a: q.id, b: by.id, score: 11, cues: ["length by width"], answer: { kind: "quantity", noun: squareNoun(q) } });
  }
}

function rateCandidates(problem: Reader, usable: Quantity[], out: Candidate[]): void {
  const lists = problem.lists();
  for (const rate of usable) {
    if (!rate.per || (rate.per === "bill" && !rate.money)) continue;
    const others = usable.filter((c) => c !== rate);
    const matched = others.filter((c) => sameNoun(c.head, rate.per) || sameNoun(c.ofNoun, rate.per));
    // A list of names or things, then N X each (or N of each): the rate times the list's length.
    const list = matched.length === 0 ? lists.find((l) => l.sentence >= rate.sentence - 1 && l.sentence <= rate.sentence && l.end <= rate.mention.start + 2) : undefined;
    if (list) {
      out.push({
        op: "multiply",
        a: rate.id,
        b: -list.count,
        score: 9 + problem.relevance(rate),
        cues: [`${amount(rate)} for each of the ${list.count} listed`],
        answer: { kind: "quantity", noun: rate.head },
      });
    }
    const subjectRate = rate.per === "?" || PRONOUNS.has(rate.per);
    // N X a day over M weeks: convert the weeks to days first.
    if (matched.length === 0 && !subjectRate) {
      for (const count of others) {
        const factor = count.head ? conversionFactor(count.head, rate.per) : undefined;
        if (factor === undefined) continue;
        out.push({
          op: "multiply",
          a: rate.id,
          b: count.id,
          convertB: factor,
          score: 9 + problem.relevance(rate) + problem.context(rate),
          cues: [`${amount(rate)} per ${rate.per}`, `${amount(count)} = ${count.value} × ${factor} ${pluralize(rate.per)}`],
          answer: { kind: "quantity", noun: rate.head },
        });
      }
    }
    const counts = matched.length > 0 ? matched : others.filter((c) => !sameNoun(c.head, rate.head) || c.inherited);
    const base = matched.length > 0 ? 9 : subjectRate ? 8 : 5;
    for (const count of counts) {
      let score = base + problem.relevance(rate) + problem.context(rate);
      if (count.inAsk || count.inQuestionSentence) score += 1;
      if (count.per && count.per !== "?") score -= 2;
      if (matched.length === 0 && count.sentence !== rate.sentence && !count.inQuestionSentence) score -= 1;
      out.push({
        op: "multiply",
        a: rate.id,
        b: count.id,
        score,
        cues: [`${amount(rate)} ${subjectRate ? "each" : `per ${rate.per}`}`, amount(count)],
        answer: { kind: "quantity", noun: rate.head },
      });
    }
  }
}

function factCandidates(problem: Reader, usable: Quantity[], out: Candidate[]): void {
  const target = problem.target;
  const stated = (unit: string | undefined) => unit !== undefined && usable.some((q) => q.head === unit && !q.inherited);
  const to = target.head ?? target.ofNoun;
  for (const q of usable) {
    if (!q.head) continue;
    const factor = to ? conversionFactor(q.head, to) : undefined;
    if (factor !== undefined && to) {
      const counting = q.head === "dozen" || q.head === "pair";
      out.push({
        op: "multiply",
        a: q.id,
        b: -factor,
        score: 9 + problem.context(q),
        cues: [counting ? `1 ${q.head} = ${factor}` : `1 ${q.head} = ${factor} ${pluralize(to)}`],
        answer: counting ? { kind: "quantity", noun: q.ofNoun ?? to } : { kind: "conversion", count: q.value, from: q.head, to },
      });
    }
    if (target.kind === "money" && ["quarter", "dime", "nickel", "penny"].includes(q.head)) {
      const cents = conversionFactor(q.head, "cent") ?? 1;
      out.push({ op: "multiply", a: q.id, b: -cents, score: 8, cues: [`1 ${q.head} = ${cents} cents`], answer: { kind: "quantity", noun: "cent" } });
    }
    if (target.head && !stated(target.head)) {
      const count = [q.head, ...target.modifiers].map((owner) => partCount(target.head!, owner)).find((n) => n !== undefined);
      if (count !== undefined) {
        out.push({ op: "multiply", a: q.id, b: -count, score: 9, cues: [`each ${q.head} has ${count} ${pluralize(target.head)}`], answer: { kind: "quantity", noun: target.head } });
      }
    }
  }
}

function addCandidates(problem: Reader, usable: Quantity[], out: Candidate[]): void {
  const pool = usable.filter((q) => !q.pairedRate && q.per !== "?");
  for (let i = 0; i < pool.length; i++) {
    for (let j = i + 1; j < pool.length; j++) {
      const x = pool[i]!;
      const y = pool[j]!;
      let score = 4 + problem.relevance(x) + problem.relevance(y) + problem.context(x) + problem.context(y);
      if (x.head && y.head && sameNoun(x.head, y.head)) score += 1;
      else if (x.head && y.head && (conversionFactor(x.head, y.head) ?? conversionFactor(y.head, x.head)) !== undefined) score -= 3;
      else if (x.head && y.head && !x.inherited && !y.inherited) score -= 1;
      if (y.more) score += 1;
      if (x.inAsk || y.inAsk) score += 1;
      if (x.sentence === y.sentence) score += 0.5;
      // A has N more than B: the other operand is B's.
      for (const [c, other] of [
        [x, y],
        [y, x],
      ] as const) {
        if (!c.than) continue;
        if (c.than === "that" ? other.mention.start < c.mention.start && other.sentence >= c.sentence - 1 : other.sentenceWords.has(c.than) && other.sentence !== c.sentence) score += 2;
        if (other.than) score -= 1;
      }
      if (x.per && x.per !== "bill") score -= 1;
      if (y.per && y.per !== "bill") score -= 1;
      out.push({
        op: "add",
        a: x.id,
        b: y.id,
        score,
        cues: [amount(x), amount(y), y.more ? "more" : y.than ? "than" : "combined"],
        answer: { kind: "quantity", noun: problem.target.head && problem.target.head !== "money" ? problem.target.head : x.money ? "dollar" : x.head },
      });
    }
  }
}

/** The amount with its unit, for reasons. */
function amount(q: Quantity): string {
  return q.head && q.head !== "unit" ? `${q.value} ${pluralize(q.head, q.value)}` : String(q.value);
}
