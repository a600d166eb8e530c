/**
 * Errors the adapter throws. Each sets `name`, so callers in other packages can check
 * `error.name === "ToolTimeoutError"` instead of relying on `instanceof` across module copies.
 */

/** A server configuration that does not validate; `key` is the dotted path of the offending entry. */
export class ConfigError extends Error {
  readonly key: string | undefined;
  constructor(message: string, options: { key?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ConfigError";
    this.key = options.key;
  }
}

/** `callTool` named a server that is not in the configuration. */
export class UnknownServerError extends Error {
  readonly serverName: string;
  constructor(serverName: string, known: readonly string[]) {
    super(`unknown server "${serverName}"; configured servers: ${known.length ? known.join(", ") : "(none)"}`);
    this.name = "UnknownServerError";
    this.serverName = serverName;
  }
}

/** The tool is not in the server's current tool list, or a bridged name maps to nothing. */
export class UnknownToolError extends Error {
  readonly serverName: string | undefined;
  readonly toolName: string;
  constructor(toolName: string, serverName?: string, available: readonly string[] = []) {
    const where = serverName === undefined ? "" : ` on server "${serverName}"`;
    const list = available.length ? `; available: ${available.join(", ")}` : "";
    super(`unknown tool "${toolName}"${where}${list}`);
    this.name = "UnknownToolError";
    this.serverName = serverName;
    this.toolName = toolName;
  }
}

/** Common shape of the errors about one call: which server and which tool. */
abstract class ToolCallFailure extends Error {
  constructor(
    readonly serverName: string,
    readonly toolName: string,
    message: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/** The arguments do not match the tool's input schema; the call was not sent. */
export class InvalidToolArgumentsError extends ToolCallFailure {
  constructor(
    serverName: string,
    toolName: string,
    /** What is wrong, phrased so a model can correct its arguments. */
    readonly details: string,
  ) {
    super(serverName, toolName, `invalid arguments for ${serverName}.${toolName}: ${details}`);
    this.name = "InvalidToolArgumentsError";
  }
}

/** The server is not connected (down at start, reconnection gave up, or the client is closed). */
export class ServerUnavailableError extends Error {
  readonly serverName: string;
  readonly reason: string;
  constructor(serverName: string, reason: string, options: { cause?: unknown } = {}) {
    super(`server "${serverName}" is unavailable: ${reason}`, options.cause === undefined ? undefined : options);
    this.name = "ServerUnavailableError";
    this.serverName = serverName;
    this.reason = reason;
  }
}

/**
 * The server stopped answering pings: a call timed out and the ping that followed got no answer
 * either. Calls to it are refused at once, without being sent, until a background ping is answered.
 * A {@link ServerUnavailableError} too, so code that handles "server down" handles this.
 */
export class ServerUnresponsiveError extends ServerUnavailableError {
  constructor(serverName: string, reason: string) {
    super(serverName, `${reason}; calls to it are refused until it answers a ping again`);
    this.name = "ServerUnresponsiveError";
  }
}

/**
 * The call (including any wait for a reconnection) took longer than its timeout. Unless the request
 * provably never reached the server (`mayStillRun` false), the server may still be running it, or
 * run it once it catches up; either way it was not repeated.
 */
export class ToolTimeoutError extends ToolCallFailure {
  /** False only when no request went out (it timed out waiting for a reconnection or a health check). */
  readonly mayStillRun: boolean;
  /**
   * @param sent how many requests may have reached the server: 0, 1, or 2 when a read-only or
   *   idempotent call was repeated after a dropped connection.
   */
  constructor(serverName: string, toolName: string, readonly timeoutMs: number, sent = 1) {
    super(
      serverName,
      toolName,
      `${serverName}.${toolName} timed out after ${timeoutMs} ms; ` +
        (sent === 0
          ? "it was never sent (it was still waiting for the server to be ready), so nothing ran"
          : sent === 1
            ? "the call may still be running on the server and was not repeated"
            : "the call may still be running on the server; it was sent twice (the first attempt hit a dropped connection) and not repeated again"),
    );
    this.name = "ToolTimeoutError";
    this.mayStillRun = sent > 0;
  }
}

/** The caller's AbortSignal fired before the result arrived. */
export class ToolCallAbortedError extends ToolCallFailure {
  constructor(serverName: string, toolName: string, reason: unknown) {
    super(serverName, toolName, `${serverName}.${toolName} was aborted${reason === undefined ? "" : `: ${describeReason(reason)}`}`);
    this.name = "ToolCallAbortedError";
  }
}

/**
 * The connection dropped after the request may have reached the server. Not retried when the tool is
 * not annotated read-only or idempotent (repeating it could run it twice); otherwise this is what the
 * one retry ran into as well.
 */
export class ConnectionLostError extends ToolCallFailure {
  constructor(serverName: string, toolName: string, options: { cause?: unknown; retried?: boolean } = {}) {
    super(
      serverName,
      toolName,
      `connection to server "${serverName}" dropped during ${serverName}.${toolName}; ` +
        (options.retried
          ? `the call may have run, and it dropped again on its one retry`
          : `the call may have run, and it was not retried because the tool is not annotated read-only or idempotent`) +
        (options.cause instanceof Error ? ` (${options.cause.message})` : ""),
      options.cause,
    );
    this.name = "ConnectionLostError";
  }
}

/** The server answered `tools/call` with a JSON-RPC error instead of a result. */
export class ToolProtocolError extends ToolCallFailure {
  constructor(
    serverName: string,
    toolName: string,
    message: string,
    readonly code: number | undefined,
    options: { cause?: unknown } = {},
  ) {
    super(serverName, toolName, `${serverName}.${toolName} failed: ${message}`, options.cause);
    this.name = "ToolProtocolError";
  }
}

/**
 * A bridged LangChain tool got a result with `isError: true`. The message is the server's own text,
 * which is what the model needs to correct itself; `result` keeps the whole result.
 */
export class ToolExecutionError extends ToolCallFailure {
  constructor(
    serverName: string,
    toolName: string,
    message: string,
    readonly result: unknown,
  ) {
    super(serverName, toolName, message || `${serverName}.${toolName} reported an error without a message`);
    this.name = "ToolExecutionError";
  }
}

function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return String(reason);
}

/**
 * A server needs a person to log in (OAuth authorization code), and the client has no way to show
 * them the URL (`oauth.onAuthorizationUrl` was not given: no terminal). Log in once where there is
 * one (the token is kept in `storePath`), or configure `auth.grant: "client_credentials"`.
 */
export class OAuthLoginRequiredError extends Error {
  readonly serverName: string;
  constructor(
    serverName: string,
    readonly authorizationUrl: string,
    readonly storePath: string,
  ) {
    super(
      `server "${serverName}" needs an OAuth login in a browser and there is no terminal to show the link on; ` +
        `log in once from a terminal (the token is kept in ${storePath}), or configure auth.grant "client_credentials" with a client id and secret`,
    );
    this.name = "OAuthLoginRequiredError";
    this.serverName = serverName;
  }
}
