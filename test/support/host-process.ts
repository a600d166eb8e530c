import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { ROOT } from "./server-process.js";

/** A reply line from test/support/host-child.ts. */
export type HostReply = Record<string, unknown> & { unhandled: string[] };

export interface HostProcess {
  pid: number;
  /** Sends one command and waits for its reply (commands are answered in order). */
  send(command: Record<string, unknown>, timeoutMs?: number): Promise<HostReply>;
  /** Sends `close`, ends stdin and waits for the process to exit by itself; SIGKILL after `graceMs`. */
  closeAndWait(graceMs?: number): Promise<{ code: number | string; exitedByItself: boolean; closeReply: HostReply | undefined }>;
  stderr(): string;
  kill(): void;
}

/** Starts the host fixture with these options (see host.ts) and extra environment. */
export function startHost(options: Record<string, unknown>, env: Record<string, string> = {}): HostProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "test/support/host-child.ts", JSON.stringify(options)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")));
  const pending: Array<(reply: HostReply) => void> = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    let reply: HostReply;
    try {
      reply = JSON.parse(line) as HostReply;
    } catch {
      stderr += `[stdout] ${line}\n`;
      return;
    }
    pending.shift()?.(reply);
  });
  process.once("exit", () => child.kill("SIGKILL"));

  const send = (command: Record<string, unknown>, timeoutMs = 30_000) =>
    new Promise<HostReply>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`host gave no reply to ${JSON.stringify(command)} within ${timeoutMs} ms\n${stderr}`)), timeoutMs);
      pending.push((reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`host exited (${code}) before answering ${JSON.stringify(command)}\n${stderr}`));
      });
      child.stdin.write(`${JSON.stringify(command)}\n`);
    });

  return {
    pid: child.pid!,
    send,
    stderr: () => stderr,
    kill: () => child.kill("SIGKILL"),
    async closeAndWait(graceMs = 5_000) {
      const closeReply = child.exitCode === null ? await send({ op: "close" }).catch(() => undefined) : undefined;
      child.stdin.end();
      let exitedByItself = true;
      const timer = setTimeout(() => {
        exitedByItself = false;
        child.kill("SIGKILL");
      }, graceMs);
      const code = await exited;
      clearTimeout(timer);
      return { code, exitedByItself, closeReply };
    },
  };
}
