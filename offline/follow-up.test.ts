import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { buildRouteSchema, parseRouteOutput, type RouteDecision } from "../graph/index.js";
import { projectTools } from "../test/support/project-tools.js";
import { OfflineRouterModel } from "./model.js";

const TOOLS = await projectTools();
const router = new OfflineRouterModel().withStructuredOutput(buildRouteSchema(TOOLS), { name: "route", includeRaw: true });

/** One turn as the user sees it: the calls made (`tool(args)`), and the final answer or question. */
interface TurnOutcome {
  calls: string[];
  answer: string;
}

async function route(messages: BaseMessage[]): Promise<RouteDecision> {
  const { parsed } = await router.invoke([new SystemMessage("Route the question."), ...messages]);
  const result = parseRouteOutput(parsed, TOOLS);
  if (!result.ok) throw new Error(result.error);
  return result.value.decision;
}

function execute(tool: string, args: Record<string, unknown>): string {
  const { a, b, city } = args as { a: number; b: number; city: string };
  if (tool === "math__add") return String(BigInt(a) + BigInt(b));
  if (tool === "math__multiply") return String(BigInt(a) * BigInt(b));
  return `Simulated weather for ${city}: cloudy, 14 °C.`;
}

/**
 * Runs a dialogue on one thread the way the graph keeps it: the user's message, each call with its
 * result, then the final AI message (the answer, or the question back), and the next turn.
 */
async function converse(...messages: string[]): Promise<TurnOutcome[]> {
  const thread: BaseMessage[] = [];
  const outcomes: TurnOutcome[] = [];
  let id = 0;
  for (const message of messages) {
    thread.push(new HumanMessage(message));
    const calls: string[] = [];
    for (;;) {
      const decision = await route(thread);
      if (decision.action !== "call_tool") {
        const answer = decision.action === "answer" ? decision.answer : decision.question;
        thread.push(new AIMessage(answer));
        outcomes.push({ calls, answer });
        break;
      }
      if (calls.length >= 5) throw new Error(`no answer to "${message}"`);
      const callId = `call_${++id}`;
      calls.push(`${decision.tool}(${JSON.stringify(decision.args)})`);
      thread.push(
        new AIMessage({ content: "", tool_calls: [{ id: callId, name: decision.tool, args: decision.args }] }),
        new ToolMessage({ tool_call_id: callId, name: decision.tool, content: execute(decision.tool, decision.args), status: "success" }),
      );
    }
  }
  return outcomes;
}

const weather = (city: string) => `weather__get_weather(${JSON.stringify({ city })})`;
const add = (a: number, b: number) => `math__add(${JSON.stringify({ a, b })})`;
const multiply = (a: number, b: number) => `math__multiply(${JSON.stringify({ a, b })})`;
const callsOf = (outcomes: TurnOutcome[]) => outcomes.map((o) => o.calls);

describe("no history, no carry-over", () => {
  it.each(["And in Berlin?", "What about 12?", "double it", "Paris", "Add 8 to that"])("%s on its own makes no call", async (message) => {
    const [turn] = await converse(message);
    expect(turn!.calls).toEqual([]);
  });
});

