/**
 * The HTTP side of a real model's requests: a bound on each, a few announced retries of what may be
 * passing (no answer, 5xx, 429), and a clear error for a reply that is not an API's JSON at all.
 * Handed to the provider's client as its `fetch`, so the client itself retries nothing.
 */

export interface ModelHttpOptions {
  /** The provider's base URL, named in every message. */
  baseUrl: string;
  /** Bound on one request, in milliseconds. */
  timeoutMs: number;
  /** Further attempts after the first; each is announced. */
  retries: number;
  /** Delay before retry `attempt` (1-based); 2 s, then 4 s unless given. */
  retryDelayMs?: (attempt: number) => number;
  /** Where retries are announced (the CLI: standard error). */
  onRetry?: (message: string) => void;
}

/** A model request that failed for good; the message names the URL and what happened. */
export class ModelHttpError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ModelHttpError";
  }
}

const MAX_QUOTED = 120;

export function modelFetch(options: ModelHttpOptions): typeof fetch {
  const delay = options.retryDelayMs ?? ((attempt) => 2000 * attempt);
  return async (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    for (let attempt = 0; ; attempt++) {
      const timeout = AbortSignal.timeout(options.timeoutMs);
      const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
      let problem: string;
      try {
        const response = await fetch(input, { ...init, signal });
        if (response.ok) return checked(response, url);
        if (response.status < 500 && response.status !== 429) return response;
        problem = `HTTP ${response.status}`;
        // Drained, so the connection can be reused.
        await response.arrayBuffer().catch(() => undefined);
      } catch (error) {
        if (init?.signal?.aborted) throw error;
        problem = timeout.aborted ? `no answer within ${options.timeoutMs / 1000} s` : `cannot connect (${describe(error)})`;
      }
      if (attempt >= options.retries) {
        throw new ModelHttpError(`model: ${problem} from ${options.baseUrl}${attempt > 0 ? `, after ${attempt + 1} attempts` : ""}`);
      }
      const wait = delay(attempt + 1);
      options.onRetry?.(`model: ${problem} from ${options.baseUrl}, retrying ${attempt + 1}/${options.retries} in ${formatSeconds(wait)}`);
      await sleep(wait, init?.signal ?? undefined);
    }
  };
}

/**
 * A 2xx reply must be JSON, an event stream (OpenAI, Anthropic) or newline-delimited JSON (Ollama's
 * stream); anything else is named for what it is.
 */
async function checked(response: Response, url: string): Promise<Response> {
  const type = (response.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/json" || type.endsWith("+json") || type === "text/event-stream" || type === "application/x-ndjson") return response;
  const text = (await response.text().catch(() => "")).trim().replace(/\s+/g, " ");
  const quoted = text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text;
  throw new ModelHttpError(`model: ${url} answered ${type || "no content type"}, not a chat completion${quoted ? ` (${JSON.stringify(quoted)})` : ""}`);
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
