import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileTokenStore } from "../index.js";

describe("FileTokenStore", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mcp-graph-store-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps every concurrent change, in a file and a folder only its owner can read", async () => {
    const path = join(dir, "nested", "oauth.json");
    const store = new FileTokenStore(path);
    await Promise.all([
      store.update("https://a.example/mcp", (entry) => (entry.tokens = { access_token: "a", token_type: "Bearer" })),
      store.update("https://b.example/mcp", (entry) => (entry.client = { client_id: "b" })),
      store.update("https://a.example/mcp", (entry) => (entry.client = { client_id: "a" })),
    ]);
    expect(await new FileTokenStore(path).get("https://a.example/mcp")).toEqual({ tokens: { access_token: "a", token_type: "Bearer" }, client: { client_id: "a" } });
    expect(await store.get("https://b.example/mcp")).toEqual({ client: { client_id: "b" } });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "nested"))).mode & 0o777).toBe(0o700);
    await store.update("https://b.example/mcp", (entry) => delete entry.client);
    expect(Object.keys((JSON.parse(await readFile(path, "utf8")) as { servers: object }).servers)).toEqual(["https://a.example/mcp"]);
  });

  it("reads a missing or damaged file as empty, and replaces a damaged one on the next change", async () => {
    const path = join(dir, "damaged.json");
    expect(await new FileTokenStore(path).get("x")).toBeUndefined();
    await writeFile(path, "{ not json");
    const store = new FileTokenStore(path);
    expect(await store.get("x")).toBeUndefined();
    await store.update("x", (entry) => (entry.client = { client_id: "x" }));
    expect(await store.get("x")).toEqual({ client: { client_id: "x" } });
  });
});
