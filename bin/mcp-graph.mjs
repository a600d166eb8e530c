#!/usr/bin/env node
// @ts-check
/* global console */
/**
 * `npm start` and `npx mcp-graph`: the CLI (cli/start.ts) from the build in dist/. In a checkout
 * whose sources changed since the last build it rebuilds first, saying so on standard error, so
 * that an edit is never silently ignored; `node dist/cli/start.js` runs the build as it is.
 */
import process from "node:process";
import { buildIfStale } from "../scripts/build.mjs";

try {
  const rebuilt = await buildIfStale();
  if (rebuilt) console.error(`mcp-graph: ${rebuilt}`);
} catch (error) {
  console.error(`mcp-graph: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
await import("../dist/cli/start.js");
