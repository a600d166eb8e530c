#!/usr/bin/env node
// @ts-check
/* global console, performance */
/**
 * `npm start` and `npx mcp-graph`: the CLI (cli/start.ts) from the build in dist/. In a checkout
 * whose sources changed since the last build it rebuilds first, saying so on standard error, so
 * that an edit is never silently ignored; `node dist/cli/start.js` runs the build as it is.
 */
import process from "node:process";
import { build, staleness } from "../scripts/build.mjs";

const stale = staleness();
if (stale) {
  const started = performance.now();
  try {
    await build();
  } catch (error) {
    console.error(`mcp-graph: ${stale.reason}, and rebuilding failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  console.error(`mcp-graph: ${stale.reason}; rebuilt dist/ in ${Math.round(performance.now() - started)} ms`);
}
await import("../dist/cli/start.js");
