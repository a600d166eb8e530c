import type { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isJSONRPCErrorResponse, isJSONRPCRequest, isJSONRPCResultResponse, type JSONRPCMessage, type RequestId } from "@modelcontextprotocol/sdk/types.js";

/** The SDK transport's internals this reads (1.x `WebStandardStreamableHTTPServerTransport`). */
interface Internals {
  _enableJsonResponse: boolean;
  _requestToStreamMapping: Map<RequestId, string>;
  _streamMapping: Map<string, { controller?: unknown }>;
  handlePostRequest(req: unknown, options?: { parsedBody?: unknown }): Promise<unknown>;
  send(message: JSONRPCMessage, options?: { relatedRequestId?: RequestId }): Promise<void>;
}

/**
 * Answers the POSTs that call one of `tools` with a `progressToken` as an SSE stream, so the
 * progress notifications the tool sends reach the client before the result; every other POST stays
 * one JSON body (`enableJsonResponse`, cheaper per call).
 *
 * The SDK chooses JSON or SSE for the whole transport, so the choice is made per request here: the
 * transport reads its `_enableJsonResponse` while it opens a POST's response (synchronously, since
 * our host hands it the parsed body) and while it sends on it (synchronously, without an event
 * store); both are wrapped to see the value for that request. A transport whose internals differ
 * (another SDK version) is left as it is: all JSON, progress dropped, as before.
 */
export function streamProgressCalls(transport: StreamableHTTPServerTransport, tools: readonly string[]): void {
  if (tools.length === 0) return;
  const inner = (transport as unknown as { _webStandardTransport?: Internals })._webStandardTransport;
  if (!inner || typeof inner.handlePostRequest !== "function" || !(inner._streamMapping instanceof Map) || !(inner._requestToStreamMapping instanceof Map)) return;
  const names = new Set(tools);
  let configured = inner._enableJsonResponse;
  let streaming = false;
  Object.defineProperty(inner, "_enableJsonResponse", {
    configurable: true,
    get: () => configured && !streaming,
    set: (value: boolean) => (configured = value),
  });
  const withStreaming = <T>(on: boolean, run: () => T): T => {
    streaming = on;
    try {
      return run();
    } finally {
      streaming = false;
    }
  };

  const handlePost = inner.handlePostRequest.bind(inner);
  inner.handlePostRequest = (req, options) => withStreaming(wantsProgress(options?.parsedBody, names), () => handlePost(req, options));

  const send = inner.send.bind(inner);
  inner.send = (message, options) => {
    const requestId = isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message) ? message.id : options?.relatedRequestId;
    const streamId = requestId === undefined ? undefined : inner._requestToStreamMapping.get(requestId);
    const stream = streamId === undefined ? undefined : inner._streamMapping.get(streamId);
    // An SSE response has a stream controller; a JSON one waits for its body.
    return withStreaming(stream?.controller !== undefined, () => send(message, options));
  };
}

function wantsProgress(body: unknown, tools: ReadonlySet<string>): boolean {
  const messages = Array.isArray(body) ? body : [body];
  return messages.some((message) => {
    if (!isJSONRPCRequest(message as JSONRPCMessage) || (message as { method?: string }).method !== "tools/call") return false;
    const params = (message as { params?: { name?: unknown; _meta?: { progressToken?: unknown } } }).params;
    return typeof params?.name === "string" && tools.has(params.name) && params._meta?.progressToken !== undefined;
  });
}
