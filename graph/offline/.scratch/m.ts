import { AIMessage, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { buildRouteSchema } from "../../routing/schema.js";
import { parseRouteOutput } from "../../routing/parse.js";
import { OfflineRouterModel } from "../index.js";
const tools = [
  { server: "math", name: "add", bridgedName: "math__add", description: "Add two integers and return their exact sum.", inputSchema: { type: "object", properties: { a: { type: "integer" }, b: { type: "integer" } }, required: ["a", "b"] } },
  { server: "math", name: "multiply", bridgedName: "math__multiply", description: "Multiply two integers.", inputSchema: { type: "object", properties: { a: { type: "integer" }, b: { type: "integer" } }, required: ["a", "b"] } },
];
const model = new OfflineRouterModel();
const schema = buildRouteSchema(tools);
const r = model.withStructuredOutput(schema, { name: "route", includeRaw: true });
const msgs = [new SystemMessage("x"), new HumanMessage("What is (3 + 4) times 5?")];
let out = await r.invoke(msgs);
console.log(JSON.stringify(out.parsed), out.raw.constructor.name, parseRouteOutput(out.parsed, tools));
msgs.push(new AIMessage({ content: "", tool_calls: [{ id: "c1", name: "math__add", args: { a: 3, b: 4 } }] }), new ToolMessage({ tool_call_id: "c1", name: "math__add", content: "7" }));
out = await r.invoke(msgs);
console.log(JSON.stringify(out.parsed));
msgs.push(new AIMessage({ content: "", tool_calls: [{ id: "c2", name: "math__multiply", args: { a: 7, b: 5 } }] }), new ToolMessage({ tool_call_id: "c2", name: "math__multiply", content: "35" }));
out = await r.invoke(msgs);
console.log(JSON.stringify(out.parsed));
const js = model.withStructuredOutput(schema, { name: "route", method: "jsonSchema", strict: true });
console.log(JSON.stringify(await js.invoke([new HumanMessage("How many hours do 5 days have?")])));
const add = tool(async ({ a, b }) => String(a + b), { name: "add", description: "Add two numbers", schema: z.object({ a: z.number(), b: z.number() }) });
const bound = model.bindTools([add]);
const m1 = await bound.invoke([new HumanMessage("add 2 and 3")]);
console.log(m1.constructor.name, JSON.stringify(m1.tool_calls), JSON.stringify(m1.content));
const m2 = await bound.invoke([new HumanMessage("who won the world cup?")]);
console.log(JSON.stringify(m2.tool_calls), JSON.stringify(m2.content));
console.log(JSON.stringify((await model.invoke([new HumanMessage("hello")])).content));
