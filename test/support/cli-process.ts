import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time of the run, in milliseconds. */
  durationMs: number;
}

export interface CliOptions {
  /** Standard input, then end of file. */
  input?: string;
  /**
   * Called with each line of standard output; standard input stays open until it calls `end`. For a
   * conversation that waits on the answers (instead of `input`).
   */
  onLine?: (line: string, stdin: { write(text: string): void; end(): void }) => void;
  env?: Record<string, string>;
  /** Run under a pseudo-terminal (`script`), as a person types. */
  terminal?: boolean;
  /** Close our end of its standard output after the first line (what `| head -1` does). */
  closeAfterFirstLine?: boolean;
  /** Killed past this (default 60 s). */
  timeoutMs?: number;
}

const shellQuote = (word: string) => `'${word.replace(/'/g, "'\\''")}'`;

/**
 * Runs `npm start`'s script as a user would (the built CLI, which test/global-setup.ts keeps up to date): our servers on free ports unless the test's env says
 * otherwise, the offline model unless it names another. The process is killed by its PID when it
 * outlives `timeoutMs`.
 */
export function runStart(args: string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const command = [process.execPath, "dist/cli/start.js", ...args];
    const [file, argv] = options.terminal ? ["script", ["-qefc", command.map(shellQuote).join(" "), "/dev/null"]] : [command[0]!, command.slice(1)];
    const child = spawn(file, argv, {
      cwd: ROOT,
      env: { ...process.env, MATH_SERVER_PORT: "0", WEATHER_SERVER_PORT: "0", OPENAI_API_KEY: "", OPENAI_BASE_URL: "", ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let seen = 0;
    const stdin = { write: (text: string) => void child.stdin.write(text), end: () => void child.stdin.end() };
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
      if (options.closeAfterFirstLine && stdout.includes("\n")) child.stdout.destroy();
      const lines = stdout.split("\n");
      for (; seen < lines.length - 1; seen++) options.onLine?.(lines[seen]!, stdin);
    });
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, durationMs: performance.now() - started });
    });
    if (options.onLine) {
      if (options.input) child.stdin.write(options.input);
    } else {
      child.stdin.end(options.input ?? "");
    }
  });
}
