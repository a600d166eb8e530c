import { asksForStart, takesAway } from "./beyond.js";
import type { AnswerShape, ArithmeticPlan, Operation, PlanStep } from "./plan.js";
import type { Candidate } from "./quantities.js";
import { Reader } from "./reader.js";
import { candidates as readingsOf, continuation, mismatched, takeaway as takeawayPlan } from "./readings.js";
import type { Token } from "./text.js";

/**
 * Reads an arithmetic word problem (a story with numbers and a question about them)
 * and finds the operation and the two operands it asks for.
 *
 * Quantities are numbers with the noun they count. A rate is a quantity tied to "each/per/every/a X";
 * it multiplies with a quantity that counts X. "N times as many", areas, perimeters and unit facts
 * (days → hours, dozens, legs of a spider) are multiplicative too. Otherwise the two quantities that
 * best match what the question counts (its noun, adjectives and the other words it uses) are added,
 * which also covers inverse wording (what was there at the start, before some was taken away).
 * Each reading gets a score; the best one wins.
 */

/**
 * The plan for a word problem, the operation it needs when the tools' two cannot solve it, or
 * undefined when the text is not one this reader understands.
 */
export function solveWordProblem(tokens: readonly Token[]): ArithmeticPlan | { needs: Operation } | undefined {
  const { plan, needs } = readWordProblem(tokens);
  return needs ? { needs } : plan;
}

function readWordProblem(tokens: readonly Token[]): { plan?: ArithmeticPlan; needs?: Operation } {
  const reader = new Reader(tokens);
  const candidates = readingsOf(reader);
  candidates.sort((x, y) => y.score - x.score);
  const best = candidates[0];
  if (!best || mismatched(reader, best)) return {};
  const value = (id: number) => (id >= 0 ? reader.quantities[id]!.value : -id);
  const takeaway = takeawayPlan(reader, best, candidates);
  if (takeaway) return { plan: takeaway };
  if (best.op === "add" && takenAway(reader, best)) return { needs: "subtract" };
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
  return { plan: { steps, cues, answer } };
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

