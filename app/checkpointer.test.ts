import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { HumanMessage } from "@langchain/core/messages";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { echoGraph, transcript } from "../test/support/echo-graph.js";
import { startPostgres, type PostgresServer } from "../test/support/postgres.js";
import { freePort, tsxCommand } from "../test/support/processes.js";
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_THREADS_DB, openCheckpointer, readSettings, type Checkpointer } from "./index.js";

const run = promisify(execFile);
const thread = (id: string) => ({ configurable: { thread_id: id } });

/** One turn in a process of its own (test/support/thread-child.ts); resolves with the transcript it printed. */
async function turnInChild(env: Record<string, string>, threadId: string, text: string): Promise<{ pid: number; kind: string; transcript: string[] }> {
  const { command, args } = tsxCommand("thread-child.ts", [threadId, text]);
  const { stdout } = await run(command, args, { env: { ...process.env, POSTGRES_URI: "", MCP_GRAPH_DB: "", ...env }, timeout: 20_000 });
  return JSON.parse(stdout.trim().split("\n").at(-1)!);
}

/** Writes a turn, closes the saver, opens a new one on the same place: the thread is still there, and goes on. */
async function keepsAThreadAcrossSavers(open: () => Promise<Checkpointer>): Promise<void> {
  const first = await open();
  await echoGraph(first.saver).invoke({ messages: [new HumanMessage("hello")] }, thread("t1"));
  await first.close();
  await first.close();

  const second = await open();
  try {
    const graph = echoGraph(second.saver);
    expect(transcript((await graph.getState(thread("t1"))).values.messages)).toEqual(["human: hello", "ai: heard 1: hello"]);
    const state = await graph.invoke({ messages: [new HumanMessage("again")] }, thread("t1"));
    expect(transcript(state.messages)).toEqual(["human: hello", "ai: heard 1: hello", "human: again", "ai: heard 3: again"]);
    expect((await graph.getState(thread("another"))).values).toEqual({});
  } finally {
    await second.close();
  }
}

describe("openCheckpointer, SQLite", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "mcp-graph-sqlite-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps a thread in the file across savers, creating its directory", async () => {
    const file = join(dir, "nested", "threads.db");
    await keepsAThreadAcrossSavers(async () => {
      const checkpointer = await openCheckpointer(readSettings({ MCP_GRAPH_DB: file }));
      expect(checkpointer).toMatchObject({ kind: "sqlite", where: file });
      return checkpointer;
    });
  });

  it("takes --db over MCP_GRAPH_DB, and defaults under the project root", async () => {
    const checkpointer = await openCheckpointer(readSettings({ MCP_GRAPH_DB: join(dir, "env.db") }), { db: join(dir, "flag.db") });
    await checkpointer.close();
    expect(checkpointer.where).toBe(join(dir, "flag.db"));
    expect(DEFAULT_THREADS_DB).toBe(join(import.meta.dirname, "..", ".mcp-graph", "threads.db"));
  });

  it("keeps a thread a child process wrote", async () => {
    const file = join(dir, "shared.db");
    const child = await turnInChild({ MCP_GRAPH_DB: file }, "from-child", "written elsewhere");
    expect(child).toMatchObject({ kind: "sqlite", transcript: ["human: written elsewhere", "ai: heard 1: written elsewhere"] });
    const checkpointer = await openCheckpointer(readSettings({ MCP_GRAPH_DB: file }));
    try {
      const state = await echoGraph(checkpointer.saver).getState(thread("from-child"));
      expect(transcript(state.values.messages)).toEqual(child.transcript);
    } finally {
      await checkpointer.close();
    }
  });

  it("refuses a path it cannot write with one line naming the file", async () => {
    const notADirectory = join(dir, "plain-file");
    writeFileSync(notADirectory, "");
    const file = join(notADirectory, "threads.db");
    await expect(openCheckpointer(readSettings({}), { db: file })).rejects.toMatchObject({
      name: "CheckpointerError",
      message: `cannot keep threads in ${file}: a part of its path is not a directory`,
    });
    await expect(openCheckpointer(readSettings({ MCP_GRAPH_DB: dir }))).rejects.toThrow(/^cannot keep threads in .*mcp-graph-sqlite-[^\n]*$/);
  });
});

