// @ts-check
/* global console, performance, URL */
/**
 * The build: the CLI (cli/start.ts) bundled with esbuild into `dist/`, our sources and the packages
 * they import together, so that a start loads a dozen files instead of some 740 modules (a cold start
 * of `npm start` takes about half the CPU it took run file by file). What a run may not need is split
 * into chunks loaded on first use: the local servers' stack, stdio, the checkpointers, each model
 * provider. No type check: that is `npm run typecheck`, which `npm test` runs.
 * Plain JavaScript, so that it runs before anything is built.
 *
 *   node scripts/build.mjs            (npm run build; npm ci and npm install run it as `prepare`)
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DIST = join(ROOT, "dist");
/** Written last in a build: one without it is incomplete. Its time is the build's. */
const STAMP_NAME = ".built";
const FOLDERS = ["lib", "servers", "adapters", "graph", "offline", "app", "cli"];
/** Files outside the folders whose change changes the build (the lock: the packages are bundled too). */
const INPUTS = ["package.json", "package-lock.json", "tsconfig.json", "scripts/build.mjs"];
/** Loaded from node_modules at run time: a native addon, which a bundle cannot hold. */
const EXTERNAL = ["better-sqlite3"];
/** Where LangChain's initChatModel imports a provider's package by a name it computes. */
const PROVIDER_IMPORT = "await import(config.package)";

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
 * sources: an installed copy).
 * @returns {{ reason: string } | undefined}
 */
function staleness() {
  if (!statSync(join(ROOT, "lib"), { throwIfNoEntry: false })) return undefined;
  const built = statSync(join(DIST, STAMP_NAME), { throwIfNoEntry: false })?.mtimeMs;
  if (built === undefined) return { reason: "there is no build yet" };
  const changed = [];
  for (const path of sources()) {
    if ((statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0) > built) changed.push(path);
  }
  if (changed.length === 0) return undefined;
  const files = changed.filter((path) => isModule(path) || INPUTS.includes(relative(ROOT, path)));
  const named = files.length === 1 ? relative(ROOT, files[0]) : files.length > 1 ? `${files.length} files` : relative(ROOT, changed[0]);
  return { reason: `${named} changed since the last build` };
}

/**
 * Rebuilds `dist/` when {@link staleness} finds it stale: what `npm start` and the tests do first.
 * @returns {Promise<string | undefined>} what was done, for a line on standard error, or undefined
 *   when the build was up to date
 * @throws {Error} saying why the build was stale and why rebuilding failed
 */
export async function buildIfStale() {
  const stale = staleness();
  if (!stale) return undefined;
  const started = performance.now();
  try {
    await build();
  } catch (error) {
    throw new Error(`${stale.reason}, and rebuilding failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return `${stale.reason}; rebuilt dist/ in ${Math.round(performance.now() - started)} ms`;
}

/**
 * An esbuild plugin for LangChain's `initChatModel`, which imports a provider's package by a computed
 * name that a bundler cannot follow. Left so, ChatOpenAI would load from node_modules with a second
 * copy of @langchain/core beside the bundle's, and messages and models would cross between the two.
 * Every provider package installed at build time is bundled instead, on the bundle's one
 * @langchain/core; a provider installed later changes the lock, and the next start rebuilds.
 * @returns {import("esbuild").Plugin}
 */
function bundledProviders() {
  // Where npm installs a project's dependencies; a package's own exports may hide its package.json.
  const installed = (name) => existsSync(join(ROOT, "node_modules", name, "package.json"));
  return {
    name: "bundled-providers",
    setup(build) {
      build.onLoad({ filter: /[\\/]langchain[\\/]dist[\\/]chat_models[\\/]universal\.js$/ }, (args) => {
        const source = readFileSync(args.path, "utf8");
        if (!source.includes(PROVIDER_IMPORT)) {
          throw new Error(`${args.path} no longer has \`${PROVIDER_IMPORT}\`: see bundledProviders() in scripts/build.mjs`);
        }
        const packages = [...new Set([...source.matchAll(/package: "([^"]+)"/g)].map((match) => match[1]))].filter(installed);
        const table = packages.map((name) => `  ${JSON.stringify(name)}: () => import(${JSON.stringify(name)}),`).join("\n");
        return {
          contents: `const bundledProviders = {\n${table}\n};\n${source.replace(PROVIDER_IMPORT, "await (bundledProviders[config.package] ?? (() => import(config.package)))()")}`,
          loader: "js",
          resolveDir: join(args.path, ".."),
        };
      });
    },
  };
}

/**
 * Bundles the CLI into `dist` (default `dist/`), replacing what was there: `cli/start.js`, the chunks
 * it loads in `chunks/` (both one folder below `dist`, as lib/root.ts expects), and linked source maps
 * (`node --enable-source-maps` reports our sources' lines). Built beside it and swapped in whole, so
 * that a CLI starting meanwhile never meets half a build.
 * @param {string} [dist] where to build (a test builds elsewhere than `dist/`)
 * @throws {Error} on a syntax or resolution error, naming each file and leaving the build as it was.
 */
export async function build(dist = DIST) {
  // Imported here: a checkout that is up to date never loads esbuild.
  const esbuild = await import("esbuild");
  const next = `${dist}.${process.pid}.next`;
  // The stamp gets the time the build began: a file saved while it ran is older than what was read.
  const began = new Date();
  rmSync(next, { recursive: true, force: true });
  try {
    await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: { "cli/start": join(ROOT, "cli", "start.ts") },
      outdir: next,
      chunkNames: "chunks/[name]-[hash]",
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node20.19",
      external: EXTERNAL,
      plugins: [bundledProviders()],
      // Bundled CommonJS packages still call require(), which an ES module lacks.
      banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
      sourcemap: "linked",
      sourcesContent: false,
      logLevel: "silent",
    });
  } catch (error) {
    rmSync(next, { recursive: true, force: true });
    const errors = /** @type {{ errors?: { text: string, location?: { file: string, line: number } }[] }} */ (error).errors;
    if (!errors) throw error;
    throw new Error(`build failed:\n${errors.map((e) => (e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text)).join("\n")}`, { cause: error });
  }
  // The nearest package.json keeps dist/ an ES module scope.
  const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  writeFileSync(join(next, "package.json"), `${JSON.stringify({ private: true, type: "module", version }, null, 2)}\n`);
  const stamp = join(next, STAMP_NAME);
  writeFileSync(stamp, "");
  utimesSync(stamp, began, began);
  // The old build is moved aside rather than deleted first, so a CLI starting meanwhile finds one of
  // the two builds rather than none for as long as the deletion takes.
  const old = `${dist}.${process.pid}.old`;
  try {
    renameSync(dist, old);
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code !== "ENOENT") throw error;
  }
  try {
    renameSync(next, dist);
  } catch (error) {
    // Another build of the same sources swapped its own in first: theirs serves as well as ours.
    rmSync(next, { recursive: true, force: true });
    if (!statSync(join(dist, STAMP_NAME), { throwIfNoEntry: false })) throw error;
  } finally {
    rmSync(old, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    await build();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
