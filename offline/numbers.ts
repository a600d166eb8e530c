import type { Token } from "./text.js";

/** A number written in the question, in digits or in words. */
export interface NumberMention {
  value: number;
  /** Token range [start, end). */
  start: number;
  end: number;
  /** `multiplier`: "twice", "triple"; `half`: "half"; `ordinal`: "3rd", "third". */
  kind: "cardinal" | "multiplier" | "half" | "ordinal";
  /** Written with a currency sign ("$17.00"). */
  money: boolean;
  /** Spelled out in words. */
  spelled: boolean;
  /** The noun glued to a spelled number by a hyphen ("five-day" → "day"). */
  glued?: string;
  /** The digits as written, for an integer too long for a number to hold exactly. */
  digits?: string;
}

const SMALL: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
};
const TENS: Record<string, number> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fourty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
const SCALES: Record<string, number> = { hundred: 100, thousand: 1_000, million: 1_000_000, billion: 1_000_000_000 };
const MULTIPLIERS: Record<string, number> = { twice: 2, double: 2, doubled: 2, thrice: 3, triple: 3, tripled: 3, quadruple: 4 };
const ORDINALS: Record<string, number> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
  tenth: 10,
  eleventh: 11,
  twelfth: 12,
  twentieth: 20,
  hundredth: 100,
};
const CURRENCY = new Set(["$", "€", "£", "¥", "₹"]);

/** Finds every number in the tokens, in order. */
export function findNumbers(tokens: readonly Token[]): NumberMention[] {
  const found: NumberMention[] = [];
  let i = 0;
  while (i < tokens.length) {
    const mention = numberAt(tokens, i);
    if (mention) {
      found.push(mention);
      i = mention.end;
    } else {
      i++;
    }
  }
  return found;
}

function numberAt(tokens: readonly Token[], i: number): NumberMention | undefined {
  const token = tokens[i]!;
  const previous = tokens[i - 1];
  const money = previous !== undefined && CURRENCY.has(previous.text);
  if (token.kind === "number") {
    const next = tokens[i + 1];
    if (next && /^(?:st|nd|rd|th)$/.test(next.lower) && next.start === token.end) {
      return { value: Number(token.text), start: i, end: i + 2, kind: "ordinal", money: false, spelled: false };
    }
    const written = token.text.replace(/,/g, "");
    const value = Number(written);
    const digits = Number.isInteger(value) && !Number.isSafeInteger(value) && /^\d+$/.test(written) ? { digits: written } : {};
    return Number.isFinite(value) ? { value, start: i, end: i + 1, kind: "cardinal", money, spelled: false, ...digits } : undefined;
  }
  if (token.kind !== "word") return undefined;
  const word = token.lower;

  const ordinalDigits = /^(\d+)(?:st|nd|rd|th)$/.exec(word);
  if (ordinalDigits) return { value: Number(ordinalDigits[1]), start: i, end: i + 1, kind: "ordinal", money: false, spelled: false };
  if (word in ORDINALS) return { value: ORDINALS[word]!, start: i, end: i + 1, kind: "ordinal", money: false, spelled: true };
  if (word in MULTIPLIERS) return { value: MULTIPLIERS[word]!, start: i, end: i + 1, kind: "multiplier", money: false, spelled: true };
  if (word === "half") {
    // "half a dozen" is six things, not a halving.
    if (tokens[i + 1]?.lower === "a" && tokens[i + 2]?.lower === "dozen") {
      return { value: 6, start: i, end: i + 3, kind: "cardinal", money: false, spelled: true };
    }
    return { value: 2, start: i, end: i + 1, kind: "half", money: false, spelled: true };
  }
  if ((word === "a" || word === "an") && tokens[i + 1]) {
    const next = tokens[i + 1]!.lower;
    if (next === "dozen") return { value: 12, start: i, end: i + 2, kind: "cardinal", money, spelled: true };
    if (next in SCALES) {
      const rest = spelledAt(tokens, i + 1, SCALES[next]!);
      return rest ? { ...rest, start: i } : undefined;
    }
    return undefined;
  }
  const previousWord = previous?.lower ?? "";
  if (word === "dozen" && previous?.kind !== "number" && SMALL[previousWord] === undefined && TENS[previousWord] === undefined) {
    return { value: 12, start: i, end: i + 1, kind: "cardinal", money: false, spelled: true };
  }
  return spelledAt(tokens, i, 0);
}

/**
 * Reads "twenty-four", "one hundred and five", "two thousand three hundred", "five-day"
 * (number 5, glued noun "day"). `seed` is a scale already read ("a hundred").
 */
function spelledAt(tokens: readonly Token[], start: number, seed: number): NumberMention | undefined {
  // "a thousand five hundred": a large seed is already a finished group.
  let total = seed >= 1_000 ? seed : 0;
  let current = seed >= 1_000 ? 0 : seed;
  let end = seed > 0 ? start + 1 : start;
  let glued: string | undefined;
  let i = end;
  let read = seed > 0;
  while (i < tokens.length) {
    const token = tokens[i]!;
    if (token.kind !== "word") break;
    const parts = token.lower.split("-");
    let consumed = 0;
    for (const part of parts) {
      const small = SMALL[part] ?? TENS[part];
      if (small !== undefined && (current % 100 === 0 || (current % 100 >= 20 && current % 10 === 0 && small < 10))) {
        current += small;
        consumed++;
      } else if (part in SCALES && (current > 0 || read)) {
        const scale = SCALES[part]!;
        if (scale === 100) current = (current || 1) * 100;
        else {
          total += (current || 1) * scale;
          current = 0;
        }
        consumed++;
      } else break;
    }
    if (consumed === 0) {
      // "one hundred and five": "and" joins parts of one number only before another number word.
      const next = tokens[i + 1]?.lower;
      if (token.lower === "and" && read && current % 100 === 0 && next && (SMALL[next.split("-")[0]!] ?? TENS[next.split("-")[0]!]) !== undefined) {
        i++;
        continue;
      }
      break;
    }
    read = true;
    end = i + 1;
    if (consumed < parts.length) {
      glued = parts.slice(consumed).join("-");
      break;
    }
    i++;
  }
  if (!read) return undefined;
  const value = total + current;
  return { value, start, end, kind: "cardinal", money: false, spelled: true, ...(glued ? { glued } : {}) };
}
