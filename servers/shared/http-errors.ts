import type { IncomingMessage } from "node:http";
import type { Response } from "express";

/** How long a refused upload's connection stays half-closed before it is cut, so the client can read the answer. */
const LINGER_MS = 1000;

/**
 * Answers a JSON-RPC error body, as the MCP transports do; after headers went out it can only end the
 * response. A request whose body was not read to the end is not read any further and its connection
 * is closed: otherwise Node would read (and discard) the rest to reuse the connection, however long it is.
 */
export function sendError(res: Response, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  if (hasUnreadBody(res.req)) {
    closeWithoutReading(res.req);
    res.setHeader("Connection", "close");
  }
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.status(status).json({ jsonrpc: "2.0", error: { code, message }, id: null });
}

/** True when the request announced a body that has not arrived in full yet. */
export function hasUnreadBody(req: IncomingMessage): boolean {
  const announced = req.headers["transfer-encoding"] !== undefined || (req.headers["content-length"] ?? "0") !== "0";
  return announced && !req.complete;
}

/**
 * Stops reading `req` and has its connection closed once the answer is out, in stages (RFC 9112 §9.6):
 * Node would destroy a `Connection: close` socket the moment the answer is flushed, and closing with
 * unread input sends a RST that makes a client still uploading drop the answer unread. So: half-close,
 * wait a moment without reading (TCP soon stops the client sending), then cut.
 */
function closeWithoutReading(req: IncomingMessage): void {
  req.pause();
  const socket = req.socket;
  socket.destroySoon = () => {
    socket.end();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  };
}
