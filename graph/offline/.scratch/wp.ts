import { traceWordProblem } from "../word-problem.js";
import { normalizeText, tokenize } from "../text.js";
const t = traceWordProblem(tokenize(normalizeText(process.argv[2]!)));
console.log(JSON.stringify(t.quantities));
console.log(JSON.stringify(t.target));
for (const c of t.candidates.slice(0, 6)) console.log(JSON.stringify(c));
