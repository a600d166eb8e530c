import { randomUUID } from "node:crypto";
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ServersConfig, ToolInfo } from "../adapters/index.js";
import type { EvalItem, ToolDefinition } from "./dataset.js";
import type { RunResult } from "./report.js";
import { runItem, type AnswerFn } from "./runner.js";

/** The server name a tool item's tool is served under, as a `--config` file would name it. */
export const TOOL_SERVER = "tools";

/** How long a slot waits for its client to list the next item's tool. */
const SWAP_TIMEOUT_MS = 10_000;

/** One server process with the client and graph that reach it; it serves one item's tool at a time. */
export interface ToolSlot {
  /** Answers on a fresh thread with what the slot's graph does. */
  answer: AnswerFn;
  /** The tools the slot's client lists now. */
  catalog(): readonly ToolInfo[];
  close(): Promise<void>;
}

/** Opens a slot for the servers config: a client, connected, and a graph on it. */
export type OpenSlot = (servers: ServersConfig) => Promise<ToolSlot>;

/** The stdio command of the fixture server for one slot's tool file. */
export function toolServerConfig(toolFile: string): ServersConfig {
  const server = fileURLToPath(new URL("./tool-server.ts", import.meta.url));
  return {
    [TOOL_SERVER]: { command: process.execPath, args: ["--import", import.meta.resolve("tsx"), server], env: { MCP_FIXTURE_TOOL_FILE: toolFile }, stderr: "inherit", connectTimeoutMs: 60_000 },
  };
}

const sameTool = (info: ToolInfo, tool: ToolDefinition) =>
  info.name === tool.name && (info.description ?? "") === (tool.description ?? "") && JSON.stringify(info.inputSchema) === JSON.stringify(tool.inputSchema);

async function waitForTool(slot: ToolSlot, tool: ToolDefinition): Promise<void> {
  const deadline = Date.now() + SWAP_TIMEOUT_MS;
  while (!(slot.catalog().length === 1 && sameTool(slot.catalog()[0]!, tool))) {
    if (Date.now() > deadline) throw new Error(`the tool server did not list ${tool.name} within ${SWAP_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Runs items that bring their own tool: `concurrency` fixture servers over stdio, each behind its own
 * client and graph, serve one item's tool at a time (the file they read is replaced and the server
 * announces `tools/list_changed`), so the graph sees exactly that tool, as with `--config`.
 * @returns results in dataset order.
 */
export async function runToolItems(
  items: EvalItem[],
  openSlot: OpenSlot,
  options: { concurrency: number; onResult?: (result: RunResult) => void },
): Promise<RunResult[]> {
  const dir = await mkdtemp(join(tmpdir(), "mcp-graph-tools-"));
  const results = new Array<RunResult>(items.length);
  let next = 0;
  const worker = async (index: number) => {
    const file = join(dir, `slot-${index}.json`);
    await writeFile(file, "[]");
    const slot = await openSlot(toolServerConfig(file));
    try {
      while (next < items.length) {
        const position = next++;
        const item = items[position]!;
        const tool = item.tool!;
        const staged = `${file}.${randomUUID()}`;
        await writeFile(staged, JSON.stringify([tool]));
        await rename(staged, file);
        await waitForTool(slot, tool);
        const result = await runItem(item, slot.answer);
        results[position] = result;
        options.onResult?.(result);
      }
    } finally {
      await slot.close();
    }
  };
  try {
    const workers = Math.max(1, Math.min(options.concurrency, items.length));
    await Promise.all(Array.from({ length: workers }, (_, i) => worker(i)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return results;
}