describe("openCheckpointer, PostgreSQL", () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(() => server?.stop());

  it("keeps a thread in the database across savers", async () => {
    await keepsAThreadAcrossSavers(async () => {
      const checkpointer = await openCheckpointer(readSettings({ POSTGRES_URI: server.uri, MCP_GRAPH_DB: "/nonexistent/ignored.db" }));
      expect(checkpointer).toMatchObject({ kind: "postgres", where: server.uri });
      return checkpointer;
    });
  });

  it("keeps a thread across processes: one writes, the next continues, this one reads", async () => {
    const env = { POSTGRES_URI: server.uri };
    const first = await turnInChild(env, "shared", "from process one");
    const second = await turnInChild(env, "shared", "from process two");
    expect(second.pid).not.toBe(first.pid);
    expect(second.transcript).toEqual([
      "human: from process one",
      "ai: heard 1: from process one",
      "human: from process two",
      "ai: heard 3: from process two",
    ]);
    const checkpointer = await openCheckpointer(readSettings(env));
    try {
      expect(transcript((await echoGraph(checkpointer.saver).getState(thread("shared"))).values.messages)).toEqual(second.transcript);
    } finally {
      await checkpointer.close();
    }
  });

  it("sets up a fresh database opened twice at once", async () => {
    // Without a lock around setup() one of the two fails on a duplicate table (8 times in 8 here).
    const settings = readSettings({ POSTGRES_URI: await server.createDatabase("fresh") });
    const both = await Promise.all([openCheckpointer(settings), openCheckpointer(settings)]);
    try {
      await echoGraph(both[0].saver).invoke({ messages: [new HumanMessage("one")] }, thread("a"));
      expect(transcript((await echoGraph(both[1].saver).getState(thread("a"))).values.messages)).toEqual(["human: one", "ai: heard 1: one"]);
    } finally {
      await Promise.all(both.map((checkpointer) => checkpointer.close()));
    }
  });

  it("names POSTGRES_URI, masks the password and says what is wrong", async () => {
    const missing = server.uri.replace(/\/postgres$/, "/no_such_db");
    await expect(openCheckpointer(readSettings({ POSTGRES_URI: missing }))).rejects.toThrow(
      `POSTGRES_URI ${missing}: database "no_such_db" does not exist (create it first, e.g. createdb)`,
    );
    const stranger = server.uri.replace("postgres@", "mallory:s3cret@");
    await expect(openCheckpointer(readSettings({ POSTGRES_URI: stranger }))).rejects.toThrow(
      `POSTGRES_URI ${stranger.replace("s3cret", "***")}: authentication failed: role "mallory" does not exist`,
    );
  });
});

describe("openCheckpointer, PostgreSQL unreachable", () => {
  it("fails at once when nothing listens, naming POSTGRES_URI with the password masked", async () => {
    const port = await freePort();
    const started = performance.now();
    const error = await openCheckpointer(readSettings({ POSTGRES_URI: `postgresql://alice:s3cret@127.0.0.1:${port}/threads` })).catch((e: Error) => e);
    expect(performance.now() - started).toBeLessThan(DEFAULT_CONNECT_TIMEOUT_MS);
    expect(error).toMatchObject({
      name: "CheckpointerError",
      kind: "postgres",
      where: `postgresql://alice:***@127.0.0.1:${port}/threads`,
      message: `POSTGRES_URI postgresql://alice:***@127.0.0.1:${port}/threads: connection refused (is PostgreSQL running and listening there?)`,
    });
  });

  it("gives up on a server that never answers within the connect bound", async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => void sockets.add(socket)).listen(0, "127.0.0.1");
    await once(silent, "listening");
    const { port } = silent.address() as { port: number };
    try {
      const started = performance.now();
      const uri = `postgres://bob:pw@127.0.0.1:${port}/db?password=pw`;
      await expect(openCheckpointer(readSettings({ POSTGRES_URI: uri }), { connectTimeoutMs: 500 })).rejects.toThrow(
        `POSTGRES_URI postgres://bob:***@127.0.0.1:${port}/db?password=***: no answer within 0.5 s`,
      );
      expect(performance.now() - started).toBeLessThan(3_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});