describe("a reply to the question the graph asked", () => {
  it.each([
    ["Paris", "Paris"],
    ["Seattle, please.", "Seattle"],
    ["The city is Phoenix", "Phoenix"],
    ["In Concord please.", "Concord"],
    ["I'd like it for Denver", "Denver"],
    ["Lyon, s'il vous plaît", "Lyon"],
    ["En Valencia, por favor.", "Valencia"],
    ["В Казани, пожалуйста.", "Казань"],
  ])("the weather question, then %s → the weather in %s", async (reply, city) => {
    const [asked, answered] = await converse("What's the weather like?", reply);
    expect(asked!.calls).toEqual([]);
    expect(asked!.answer).toMatch(/\?$/);
    expect(answered!.calls).toEqual([weather(city)]);
    expect(answered!.answer).toContain(city);
  });

  it.each([
    ["Jaka jest pogoda?", "W Krakowie, proszę.", "Kraków"],
    ["Como está o tempo?", "No Porto, por favor.", "Porto"],
  ])("the weather question %s, then %s → the weather in %s", async (question, reply, city) => {
    const [asked, answered] = await converse(question, reply);
    expect(asked!.calls).toEqual([]);
    expect(answered!.calls).toEqual([weather(city)]);
  });

  it("fills the operand an arithmetic question was missing", async () => {
    const outcomes = await converse("add 5", "7", "Can you multiply something by 3 for me?", "the other number is 12");
    expect(callsOf(outcomes)).toEqual([[], [add(5, 7)], [], [multiply(3, 12)]]);
    expect(outcomes[1]!.answer).toContain("12");
    expect(outcomes[3]!.answer).toContain("36");
  });

  it("routes a reply that is a complete question of its own as that question", async () => {
    const outcomes = await converse("What's the weather like?", "What is 3 plus 4?");
    expect(callsOf(outcomes)).toEqual([[], [add(3, 4)]]);
  });

  it("routes a complete question behind an opener as that question", async () => {
    const outcomes = await converse("What's 8 times 12?", "And 8 times 13?", "How's the weather?", "Never mind, what's 5 times 6?");
    expect(callsOf(outcomes)).toEqual([[multiply(8, 12)], [multiply(8, 13)], [], [multiply(5, 6)]]);
    const glued = await converse("3加4等于多少？", "那5加6呢？");
    expect(callsOf(glued)).toEqual([[add(3, 4)], [add(5, 6)]]);
  });

  it("does not take a withdrawal for a place", async () => {
    const outcomes = await converse("What's the weather like?", "Never mind");
    expect(outcomes[1]!.calls).toEqual([]);
  });
});

describe("the same question for a new place", () => {
  it("keeps the intent across a chain of places", async () => {
    const outcomes = await converse("What's the weather in Paris?", "And in Berlin?", "What about Tokyo?", "How about in LA", "But in Sacramento?");
    expect(callsOf(outcomes)).toEqual([[weather("Paris")], [weather("Berlin")], [weather("Tokyo")], [weather("Los Angeles")], [weather("Sacramento")]]);
  });

  it.each([
    ["Wie ist das Wetter in Hamburg?", "Und in Köln?", "Köln"],
    ["¿Qué tiempo hace en Madrid?", "¿Y en Sevilla?", "Sevilla"],
    ["Quel temps fait-il à Paris ?", "Et à Lyon ?", "Lyon"],
    ["Che tempo fa a Roma?", "E a Napoli?", "Napoli"],
    ["Que tempo faz em Lisboa?", "E no Porto?", "Porto"],
    ["北京的天气怎么样？", "那上海呢？", "上海"],
    ["서울 날씨 어때?", "부산은?", "부산"],
    ["Какая погода в Москве?", "А что насчёт Казани?", "Казань"],
    ["Jaka jest pogoda w Warszawie?", "A w Krakowie?", "Kraków"],
    ["Jaka jest pogoda w Sopocie?", "A we Wrocławiu?", "Wrocław"],
  ])("%s → %s", async (first, followUp, city) => {
    const outcomes = await converse(first, followUp);
    expect(outcomes[1]!.calls).toEqual([weather(city)]);
  });

  it("gives a place to an earlier question that lacked one, even when it was not asked for", async () => {
    const outcomes = await converse("Wie ist die Temperatur?", "Für Bremen");
    expect(callsOf(outcomes)).toEqual([[], [weather("Bremen")]]);
  });

  it("reads a place after courtesy in between, and not after a question of another kind", async () => {
    const thanked = await converse("Is it raining in Oslo?", "Thanks!", "And in Bergen?");
    expect(thanked[2]!.calls).toEqual([weather("Bergen")]);
    const other = await converse("How many people live in Berlin?", "And in Munich?");
    expect(other[1]!.calls).toEqual([]);
  });
});

