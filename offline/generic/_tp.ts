import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { catalogFromFunctions } from "../catalog.js";
import { genericTask } from "./route.js";
import { tokenize } from "../text.js";
const fns: Array<{ name: string; description: string; parameters: Record<string, unknown> }> = [];
for (const [cmd, args] of [["node_modules/.bin/mcp-server-filesystem", ["/tmp/tp-root"]], ["node_modules/.bin/mcp-server-everything", []]] as const) {
  const c = new Client({ name: "x", version: "1" });
  await c.connect(new StdioClientTransport({ command: cmd, args: [...args], stderr: "ignore" }));
  for (const t of (await c.listTools()).tools) fns.push({ name: t.name, description: t.description ?? "", parameters: t.inputSchema });
  await c.close();
}
const catalog = catalogFromFunctions(fns, () => fns);
for (const q of process.argv.slice(2)) {
  const tokens = tokenize(q);
  console.log(q, "→", JSON.stringify(genericTask({ text: q, tokens, words: tokens.filter((t) => t.kind === "word").map((t) => t.lower) }, catalog), (k, v) => (k === "tool" ? v.name : v)));
}
