import { startChild } from "./child.js";
import { MultiServerClient } from "../adapters/index.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { interleave, summarize } from "./stats.js";
const child = await startChild<{ urls: string[] }>("./children/many-servers.ts", ["1", "10"]);
const url = child.ready.urls[0]!;
const adapter = new MultiServerClient({ s0: { url, transport: "http" } }); await adapter.connect();
const sdk = new Client({ name: "b", version: "1" }); await sdk.connect(new StreamableHTTPClientTransport(new URL(url))); await sdk.listTools();
const tool = adapter.getTools().find((t) => t.name === "s0__tool_1")!;
const r = await interleave([
  { name: "sdk", run: () => sdk.callTool({ name: "tool_1", arguments: { value: 2 } }) },
  { name: "adapter", run: () => adapter.callTool("s0", "tool_1", { value: 2 }) },
  { name: "adapter-tool", run: () => tool.invoke({ value: 2 }) },
], { warmup: 300, rounds: 20, batch: 50 });
for (const [k, v] of r) { const s = summarize(v); console.log(k, s.median.toFixed(3), s.p99.toFixed(3), s.mean.toFixed(3)); }
await adapter.close(); await sdk.close(); await child.close();
