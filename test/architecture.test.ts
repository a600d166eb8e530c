/**
 * The layering `docs/architecture.md` describes, checked on every import of every TypeScript file:
 * product code imports only its own folder or a lower layer, another folder only through its public
 * face (`index.ts`), and no two files import each other, directly or around a loop.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Lowest first. A folder may import the folders before it in this list, never those after. */
const LAYERS = [["lib"], ["servers"], ["adapters"], ["graph"], ["offline"], ["app"], ["test/support"], ["cli", "evals", "bench", "scripts", "test/faults", "test/load", "test"]];
const rank = new Map(LAYERS.flatMap((names, index) => names.map((name) => [name, index] as const)));

const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.ts"], { cwd: ROOT, encoding: "utf8" })
  .split("\n")
  .filter((file) => file && !file.startsWith("node_modules/") && !file.includes("/node_modules/"));

function folderOf(file: string): string {
  if (file.startsWith("test/support/")) return "test/support";
  const [first, second] = file.split("/");
  if (first === "test" && second && !second.endsWith(".ts")) return `test/${second}`;
  return file.includes("/") ? first! : ".";
}

const isTest = (file: string) => file.endsWith(".test.ts");
const isFace = (file: string) => /(^|\/)index\.ts$/.test(file) || file === "app/studio-graph.ts";

/** Relative imports (static, re-exports and dynamic), resolved to repository paths. */
function importsOf(file: string): string[] {
  const source = readFileSync(join(ROOT, file), "utf8");
  const specifiers = [...source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^"'`;]*?from\s+["'](\.[^"']+)["']|import\(\s*["'](\.[^"']+)["']\s*\)/g)].map(
    (match) => match[1] ?? match[2]!,
  );
  return specifiers.map((specifier) => normalize(join(dirname(file), specifier)).replace(/\.js$/, ".ts"));
}

const graph = new Map(files.map((file) => [file, importsOf(file).filter((target) => files.includes(target))]));

/** The environment variables this application reads (app/settings.ts, servers/shared/run.ts). */
const OURS = /^(MCP_|MATH_|WEATHER_|OPENAI_|POSTGRES_)/;

function variablesReadOnImport(module: string): string[] {
  const output = execFileSync(process.execPath, ["--import", "tsx", "test/support/env-probe.ts", module], { cwd: ROOT, encoding: "utf8" });
  return (JSON.parse(output.trim().split("\n").at(-1)!) as string[]).filter((name) => OURS.test(name));
}

describe("architecture", () => {
  it("reads none of our environment variables when graph/, adapters/ or app/ is imported", () => {
    for (const module of ["graph/index.ts", "adapters/index.ts", "app/index.ts", "servers/index.ts"]) {
      expect({ module, read: variablesReadOnImport(module) }).toEqual({ module, read: [] });
    }
    // The probe sees reads: the one module meant to read the environment on import does.
    expect(variablesReadOnImport("app/studio-graph.ts")).toContain("MATH_SERVER_PORT");
  }, 60_000);

  it("has no server name, port or variable of this application in adapters/ or graph/", () => {
    const leaks = files
      .filter((file) => /^(adapters|graph)\//.test(file) && !isTest(file))
      .filter((file) => /\b(58000|58001|MATH_SERVER_PORT|WEATHER_SERVER_PORT|MCP_AUTH_TOKEN|MathServer|WeatherServer)\b/.test(readFileSync(join(ROOT, file), "utf8")));
    expect(leaks).toEqual([]);
  });

  it("knows the layer of every folder", () => {
    const unknown = [...new Set(files.map(folderOf))].filter((folder) => folder !== "." && !rank.has(folder));
    expect(unknown).toEqual([]);
  });

  it("imports only downward, and other folders only through their public face", () => {
    const problems: string[] = [];
    for (const [file, targets] of graph) {
      const from = folderOf(file);
      for (const target of targets) {
        const to = folderOf(target);
        if (to === from || from === ".") continue;
        // Tests are consumers: they may use any folder's public face and the shared test support.
        if (isTest(file)) {
          if (!isFace(target) && to !== "test/support") problems.push(`${file} → ${target} (not a public face)`);
          continue;
        }
        if ((rank.get(to) ?? 0) >= (rank.get(from) ?? 0)) problems.push(`${file} → ${target} (${to} is not below ${from})`);
        else if (!isFace(target) && to !== "test/support") problems.push(`${file} → ${target} (not a public face)`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("has no import cycle between files", () => {
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const visit = (file: string) => {
      state.set(file, "open");
      stack.push(file);
      for (const target of graph.get(file) ?? []) {
        if (state.get(target) === "open") cycles.push([...stack.slice(stack.indexOf(target)), target].map((f) => relative(".", f)).join(" → "));
        else if (!state.has(target)) visit(target);
      }
      stack.pop();
      state.set(file, "done");
    };
    for (const file of files) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });
});
