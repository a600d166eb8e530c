// @ts-check
/**
 * The cold-start floor: a plain `node` script that does what `npm start -- "How many hours do 5 days
 * have?"` does over MCP with the SDK alone, no graph, no model, no build: connects to both servers,
 * lists their tools, calls multiply(5, 24) and closes.
 *
 *   node bench/children/sdk-question.mjs MATH_URL WEATHER_URL   (the …/mcp endpoints)
 */
/* global console, URL */
import process from "node:process";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const clients = await Promise.all(
  process.argv.slice(2).map(async (url) => {
    const client = new Client({ name: "cold-floor", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    await client.listTools();
    return client;
  }),
);
const result = await clients[0].callTool({ name: "multiply", arguments: { a: 5, b: 24 } });
const text = result.content?.[0]?.text;
await Promise.all(clients.map((client) => client.close()));
if (text !== "120") throw new Error(`multiply(5, 24) answered ${JSON.stringify(result)}`);
console.log(`5 days have ${text} hours.`);
