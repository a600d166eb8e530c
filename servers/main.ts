/**
 * `npm run servers`: runs MathServer and WeatherServer, each in its own process as in production, and
 * stops both on Ctrl-C/SIGTERM (exit 0). If either dies on its own, the other is stopped and we exit 1.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseServerEnv } from "./shared/run.js";

const ENTRY_POINTS = ["./math/main.ts", "./weather/main.ts"];

async function main(): Promise<number> {
  // Fail once, here, rather than twice in the children.
  parseServerEnv(process.env);

  // process.execArgv carries tsx's loader flags, so the children run TypeScript the way we do.
  const children = ENTRY_POINTS.map((entry) =>
    spawn(process.execPath, [...process.execArgv, fileURLToPath(new URL(entry, import.meta.url))], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    }),
  );
  let signalled = false;
  let stopping = false;
  const stopAll = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    signalled = true;
    stopAll(signal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const codes = await Promise.all(
    children.map(
      (child) =>
        new Promise<number>((resolve) => {
          child.once("exit", (code) => {
            stopAll("SIGTERM");
            resolve(code ?? 1);
          });
          child.once("error", (error) => {
            console.error(`Could not run a server process: ${error.message}`);
            stopAll("SIGTERM");
            resolve(1);
          });
        }),
    ),
  );
  return signalled && codes.every((code) => code === 0) ? 0 : 1;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
