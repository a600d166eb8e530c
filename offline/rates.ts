import type { Quantity, RateReader } from "./quantities.js";
import { isMeasure, isWord, noun, PAST_OR_OTHER_VERBS, PRONOUNS, RATE_VERBS, rateVerbFollows, sameNoun, subjectNoun } from "./vocabulary.js";

/** Marks rates: N X per Y, each Y holds N X, $N each, a Y has N X (a statement about one of a kind). */
export function markRates(r: RateReader): void {
  const tokens = r.tokens;
  for (const q of r.quantities) {
    if (q.per) continue;
    let k = q.phraseEnd;
    const w = (n: number) => r.word(n);
    if (w(k) === "each" || w(k) === "apiece") {
      // N X each for $P: the price is per X.
      const price = /^(?:for|at|costing)$/.test(w(k + 1)) ? r.quantities.find((p) => p.mention.start > k && p.mention.start <= k + 3) : undefined;
      if (price) price.per = q.head ?? "?";
      else if (w(k + 1) !== "of") q.per = "?";
      continue;
    }
    // A marker a few words after the quantity: N X <verb> at each Y.
    for (let scan = k; scan < k + 5 && r.sentenceOf[scan] === q.sentence && !r.numberAt.has(scan); scan++) {
      if (/^(?:each|every|per)$/.test(w(scan))) {
        k = scan;
        break;
      }
      if (!isWord(tokens[scan]) || /^(?:and|but|or|than|if|when)$/.test(w(scan))) break;
    }
    if ((w(k) === "each" || w(k) === "every" || w(k) === "per") && isWord(tokens[k + 1])) {
      if (w(k + 1) === "of") {
        // N X to each of M Y: the rate is per Y, and the M counts them.
        const count = r.quantities.find((c) => c.mention.start > k && c.mention.start <= k + 4);
        if (count?.head) q.per = count.head;
        else q.per = subjectNoun(tokens, k + 2 + (/^(?:the|his|her|their|its)$/.test(w(k + 2)) ? 1 : 0));
        continue;
      }
      const per = subjectNoun(tokens, k + 1);
      // N Y with each Y having M X: the marker belongs to the next quantity.
      if (per && !sameNoun(q.head, per)) q.per = per;
      continue;
    }
    // N unit/unit
    if (w(k) === "/" && isWord(tokens[k + 1])) {
      const unit = noun(w(k + 1)) === "h" ? "hour" : noun(w(k + 1));
      q.per = unit;
      continue;
    }
    // N X a Y: "a" + a unit of measure, or a noun that ends the clause.
    if ((w(k) === "a" || w(k) === "an") && isWord(tokens[k + 1]) && r.sentenceOf[k + 1] === q.sentence) {
      const unit = noun(w(k + 1));
      if (isMeasure(unit) || !isWord(tokens[k + 2])) {
        q.per = unit;
        continue;
      }
    }
    // N X to make one Y, N X in one Y, N X to <verb> a Y: a rate per Y.
    const rest = tokens.slice(q.phraseEnd, q.phraseEnd + 5);
    const one = rest.findIndex((t, n) => n > 0 && /^(?:a|an|one|1)$/.test(t.lower) && isWord(rest[n + 1]) && r.sentenceOf[q.phraseEnd + n] === q.sentence);
    if (one !== -1) {
      const unit = noun(rest[one + 1]!.lower);
      const article = rest[one]!.lower === "a" || rest[one]!.lower === "an";
      const lead = rest[one - 1]?.lower ?? "";
      const afterVerb = rest[one - 2]?.lower === "to";
      if ((afterVerb || /^(?:in|per|for|on)$/.test(lead)) && (article ? isMeasure(unit) || r.counted(unit) : lead !== "on")) {
        q.per = unit;
        continue;
      }
    }
    // <verb> the Xs for $N: a price per X, when Xs are counted.
    if (q.money && w(q.mention.start - 1 - (tokens[q.mention.start - 1]?.text === "$" ? 1 : 0)) === "for") {
      const item = r.itemBefore(q.mention.start - (tokens[q.mention.start - 1]?.text === "$" ? 2 : 1));
      if (item && r.counted(item)) q.per = item;
    }
  }

  // Markers before the numbers. A later marker is closer to the quantities after it, so it wins.
  const fromMarker = new Set<Quantity>();
  for (let i = 0; i < tokens.length; i++) {
    const w = r.word(i);
    const sentence = r.sentenceOf[i];
    const starts = i === 0 || r.sentenceOf[i - 1] !== sentence || /^(?:if|when|and|,|that|\()$/.test(r.word(i - 1));
    const next = r.word(i + 1);
    let per: string | undefined;
    let single = false;
    if (w === "each" && (RATE_VERBS.has(next) || PAST_OR_OTHER_VERBS.has(next) || /^(?:have|had|ate|paid|get|got|received|receive|made|make|brought|bring|gave|give|bought|buy|took|take|wants|want|needs|need|ordered|order)$/.test(next))) {
      // They each <verb> N X: each of the subject.
      per = "?";
      single = true;
    } else if ((w === "each" || w === "every") && isWord(tokens[i + 1]) && next !== "of") per = subjectNoun(tokens, i + 1);
    else if (w === "each" && next === "of") {
      const third = r.word(i + 2);
      // Each of the N Y <verb> M X: the N counts Y, the M is per Y.
      const count = r.quantities.find((q) => q.mention.start > i && q.mention.start <= i + 4);
      if (PRONOUNS.has(third)) per = "?";
      else if (count?.head) {
        const rate = r.quantities.find((q) => q.mention.start > count.phraseEnd - 1 && q.sentence === count.sentence && q !== count);
        if (rate && !rate.per) {
          rate.per = count.head;
          fromMarker.add(rate);
        }
        continue;
      } else if (/^(?:the|his|her|their|its)$/.test(third)) per = subjectNoun(tokens, i + 3);
      single = true;
    } else if ((w === "a" || w === "an" || w === "one") && starts && isWord(tokens[i + 1])) {
      per = subjectNoun(tokens, i + 1);
      // "A Y has N X" states a rate when Ys are counted somewhere; a lone Y that has or did
      // something ("a Y has N X and M Z", "a group of N", a past tense) does not.
      if (!per || !rateVerbFollows(tokens, i + 1) || !r.counted(per, i)) continue;
      single = true;
    }
    if (!per) continue;
    for (const q of r.quantities) {
      if (q.mention.start <= i || r.sentenceOf[q.mention.start] !== sentence || (q.per && !fromMarker.has(q))) continue;
      if (sameNoun(q.head, per) && !q.inherited) break;
      q.per = per;
      fromMarker.add(q);
      if (single) break;
    }
  }

  // 1 X every N Y: N Y per X.
  for (const q of r.quantities) {
    if (q.value !== 1 || !q.head) continue;
    const next = r.quantities.find((n) => n.mention.start > q.mention.start && n.mention.start <= q.phraseEnd + 2);
    if (next && /^(?:every|in|per)$/.test(r.word(next.mention.start - 1))) {
      next.per = q.head;
      q.weak = true;
    }
  }
  // N Ys of M X: M per Y.
  for (const q of r.quantities) {
    if (q.per || r.word(q.mention.start - 1) !== "of") continue;
    const container = r.quantities.find((c) => c !== q && c.phraseEnd >= q.mention.start - 1 && c.mention.end <= q.mention.start - 2 && c.head);
    if (container && noun(r.word(q.mention.start - 2)) === container.head) q.per = container.head;
  }
  // N Ys of size M: a size per Y.
  for (const q of r.quantities) {
    if (r.word(q.mention.start - 1) === "size" && r.word(q.mention.start - 2) === "of") {
      q.per = noun(r.word(q.mention.start - 3));
      if (q.inherited) q.head = r.target.head;
    }
  }
  // N Ys of A and M Ys of B per Z: the rate covers both.
  r.quantities.forEach((q, n) => {
    const next = r.quantities[n + 1];
    if (!q.per && next?.per && next.per !== "?" && next.sentence === q.sentence && r.word(q.phraseEnd) === "and" && sameNoun(q.head, next.head)) {
      q.per = next.per;
    }
  });
  for (const q of r.quantities) {
    // N X per X is no rate.
    if (q.per && q.per !== "?" && sameNoun(q.head, q.per)) q.per = undefined;
    if (q.per && q.per !== "?") q.pairedRate = r.quantities.some((c) => c !== q && !c.weak && (sameNoun(c.head, q.per) || sameNoun(c.ofNoun, q.per)));
  }
}

