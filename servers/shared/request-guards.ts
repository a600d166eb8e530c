/**
 * The checks a request passes before any MCP code sees it: Host and Origin (DNS rebinding), the bearer
 * token, and the body size. Each refusal is a JSON-RPC error body.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { hostHeaderValidation } from "@modelcontextprotocol/sdk/server/middleware/hostHeaderValidation.js";
import type { RequestHandler, Response } from "express";
import { clip } from "./echo.js";
import { sendError } from "./http-errors.js";

/**
 * DNS-rebinding protection: a browser tricked into talking to us carries a foreign Host or Origin.
 * `allowed` holds hostnames as `new URL()` spells them.
 */
export function hostAndOriginChecks(allowed: ReadonlySet<string>): RequestHandler[] {
  return [hostHeaderValidation([...allowed]), originValidation(allowed)];
}

function originValidation(allowed: ReadonlySet<string>): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    // Non-browser clients send no Origin; browsers always do on cross-origin fetches, which is the attack.
    if (origin === undefined) return next();
    let originHost: string | undefined;
    try {
      const parsed = new URL(origin);
      if (parsed.protocol === "http:" || parsed.protocol === "https:") originHost = parsed.hostname;
    } catch {
      // "null" and other opaque origins are refused below.
    }
    if (originHost === undefined || !allowed.has(originHost)) {
      return sendError(res, 403, -32000, `Invalid Origin: ${clip(origin)}`);
    }
    next();
  };
}

/** 401 unless the request carries `Authorization: Bearer <token>`. */
export function bearerAuth(token: string): RequestHandler {
  // Comparing digests keeps the comparison constant-time and independent of the token's length.
  const expected = digest(token);
  return (req, res, next) => {
    const presented = credentialOf(req);
    if (presented !== undefined && timingSafeEqual(presented, expected)) return next();
    res.setHeader("WWW-Authenticate", 'Bearer realm="mcp"');
    sendError(res, 401, -32000, "Unauthorized: send Authorization: Bearer <MCP_AUTH_TOKEN>");
  };
}

/**
 * The SHA-256 of the bearer token a request presents, or undefined without one. A session remembers
 * the credential that opened it, so that knowing its id (which legacy SSE puts in a URL) is not enough.
 */
export function credentialOf(req: IncomingMessage): Buffer | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
  return match?.[1] === undefined ? undefined : digest(match[1]);
}

/** True when a request may act in a session opened with `opened` (a session opened without a token is open to all). */
export function sameCredential(opened: Buffer | undefined, presented: Buffer | undefined): boolean {
  if (opened === undefined) return true;
  return presented !== undefined && timingSafeEqual(opened, presented);
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/**
 * Reads an `application/json` body into `req.body`, counting bytes as they arrive. The chunk that
 * crosses `maxBytes` (or a `Content-Length` over it) gets 413 at once; the rest is never read and the
 * connection is closed. (express.json() reads a too-large body to its end before answering, which for
 * an endless chunked body is never.) Bodies of other types are left unread with `req.body` undefined.
 */
export function jsonBody(maxBytes: number): RequestHandler {
  return (req, res, next) => {
    const hasBody = req.headers["transfer-encoding"] !== undefined || (req.headers["content-length"] ?? "0") !== "0";
    if (!hasBody || req.is("application/json") !== "application/json") return next();
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers["content-type"] ?? "")?.[1]?.toLowerCase();
    if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
      return sendError(res, 415, -32000, `Unsupported Media Type: charset ${clip(charset)}; send UTF-8`);
    }
    const encoding = req.headers["content-encoding"]?.toLowerCase() ?? "identity";
    // A compressed body's size says nothing about what it inflates to; no MCP client compresses requests.
    if (encoding !== "identity") return sendError(res, 415, -32000, `Unsupported Media Type: Content-Encoding ${clip(encoding)}`);
    if (Number(req.headers["content-length"] ?? 0) > maxBytes) return tooLarge(res, maxBytes);

    const chunks: Buffer[] = [];
    let received = 0;
    const stop = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", stop);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= maxBytes) return void chunks.push(chunk);
      stop();
      tooLarge(res, maxBytes);
    };
    const onEnd = () => {
      stop();
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown;
      try {
        // As express.json() in strict mode: an empty body is {}, and only an object or an array is a body.
        body = text.trim() === "" ? {} : JSON.parse(text);
      } catch {
        return sendError(res, 400, -32700, "Parse error: request body is not valid JSON");
      }
      if (typeof body !== "object" || body === null) return sendError(res, 400, -32700, "Parse error: request body is not a JSON object or array");
      req.body = body;
      next();
    };
    // "error" here is the client aborting; there is no one left to answer.
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", stop);
  };
}

function tooLarge(res: Response, maxBytes: number): void {
  // The rest of the body is never read: sendError closes the connection of a request with unread input.
  sendError(res, 413, -32000, `Payload Too Large: request body exceeds ${maxBytes} bytes`);
}
