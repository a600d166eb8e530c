import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import type { OAuthClientInformationMixed, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";

/** Where tokens are kept when neither the client's options nor a server's `auth.storePath` say. */
export function defaultTokenStorePath(): string {
  return join(homedir(), ".mcp-graph", "oauth.json");
}

/** What is kept for one server: its registration (when dynamic) and its tokens, as the SDK handed them over. */
export interface StoredCredentials {
  client?: OAuthClientInformationMixed;
  tokens?: OAuthTokens;
}

interface StoreFile {
  version: 1;
  servers: Record<string, StoredCredentials>;
}

/**
 * A JSON file of credentials by server, readable by its owner only (0600, in a 0700 folder). Each
 * change re-reads the file and replaces it atomically (a temporary file renamed over it), so two
 * processes lose at most a concurrent registration, never the file; changes in one process queue.
 */
export class FileTokenStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {}

  async get(key: string): Promise<StoredCredentials | undefined> {
    await this.queue.catch(() => undefined);
    return (await this.read()).servers[key];
  }

  /** Applies `change` to the entry of `key` (created empty) and writes the file. */
  update(key: string, change: (entry: StoredCredentials) => void): Promise<void> {
    const run = this.queue.catch(() => undefined).then(async () => {
      const file = await this.read();
      const entry = file.servers[key] ?? {};
      change(entry);
      if (Object.keys(entry).length === 0) delete file.servers[key];
      else file.servers[key] = entry;
      await this.write(file);
    });
    this.queue = run;
    return run;
  }

  private async read(): Promise<StoreFile> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { version: 1, servers: {} };
      throw new Error(`cannot read the OAuth token store ${this.path}: ${(error as Error).message}`, { cause: error });
    }
    try {
      const parsed = JSON.parse(text) as Partial<StoreFile>;
      if (parsed && typeof parsed.servers === "object" && parsed.servers !== null) return { version: 1, servers: parsed.servers };
    } catch {
      // A damaged file is replaced on the next write: logging in again beats failing for good.
    }
    return { version: 1, servers: {} };
  }

  private async write(file: StoreFile): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${randomBytes(6).toString("hex")}.tmp`;
    await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    // The mode given to writeFile is filtered by the umask; the file holds secrets, so set it outright.
    await chmod(temporary, 0o600);
    await rename(temporary, this.path);
  }
}
