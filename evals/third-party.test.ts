import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT, main } from "./cli.js";
import type { EvalReport } from "./report.js";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const DATASET = join(ROOT, "evals/datasets/third-party.jsonl");
/** A bounded part of the set: each read/write class once, and questions that must not call. */
const IDS = ["list-01", "list-02", "read-01", "search-01", "tree-01", "write-01", "mkdir-01", "move-01", "echo-01", "none-02", "ask-01", "struct-02"];
const WRITES = new Set(["write_file", "edit_file", "create_directory", "move_file"]);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "evals-third-party-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the third-party set against server-filesystem and server-everything", () => {
  it("never writes for a read question, and makes the calls the set expects", async () => {
    const lines = (await readFile(DATASET, "utf8")).trim().split("\n").filter((line) => IDS.includes((JSON.parse(line) as { id: string }).id));
    const file = join(dir, "third-party.jsonl");
    await writeFile(file, `${lines.join("\n")}\n`);
    const json = join(dir, "report.json");
    const io = { env: {}, cwd: ROOT, stdout: { write: () => true }, stderr: { write: () => true } };
    const code = await main(["--dataset", file, "--config", join(ROOT, "evals/datasets/third-party.servers.json"), "--json", json, "--md", join(dir, "r.md")], io);
    expect(code).toBe(EXIT.ok);
    const report = JSON.parse(await readFile(json, "utf8")) as EvalReport;
    const readsThatWrote = report.items.filter((i) => !/^(?:write|mkdir|move)-/.test(i.id) && i.got.calls.some((c) => WRITES.has(c.tool)));
    expect(readsThatWrote.map((i) => i.id)).toEqual([]);
    expect(report.items.filter((i) => !i.scores.call).map((i) => [i.id, i.got.calls[0]?.tool ?? "none"])).toEqual([]);
  }, 120_000);
});
