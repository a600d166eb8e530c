// @ts-check
/**
 * Preloaded into every Node process of a cold-start run (NODE_OPTIONS=--import …): on exit, appends
 * one line `<script> <peak RSS in bytes>` to the file in BENCH_PEAK_RSS_FILE, npm's own processes too.
 */
import { appendFileSync } from "node:fs";
import process from "node:process";

const file = process.env.BENCH_PEAK_RSS_FILE;
if (file) {
  process.on("exit", () => appendFileSync(file, `${process.argv[1] ?? "-"} ${process.resourceUsage().maxRSS * 1024}\n`));
}
