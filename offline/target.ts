import type { Target } from "./quantities.js";
import type { Token } from "./text.js";
import { CONTEXT_IGNORED, isWord, MONEY, noun, stem, TIME, UNIT_STOP } from "./vocabulary.js";

/**
 * What a word problem's question asks for: the noun it counts ("how many pounds"), the kind of
 * quantity (money, time, length, …), its adjectives and the other words it uses, to match the
 * story's quantities against.
 */
export function readTarget(tokens: readonly Token[], askStart: number, askEnd: number): Target {
  const ask = tokens.slice(askStart, askEnd);
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
  // A noun that names a kind of quantity: weight, height, length
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

