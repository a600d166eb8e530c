/**
 * Values a parameter's description offers by example ("such as 'floral', 'smoky'", "e.g. twin,
 * double", "Default is 'mild'"): an open list, so a question that names one of them gives the value.
 */
import { escapeRegExp } from "../text.js";

/** Words that open a description's examples, up to the end of the sentence or bracket. */
const EXAMPLE_CUE = /\b(?:e\.g\.?|eg\.|for example|for instance|such as|like|supports?|supported \w+ (?:are|is|include)|options? (?:are|include)|includes?|default(?:s)?(?: is| to)?|defaults to)\s*[:,-]?\s*/gi;

/** The examples a description gives, as written there ("tea", "green tea"); at most three words each. */
export function describedExamples(description: string): string[] {
  const examples: string[] = [];
  for (const match of description.matchAll(EXAMPLE_CUE)) {
    const rest = description.slice(match.index + match[0].length);
    const end = rest.search(/[.;)](?:\s|$)|\.$|$/);
    for (const part of rest.slice(0, end).split(/\s*,\s*|\s+or\s+|\s+and\s+|\s*\/\s*/)) {
      const value = part.trim().replace(/^['"`]|['"`]$/g, "").replace(/\s+etc\.?$/i, "").trim();
      if (value && value.split(/\s+/).length <= 3 && !/^(?:etc\.?|the|a|an|if|when|all|none|null|true|false)$/i.test(value) && !/\d{2}/.test(value)) examples.push(value);
    }
  }
  return [...new Set(examples)];
}

/** Where the question names `example` (any case, a plural allowed), or -1. */
function position(example: string, text: string): number {
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(example).replace(/\s+/g, "[\\s_-]+")}(?:e?s)?(?![\\p{L}\\p{N}])`, "iu");
  return text.search(pattern);
}

/** The examples the question names, in the order it names them; an example inside a longer one counts once. */
export function examplesNamed(examples: readonly string[], text: string): Array<{ example: string; at: number }> {
  const found = examples.map((example) => ({ example, at: position(example, text) })).filter((e) => e.at >= 0);
  const kept = found.filter((e) => !found.some((o) => o !== e && o.example.length > e.example.length && o.example.toLowerCase().includes(e.example.toLowerCase())));
  return kept.sort((a, b) => a.at - b.at);
}
