import type { IncomingMessage } from "node:http";
import type { Response } from "express";

/**
 * Answers a JSON-RPC error body, as the MCP transports do; after headers went out it can only end the
 * response. A request whose body was not read to the end gets `Connection: close`: otherwise Node
 * would read (and discard) the rest of it to reuse the connection, however long it is.
 */
export function sendError(res: Response, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  if (hasUnreadBody(res.req)) res.setHeader("Connection", "close");
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.status(status).json({ jsonrpc: "2.0", error: { code, message }, id: null });
}

/** True when the request announced a body that has not arrived in full yet. */
export function hasUnreadBody(req: IncomingMessage): boolean {
  const announced = req.headers["transfer-encoding"] !== undefined || (req.headers["content-length"] ?? "0") !== "0";
  return announced && !req.complete;
}
