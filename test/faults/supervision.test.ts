import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { recordFigure } from "../support/figures.js";
import { rawRequest } from "../support/raw-http.js";
import { assertServes } from "../support/sdk-client.js";
import { PROCESS_TIMEOUT_MS, ROOT } from "../support/server-process.js";

/** The target: a killed server answers again within this, while the other never stops. */
const BACK_WITHIN_MS = 10_000;

interface Supervisor {
  pid: number;
  output(): string;
  exited: Promise<number | null>;
  /** The pid and port of a server once main.ts reported it up for the `nth` time (1 = first start). */
  up(name: string, nth?: number, timeoutMs?: number): Promise<{ pid: number; port: number }>;
  /** Kills main.ts and every server pid it reported (SIGKILL): cleanup whatever the test did. */
  killAll(): void;
}

/** `npm run servers`, as node with tsx's loader so that `pid` is main.ts itself (npm would not forward SIGTERM). */
function startSupervisor(env: Record<string, string> = {}, ownProcessGroup = false): Supervisor {
  const child = spawn(process.execPath, ["--import", "tsx", "servers/main.ts"], {
    cwd: ROOT,
    // Its own process group, so a test can send the group a signal as a terminal's Ctrl-C does.
    detached: ownProcessGroup,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", MATH_SERVER_PORT: "0", WEATHER_SERVER_PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const reported = (name: string) => [...output.matchAll(new RegExp(`${name} (?:back )?up \\(pid (\\d+), port (\\d+)\\)`, "g"))].map((match) => ({ pid: Number(match[1]), port: Number(match[2]) }));
  return {
    pid: child.pid!,
    output: () => output,
    exited,
    async up(name, nth = 1, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (reported(name).length < nth) {
        if (Date.now() > deadline) throw new Error(`${name} was not up (${nth}) within ${timeoutMs} ms:\n${output}`);
        if (child.exitCode !== null) throw new Error(`servers/main.ts exited (${child.exitCode}):\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return reported(name)[nth - 1]!;
    },
    killAll() {
      for (const { pid } of [...reported("MathServer"), ...reported("WeatherServer")]) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}

async function answers(url: string): Promise<boolean> {
  return rawRequest(`${url}/healthz`, { timeoutMs: 1_000 }).then(
    (response) => response.status === 200,
    () => false,
  );
}

/**
 * Issue #13, item 1's second half: a server process that died took `npm run servers` and the other
 * server with it. servers/main.ts now restarts it on its port while the other keeps serving.
 */
describe("npm run servers supervises its server processes", { timeout: PROCESS_TIMEOUT_MS }, () => {
  it("a SIGKILLed MathServer is back on the same port within 10 s; WeatherServer answers throughout; SIGTERM still stops both with exit 0", async () => {
    const supervisor = startSupervisor();
    try {
      const [math, weather] = await Promise.all([supervisor.up("MathServer"), supervisor.up("WeatherServer")]);
      const mathUrl = `http://127.0.0.1:${math.port}`;
      const weatherUrl = `http://127.0.0.1:${weather.port}`;
      await assertServes(mathUrl, "http", "math");

      process.kill(math.pid, "SIGKILL");
      const killedAt = Date.now();
      let weatherChecks = 0;
      let weatherFailures = 0;
      let mathDownSeen = false;
      let backAfterMs: number | undefined;
      while (Date.now() - killedAt < BACK_WITHIN_MS + 20_000) {
        weatherChecks++;
        if (!(await answers(weatherUrl))) weatherFailures++;
        const mathAnswers = await answers(mathUrl);
        if (!mathAnswers) mathDownSeen = true;
        else if (mathDownSeen) {
          backAfterMs = Date.now() - killedAt;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      recordFigure("supervision.math-back-after-ms", backAfterMs ?? "never");
      recordFigure("supervision.weather-checks-while-down", weatherChecks);
      expect(mathDownSeen, "math never looked down: was it killed?").toBe(true);
      expect(backAfterMs, supervisor.output()).toBeDefined();
      expect(backAfterMs!).toBeLessThan(BACK_WITHIN_MS);
      expect(weatherFailures).toBe(0);
      const restarted = await supervisor.up("MathServer", 2);
      expect(restarted.port).toBe(math.port);
      expect(restarted.pid).not.toBe(math.pid);
      expect(supervisor.output()).toMatch(new RegExp(`MathServer \\(pid ${math.pid}\\) was killed by SIGKILL; restarting it in 0\\.25 s on port ${math.port} \\(restart 1 of at most 5 per 60 s\\)`));
      await assertServes(mathUrl, "sse", "math");
      await assertServes(weatherUrl, "http", "weather");

      process.kill(supervisor.pid, "SIGTERM");
      expect(await supervisor.exited, supervisor.output()).toBe(0);
      for (const url of [mathUrl, weatherUrl]) expect(await answers(url)).toBe(false);
    } finally {
      supervisor.killAll();
    }
  });

  it("past MCP_RESTART_LIMIT crashes in the window it gives up: both stop, exit 1", async () => {
    const supervisor = startSupervisor({ MCP_RESTART_LIMIT: "1", MCP_RESTART_WINDOW_MS: "60000" });
    try {
      const [first, weather] = await Promise.all([supervisor.up("MathServer"), supervisor.up("WeatherServer")]);
      process.kill(first.pid, "SIGKILL");
      const second = await supervisor.up("MathServer", 2);
      process.kill(second.pid, "SIGKILL");
      expect(await supervisor.exited).toBe(1);
      expect(supervisor.output()).toMatch(/MathServer \(pid \d+\) was killed by SIGKILL, after 1 restarts within 60 s \(MCP_RESTART_LIMIT 1\); giving up/);
      expect(supervisor.output()).toMatch(/stopping WeatherServer/);
      expect(await answers(`http://127.0.0.1:${weather.port}`)).toBe(false);
    } finally {
      supervisor.killAll();
    }
  });

  it("Ctrl-C (SIGINT to the whole process group, children included) stops both with exit 0 and restarts nothing", async () => {
    const supervisor = startSupervisor({}, true);
    try {
      const [math, weather] = await Promise.all([supervisor.up("MathServer"), supervisor.up("WeatherServer")]);
      // The group is the one this test created: its id is the supervisor's own pid.
      process.kill(-supervisor.pid, "SIGINT");
      // Each child gets Ctrl-C twice (the terminal's and the one main.ts forwards); the second may land
      // after it closed, while Node is exiting, and kill it: main.ts counts that a clean stop.
      expect(await supervisor.exited, supervisor.output()).toBe(0);
      // Both handled the first and closed their servers, rather than dying of it.
      expect(supervisor.output()).toMatch(/SIGINT: stopping MathServer/);
      expect(supervisor.output()).toMatch(/SIGINT: stopping WeatherServer/);
      expect(supervisor.output()).not.toMatch(/restarting|giving up|while stopping/);
      for (const port of [math.port, weather.port]) expect(await answers(`http://127.0.0.1:${port}`)).toBe(false);
    } finally {
      supervisor.killAll();
    }
  });
});
