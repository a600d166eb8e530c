/**
 * `node --import ./test/support/import-log.mjs …` with IMPORT_LOG_FILE set: appends the URL of every
 * module the process loads through the ES module loader to that file, one per line. For asserting
 * what a built program loads from outside its build. (The same file is the hooks module it registers.)
 */
import { appendFileSync } from "node:fs";
import { register } from "node:module";
import process from "node:process";
import { isMainThread } from "node:worker_threads";

if (isMainThread) register(import.meta.url, { data: process.env.IMPORT_LOG_FILE });

let file;
export function initialize(data) {
  file = data;
}

// The load hook, not resolve: resolving a name (import.meta.resolve) loads nothing.
export async function load(url, context, next) {
  if (file) appendFileSync(file, `${url}\n`);
  return next(url, context);
}