describe("arithmetic on the previous result", () => {
  it("chains through a conversation", async () => {
    const outcomes = await converse("What is 6 times 7?", "Add 8 to that", "now multiply it by 3", "double it", "and times 2?");
    expect(callsOf(outcomes)).toEqual([[multiply(6, 7)], [add(8, 42)], [multiply(50, 3)], [multiply(2, 150)], [multiply(300, 2)]]);
    expect(outcomes[4]!.answer).toContain("600");
  });

  it.each([
    ["Was ist 7 mal 8?", "Multipliziere das mit 3", multiply(56, 3)],
    ["¿Cuánto es 8 por 7?", "Súmale 4", add(56, 4)],
    ["Combien font 12 fois 3 ?", "Multiplie-le par 2", multiply(36, 2)],
    ["Quanto fa 9 per 5?", "Raddoppialo", multiply(2, 45)],
    ["Сколько будет 6 плюс 7?", "Прибавь к этому 8", add(13, 8)],
    ["Сколько будет 6 плюс 7?", "А умножить на 2?", multiply(13, 2)],
    ["What is 6 times 7?", "double", multiply(2, 42)],
    ["¿Cuánto es 8 por 7?", "Duplica", multiply(2, 56)],
    ["¿Cuánto es 8 por 7?", "Multiplica por 3", multiply(56, 3)],
    ["Quanto fa 9 per 5?", "Raddoppia", multiply(2, 45)],
    ["Quanto fa 9 per 5?", "Moltiplica per 3", multiply(45, 3)],
    ["Сколько будет 6 плюс 7?", "Удвой", multiply(2, 13)],
    ["Quanto é 6 vezes 7?", "Some 8 a isso", add(8, 42)],
    ["Quanto é 6 vezes 7?", "Multiplique por 3", multiply(42, 3)],
    ["Quanto é 6 vezes 7?", "Dobre", multiply(2, 42)],
    ["6乘7等于多少？", "翻倍", multiply(2, 42)],
    ["6乘7等于多少？", "再翻倍", multiply(2, 42)],
    ["6乘7等于多少？", "那乘2呢？", multiply(42, 2)],
    ["6乘7等于多少？", "把它乘以3", multiply(42, 3)],
  ])("%s → %s", async (first, followUp, call) => {
    const outcomes = await converse(first, followUp);
    expect(outcomes[1]!.calls).toEqual([call]);
  });

  it("keeps the latest result across a turn that made no call", async () => {
    const outcomes = await converse("What's 5 times 5?", "Now divide it by 5", "OK, add 5 to it then");
    expect(callsOf(outcomes)).toEqual([[multiply(5, 5)], [], [add(5, 25)]]);
  });

  it("reads a word another language has too as this one's only beside a word of its own", async () => {
    // Portuguese "some" is "add"; English "some" is not, so "Some 8" alone says nothing about the result.
    const outcomes = await converse("Quanto é 6 vezes 7?", "Some 8", "Agora some 8");
    expect(callsOf(outcomes)).toEqual([[multiply(6, 7)], [], [add(42, 8)]]);
  });

  it("needs a numeric result to work on", async () => {
    const outcomes = await converse("What's the weather in Paris?", "double it");
    expect(outcomes[1]!.calls).toEqual([]);
    expect(outcomes[1]!.answer).toMatch(/\?$/);
  });
});

describe("the same question with a new number", () => {
  it("replaces the number before the same noun, or the last one", async () => {
    const outcomes = await converse("How many hours do 5 days have?", "And 7 days?", "what about 12?");
    expect(callsOf(outcomes)).toEqual([[multiply(5, 24)], [multiply(7, 24)], [multiply(12, 24)]]);
    expect(outcomes[1]!.answer).toContain("168");
    const minutes = await converse("How many minutes are in 6 hours?", "And in 9 hours?");
    expect(minutes[1]!.calls).toEqual([multiply(9, 60)]);
    const italian = await converse("Quante ore ci sono in 5 giorni?", "E in 7 giorni?");
    expect(callsOf(italian)).toEqual([[multiply(5, 24)], [multiply(7, 24)]]);
  });
});

describe("the thread as the graph sends it", () => {
  it("takes the last user message as the question, with only this turn's calls as its results", async () => {
    const thread = [
      new HumanMessage("What is 2 plus 3?"),
      new AIMessage({ content: "", tool_calls: [{ id: "t1", name: "math__add", args: { a: 2, b: 3 } }] }),
      new ToolMessage({ tool_call_id: "t1", name: "math__add", content: "server unavailable", status: "error" }),
      new AIMessage("The math__add tool failed: server unavailable"),
      new HumanMessage("What's the weather in Quito?"),
    ];
    expect(await route(thread)).toEqual({ action: "call_tool", tool: "weather__get_weather", args: { city: "Quito" } });
  });

  it("reads retry feedback by its name, not as a turn", async () => {
    const thread = [new HumanMessage("What is 2 plus 3?"), new HumanMessage({ content: "Your previous route was invalid: bad arguments.", name: "route_feedback" })];
    const decision = await route(thread);
    expect(decision.action).toBe("answer");
    expect(decision.action === "answer" && decision.answer).toMatch(/could not form a valid tool call/);
  });
});
