/**
 * Questions the end-to-end benchmarks ask, each answered with one tool call by the offline model,
 * and a check that the graph really answered (a fast wrong answer is not a result).
 */
import type { ServersConfig } from "../adapters/index.js";
import { defaultServers } from "../app/index.js";
import type { ServersReady } from "./children/servers.js";

export interface BenchQuestion {
  question: string;
  /** Text the final answer must contain. */
  expect: string;
  tool: string;
}

export const QUESTIONS: readonly BenchQuestion[] = [
  { question: "How many hours do 5 days have?", expect: "120", tool: "multiply" },
  { question: "What's the weather in Berlin?", expect: "Berlin", tool: "get_weather" },
  { question: "What is 12 plus 30?", expect: "42", tool: "add" },
];

export class WrongAnswerError extends Error {
  constructor(question: string, detail: string) {
    super(`"${question}": ${detail}`);
    this.name = "WrongAnswerError";
  }
}

interface Answered {
  answer: string;
  calls: Array<{ tool: string; isError: boolean }>;
}

/** @throws {WrongAnswerError} unless the graph called the expected tool once and the answer has the expected text. */
export function checkAnswer(item: BenchQuestion, state: Answered): number {
  const tools = state.calls.map((call) => call.tool);
  if (tools.length !== 1 || tools[0] !== item.tool || state.calls[0]!.isError) {
    throw new WrongAnswerError(item.question, `expected one successful ${item.tool} call, got ${JSON.stringify(state.calls)}`);
  }
  if (!state.answer.includes(item.expect)) throw new WrongAnswerError(item.question, `answer lacks "${item.expect}": ${state.answer}`);
  return state.calls.length;
}

/** Our two servers in the child, configured the way a user would (`/mcp`, transport negotiated). */
export function serversConfig(ready: ServersReady): ServersConfig {
  return defaultServers({
    host: "127.0.0.1",
    ports: { math: Number(new URL(ready.math).port), weather: Number(new URL(ready.weather).port) },
  });
}
