// @ts-check
/* global console, URL */
/**
 * The build: every TypeScript file the CLI runs (lib, servers, adapters, graph, offline, app, cli;
 * no tests) transpiled file by file to `dist/`, as tsx would run it, and the JSON data they import
 * copied beside them. No type check: that is
 * `npm run typecheck`, which `npm test` runs; transpiling alone keeps `npm ci` and a rebuild under
 * a second. Plain JavaScript, so that it runs before anything is built.
 *
 *   node scripts/build.mjs            (npm run build; npm ci and npm install run it as `prepare`)
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { createRequire } from "node:module";
import process from "node:process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const DIST = join(ROOT, "dist");
/** Written last: a build without it is incomplete. Its time is the build's. */
export const STAMP = join(DIST, ".built");
const FOLDERS = ["lib", "servers", "adapters", "graph", "offline", "app", "cli"];
/** Files outside the folders whose change changes the build. */
const INPUTS = ["package.json", "tsconfig.json", "scripts/build.mjs"];

/** A file the built code runs or imports: TypeScript (not tests, not declarations), or JSON data it imports. */
function isModule(name) {
  return name.endsWith(".json") || (name.endsWith(".ts") && !name.endsWith(".test.ts") && !name.endsWith(".d.ts"));
}

/** Every source file and folder of the build (folders too: a deleted file changes its folder's time). */
function* sources() {
  const walk = function* (dir) {
    yield dir;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) yield* walk(path);
      else if (isModule(entry.name)) yield path;
    }
  };
  for (const folder of FOLDERS) yield* walk(join(ROOT, folder));
  for (const input of INPUTS) yield join(ROOT, input);
}

/**
 * What keeps `dist/` from being run as it is, or undefined when it is up to date (or there are no
 * sources: an installed copy). `files` are the changed sources when only files changed; a new or
 * deleted file (its folder changed), a changed input or a missing build need a full build.
 * @returns {{ reason: string, files?: string[] } | undefined}
 */
export function staleness() {
  if (!statSync(join(ROOT, "lib"), { throwIfNoEntry: false })) return undefined;
  const built = statSync(STAMP, { throwIfNoEntry: false })?.mtimeMs;
  if (built === undefined) return { reason: "there is no build yet" };
  const changed = [];
  for (const path of sources()) {
    if (statSync(path).mtimeMs <= built) continue;
    if (!isModule(path) || INPUTS.includes(relative(ROOT, path))) return { reason: `${relative(ROOT, path)} changed since the last build` };
    changed.push(path);
  }
  if (changed.length === 0) return undefined;
  const named = changed.length === 1 ? relative(ROOT, changed[0]) : `${changed.length} files`;
  return { reason: `${named} changed since the last build`, files: changed };
}

/**
 * Transpiles `files` into `dist/`, or every source into a fresh `dist/` when none are given.
 * @param {string[]} [files]
 * @param {string} [dist] where to build (a test builds elsewhere than `dist/`)
 * @throws {Error} on a syntax error, naming each file and leaving the build stale.
 */
export function build(files, dist = DIST) {
  const stamp = join(dist, ".built");
  // require, not import: an ES import of the 9 MB CommonJS file scans it for exports first (+1 s).
  const ts = createRequire(import.meta.url)("typescript");
  const { config } = ts.readConfigFile(join(ROOT, "tsconfig.json"), ts.sys.readFile);
  const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, ROOT);
  // Every file is an ES module ("type": "module"); transpiling one file alone cannot look that up.
  const compilerOptions = { ...options, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, noEmit: false, sourceMap: true };
  // The stamp gets the time the build began: a file saved while it ran is older than what was read.
  const began = new Date();
  rmSync(stamp, { force: true });
  if (!files) rmSync(dist, { recursive: true, force: true });
  const problems = [];
  for (const path of files ?? [...sources()].filter((path) => statSync(path).isFile() && !INPUTS.includes(relative(ROOT, path)))) {
    const rel = relative(ROOT, path);
    if (path.endsWith(".json")) {
      // Data the code imports (`with { type: "json" }`) is copied as it is.
      mkdirSync(dirname(join(dist, rel)), { recursive: true });
      copyFileSync(path, join(dist, rel));
      continue;
    }
    const out = join(dist, rel.replace(/\.ts$/, ".js"));
    const { outputText, sourceMapText, diagnostics = [] } = ts.transpileModule(readFileSync(path, "utf8"), {
      compilerOptions,
      fileName: path,
      reportDiagnostics: true,
    });
    for (const diagnostic of diagnostics) problems.push(`${rel}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`);
    mkdirSync(dirname(out), { recursive: true });
    const map = JSON.parse(sourceMapText ?? "{}");
    map.sources = [relative(dirname(out), path)];
    writeFileSync(out, outputText);
    writeFileSync(`${out}.map`, JSON.stringify(map));
  }
  if (problems.length > 0) throw new Error(`build failed:\n${problems.join("\n")}`);
  // The built files import ../package.json as the sources do (servers/shared/version.ts); the nearest
  // package.json also keeps dist/ an ES module scope.
  const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  writeFileSync(join(dist, "package.json"), `${JSON.stringify({ private: true, type: "module", version }, null, 2)}\n`);
  writeFileSync(stamp, "");
  utimesSync(stamp, began, began);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    build();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
