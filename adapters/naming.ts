import { createHash } from "node:crypto";

/** Longest tool name the chat model APIs accept (OpenAI, Anthropic). */
export const MAX_TOOL_NAME_LENGTH = 64;
const SEPARATOR = "__";
const HASH_LENGTH = 8;

/**
 * Assigns each `(server, tool)` pair a LangChain tool name `<server>__<tool>` made of
 * `[A-Za-z0-9_-]`, at most 64 characters, unique across servers, and stable for the life of the
 * registry, so a name a model saw earlier still means the same tool after a tool list refresh.
 */
export class BridgedNames {
  private readonly byName = new Map<string, { server: string; tool: string }>();
  private readonly byPair = new Map<string, string>();

  /** The bridged name of the pair, assigning one on first use. */
  assign(server: string, tool: string): string {
    const pair = pairKey(server, tool);
    const existing = this.byPair.get(pair);
    if (existing !== undefined) return existing;
    let name = candidateName(server, tool);
    // Candidates are injective in practice; the counter covers the remaining (hash) collisions.
    for (let n = 2; this.byName.has(name); n++) name = withSuffix(candidateName(server, tool), `_${n}`);
    this.byName.set(name, { server, tool });
    this.byPair.set(pair, name);
    return name;
  }

  /** The pair behind a bridged name this registry assigned. */
  resolve(bridgedName: string): { server: string; tool: string } | undefined {
    const found = this.byName.get(bridgedName);
    return found && { ...found };
  }
}

/**
 * `server__tool` when both parts are already safe and the result is short enough; otherwise a
 * sanitised, truncated form with a hash of the original pair. Safe server names contain no `__`
 * and do not end in `_`, so the first `__` of a plain name always splits it the same way.
 */
export function candidateName(server: string, tool: string): string {
  const plain = `${server}${SEPARATOR}${tool}`;
  const serverSafe = /^[A-Za-z0-9-]+(?:_[A-Za-z0-9-]+)*$/.test(server);
  const toolSafe = /^[A-Za-z0-9_-]+$/.test(tool);
  if (serverSafe && toolSafe && plain.length <= MAX_TOOL_NAME_LENGTH) return plain;
  const sanitized = `${sanitize(server)}${SEPARATOR}${sanitize(tool)}`;
  const hash = createHash("sha256").update(pairKey(server, tool)).digest("hex").slice(0, HASH_LENGTH);
  return withSuffix(sanitized, `_${hash}`);
}

function sanitize(part: string): string {
  return part.replace(/[^A-Za-z0-9_-]/g, "_") || "_";
}

function withSuffix(base: string, suffix: string): string {
  return `${base.slice(0, MAX_TOOL_NAME_LENGTH - suffix.length)}${suffix}`;
}

function pairKey(server: string, tool: string): string {
  return `${server}\u0000${tool}`;
}
