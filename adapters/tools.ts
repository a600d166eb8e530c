import { DynamicStructuredTool, type StructuredToolInterface } from "@langchain/core/tools";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { CallOptions } from "./connection.js";
import { ToolExecutionError } from "./errors.js";
import type { ToolInfo } from "./types.js";
import { DEFAULT_MAX_RESULT_CHARS, describeResult, modelContent, type ResultContentOptions } from "./content.js";

/** The text blocks of a tool result, joined by newlines; "" when there are none. */
export function resultText(result: CallToolResult): string {
  return result.content
    .flatMap((block) => (block.type === "text" ? [block.text] : []))
    .join("\n");
}

export type CallBridged = (args: Record<string, unknown>, options: CallOptions) => Promise<CallToolResult>;

/**
 * A LangChain tool for one MCP tool. Its argument schema is the server's JSON Schema unchanged;
 * it answers `[what the model reads, the full CallToolResult]` (`responseFormat: "content_and_artifact"`),
 * the first part rendered by {@link modelContent} with `options` (bounded; media as blocks or notes);
 * an `isError` result throws {@link ToolExecutionError} carrying the server's message, so a
 * ToolNode reports it to the model as a failed call rather than as an answer.
 */
export function bridgeTool(tool: ToolInfo, call: CallBridged, options: ResultContentOptions = {}): StructuredToolInterface {
  return new DynamicStructuredTool({
    name: tool.bridgedName,
    description: tool.description || tool.title || `${tool.name} on ${tool.server}`,
    schema: tool.inputSchema,
    responseFormat: "content_and_artifact",
    // LangChain validates against the same schema first; with details the model learns what to fix.
    verboseParsingErrors: true,
    metadata: { server: tool.server, tool: tool.name, ...(tool.annotations ? { annotations: tool.annotations } : {}) },
    func: async (input: unknown, _runManager, config) => {
      // RunnableConfig.timeout arrives folded into config.signal, with the number kept in metadata.
      const timeoutMs = config?.metadata?.timeoutMs;
      const result = await call(input as Record<string, unknown>, {
        ...(typeof timeoutMs === "number" ? { timeoutMs } : {}),
        ...(config?.signal ? { signal: config.signal } : {}),
      });
      if (result.isError) {
        const message = describeResult(result, { maxResultChars: options.maxResultChars ?? DEFAULT_MAX_RESULT_CHARS });
        throw new ToolExecutionError(tool.server, tool.name, message, result);
      }
      return [modelContent(result, options), result];
    },
  });
}
