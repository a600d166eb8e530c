import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { callTool, connect, openStream, rawRequest, textOf, waitFor } from "../test/support/connections.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Spawns a main.ts; the process is SIGKILLed when the calling test ends, pass or fail. */
function run(entry: string, env: Record<string, string>, onTestFinished: (cleanup: () => void) => void) {
  // Node with tsx's loader, not `npx tsx`: npm does not forward SIGTERM to the command it runs (it exits
  // 143 and orphans it), and each wrapper process costs startup time.
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

function listeningUrl(stdout: string, name: string): string | undefined {
  return new RegExp(`${name} listening on (http://\\S+)`).exec(stdout)?.[1];
}

test.concurrent("servers/main.ts starts both servers on free ports, prints their URLs, and stops cleanly on SIGTERM", async ({
  onTestFinished,
}) => {
  const servers = run("servers/main.ts", { MATH_SERVER_PORT: "0", WEATHER_SERVER_PORT: "0" }, onTestFinished);
  const bothListening = () =>
    listeningUrl(servers.stdout(), "MathServer") !== undefined && listeningUrl(servers.stdout(), "WeatherServer") !== undefined;
  // Three TypeScript processes start here; on a loaded two-core CI machine that can take a while.
  await waitFor(bothListening, 60_000).catch((error: unknown) => {
    throw new Error(`${String(error)}\nstdout:\n${servers.stdout()}\nstderr:\n${servers.stderr()}`);
  });
  const mathUrl = listeningUrl(servers.stdout(), "MathServer") ?? "";
  const weatherUrl = listeningUrl(servers.stdout(), "WeatherServer") ?? "";
  expect(mathUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(mathUrl).not.toBe(weatherUrl);

  const math = await connect(mathUrl, "http");
  expect(textOf(await callTool(math.client, "multiply", { a: 5, b: 24 }))).toBe("120");
  const weather = await connect(weatherUrl, "sse");
  expect(textOf(await callTool(weather.client, "get_weather", { city: "Berlin" }))).toMatch(/^Simulated weather for Berlin: /);
  // An open legacy SSE stream must not hold shutdown up.
  const stream = await openStream(`${weatherUrl}/sse`);

  servers.child.kill("SIGTERM");
  expect(await servers.exited).toBe(0);
  await stream.ended;
  expect(servers.stdout()).toMatch(/SIGTERM: stopping MathServer/);
  expect(servers.stdout()).toMatch(/SIGTERM: stopping WeatherServer/);
  await math.client.close();
  await weather.client.close();
}, 90_000);

test.concurrent("a bad environment variable exits 1 naming the variable", async ({ onTestFinished }) => {
  const servers = run("servers/math/main.ts", { MATH_SERVER_PORT: "eighty" }, onTestFinished);
  expect(await servers.exited).toBe(1);
  expect(servers.stderr()).toMatch(/Invalid environment: MATH_SERVER_PORT: must be a port number/);
}, 60_000);

test.concurrent("server processes do not outlive a killed servers/main.ts", async ({ onTestFinished }) => {
  const servers = run("servers/main.ts", { MATH_SERVER_PORT: "0", WEATHER_SERVER_PORT: "0" }, onTestFinished);
  await waitFor(() => listeningUrl(servers.stdout(), "WeatherServer") !== undefined, 60_000);
  await waitFor(() => listeningUrl(servers.stdout(), "MathServer") !== undefined, 60_000);
  const urls = ["MathServer", "WeatherServer"].map((name) => listeningUrl(servers.stdout(), name) ?? "");
  for (const url of urls) expect((await rawRequest(`${url}/healthz`)).status).toBe(200);

  servers.child.kill("SIGKILL");
  await servers.exited;
  // Each child notices its IPC channel closing and shuts down.
  const refused = (url: string) => rawRequest(`${url}/healthz`).then(() => false, () => true);
  for (const url of urls) await waitFor(() => refused(url), 20_000);
}, 90_000);
