import { parseExpression } from "../expression.js";
import { normalizeText, tokenize } from "../text.js";
import { planExpression } from "../plan.js";
const qs = ["What is (3 + 4) times 5?", "what's (3 + 5) x 12?", "add 3 and 4, then multiply by 5", "Add 5 and 7", "add 5", "What is 12 times 7?", "multiply the sum of 3 and 4 by 5", "What is the product of 8 and 9?", "Sum 2, 3 and 4", "multiply 9 9", "Please add 10 to 15", "What is 5 plus 3 times 2", "subtract 3 from 10", "3x4", "What is twenty-four times three?", "How many hours do 5 days have?", "add two numbers", "Was ist 7 mal 8?", "3加4等于多少", "What's 1,200 plus 350?", "What is 2 + 3 + 4?", "multiply 6 by 7 and then add 8", "What is 5 squared?", "Cuánto es 5 más 3?"];
for (const q of qs) {
  const r = parseExpression(tokenize(normalizeText(q)));
  console.log(q, "=>", r === undefined ? "none" : r.kind === "plan" ? planExpression(r.plan) + "  " + JSON.stringify(r.plan.steps) : JSON.stringify(r.missing));
}
