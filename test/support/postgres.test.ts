import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { isRunning, startPostgres } from "./postgres.js";

const run = promisify(execFile);
describe("startPostgres", () => {
  it("starts a server on 127.0.0.1 that stop() ends and removes", async () => {
    const server = await startPostgres();
    expect(server.uri).toBe(`postgresql://postgres@127.0.0.1:${server.port}/postgres`);
    expect(isRunning(server.pid)).toBe(true);
    const started = performance.now();
    await server.stop();
    const stopMs = performance.now() - started;
    console.log(`postgres: start ${(server.startMs / 1000).toFixed(2)} s, stop ${(stopMs / 1000).toFixed(2)} s`);
    expect(isRunning(server.pid)).toBe(false);
    expect(existsSync(server.dir)).toBe(false);
    await server.stop();
  });

  it("stops the server of a process that dies of an error without calling stop()", async () => {
    const script = `
      const { startPostgres } = await import(${JSON.stringify(new URL("./postgres.ts", import.meta.url).href)});
      const server = await startPostgres();
      console.log(JSON.stringify({ pid: server.pid, dir: server.dir }));
      throw new Error("a test that fails before afterAll");`;
    const child = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { timeout: 30_000 }).catch(
      (error: { code?: number; stdout: string }) => error,
    );
    expect(child).toMatchObject({ code: 1 });
    const { pid, dir } = JSON.parse(child.stdout.trim()) as { pid: number; dir: string };
    expect(isRunning(pid)).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });
});
