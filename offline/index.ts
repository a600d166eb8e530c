/**
 * Public face of the offline router: a deterministic LangChain chat model that routes questions to
 * tools with no network and no weights.
 */
import { normalizeQuestion } from "./normalize.js";
import { normalizeText, tokenize } from "./text.js";
import { traceWordProblem } from "./word-problem.js";

export { OfflineModelError, OfflineRouterModel, type OfflineRouterCallOptions } from "./model.js";

/** For diagnostics (`evals/offline-dev.ts`): the word-problem readings the router considered, best first. */
export function explainWordProblem(question: string) {
  return traceWordProblem(tokenize(normalizeQuestion(normalizeText(question)))).candidates;
}
