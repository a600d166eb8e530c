import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A provider misbehaving on the wire: no answer at all, or a status and body of the test's choosing. */
export type HttpFault = { fault: "hang" } | { fault: "reply"; status: number; contentType: string; body: string };

/** Faults a stub can play: `faults.hang`, `faults.reply(500, "text/plain", "boom")`. */
export const faults = {
  hang: { fault: "hang" } as HttpFault,
  reply: (status: number, contentType: string, body: string): HttpFault => ({ fault: "reply", status, contentType, body }),
};

export const isFault = (reply: unknown): reply is HttpFault => typeof reply === "object" && reply !== null && "fault" in reply;

/** A reply a stub sends: the assistant's text, a structured reply, a fault, or a function of the request that makes one. */
export type Scripted<Body> = string | Record<string, unknown> | HttpFault | ((body: Body) => string | Record<string, unknown>);

export interface StubHandle {
  port: number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1, port 0; `close` ends open connections too (a hanging request included). */
export async function listen(handler: (request: IncomingMessage, response: ServerResponse) => void | Promise<void>): Promise<StubHandle> {
  const server: Server = createServer((request, response) => {
    void Promise.resolve(handler(request, response)).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: { message: `stub failed: ${(error as Error).message}` } }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

/** Plays a fault: a hang holds the socket until the client gives up or the stub closes. */
export function playFault(response: ServerResponse, fault: HttpFault): void {
  if (fault.fault === "hang") return;
  response.writeHead(fault.status, { "content-type": fault.contentType });
  response.end(fault.body);
}

/**
 * Text cut the way a model streams it: word by word (each with its trailing space), JSON in pieces of
 * a few characters, so a streamed reply is always several chunks.
 */
export function pieces(text: string): string[] {
  const words = text.match(/\S+\s*|\s+/g) ?? [text];
  if (words.length > 1) return words;
  const cut: string[] = [];
  for (let i = 0; i < text.length; i += 8) cut.push(text.slice(i, i + 8));
  return cut.length > 0 ? cut : [""];
}

/** Writes events to a response with a pause between them, so a client sees them one by one. */
export async function writeSlowly(response: ServerResponse, events: string[], gapMs = 2): Promise<void> {
  for (const event of events) {
    if (response.destroyed) return;
    response.write(event);
    await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  response.end();
}
