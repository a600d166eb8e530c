import os from "node:os";
import type { Summary } from "./stats.js";

/** One measured figure. `ratio` is `value / baseline's value` when a baseline is named. */
export interface Result {
  name: string;
  unit: string;
  value: number;
  baseline?: string;
  ratio?: number;
}

/** A goal from the issue, checked against a measured value. */
export interface Target {
  name: string;
  /** The goal as a comparison, e.g. "<= 1.1". */
  target: string;
  value: number;
  met: boolean;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  /** One-minute load average when the run started and ended: other work on the machine skews figures. */
  load: { start: number; end: number };
}

export interface BenchReport {
  machine: Machine;
  quick: boolean;
  results: Result[];
  targets: Target[];
}

export function describeMachine(loadAtStart: number): Machine {
  return {
    cpu: os.cpus()[0]?.model.trim() ?? "unknown",
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    load: { start: loadAtStart, end: os.loadavg()[0]! },
  };
}

/** Collects results while the suites run; baselines are referred to by name. */
export class Recorder {
  readonly results: Result[] = [];
  readonly targets: Target[] = [];

  add(name: string, unit: string, value: number, baseline?: string): Result {
    const result: Result = { name, unit, value };
    if (baseline !== undefined) {
      const base = this.get(baseline);
      result.baseline = baseline;
      result.ratio = value / base;
    }
    this.results.push(result);
    return result;
  }

  /** Records a latency summary as `name` (median) and `name/p99`, each against the baseline's. */
  addLatency(name: string, summary: Summary, baseline?: string): void {
    this.add(name, "ms", summary.median, baseline);
    this.add(`${name}/p99`, "ms", summary.p99, baseline === undefined ? undefined : `${baseline}/p99`);
  }

  get(name: string): number {
    const found = this.results.find((result) => result.name === name);
    if (!found) throw new Error(`no result named ${name} was recorded before it was used as a baseline`);
    return found.value;
  }

  has(name: string): boolean {
    return this.results.some((result) => result.name === name);
  }

  /** Checks `value` (or `numerator / denominator` of recorded results) against an upper or lower bound. */
  target(name: string, comparison: "<=" | "<" | ">=", bound: number, value: number): Target {
    const met = comparison === "<=" ? value <= bound : comparison === "<" ? value < bound : value >= bound;
    const target: Target = { name, target: `${comparison} ${bound}`, value, met };
    this.targets.push(target);
    return target;
  }
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return value.toFixed(0);
  if (magnitude >= 100) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

/** A Markdown table of the results (p99 rows folded into their median's row) and one of the targets. */
export function formatTables(report: BenchReport): string {
  const rows: string[][] = [];
  const byName = new Map(report.results.map((result) => [result.name, result]));
  for (const result of report.results) {
    if (result.name.endsWith("/p99") && byName.has(result.name.slice(0, -4))) continue;
    const p99 = byName.get(`${result.name}/p99`);
    rows.push([
      result.name,
      result.unit,
      formatNumber(result.value),
      p99 ? formatNumber(p99.value) : "",
      result.baseline ?? "",
      result.ratio === undefined ? "" : `${formatNumber(result.ratio)}×`,
    ]);
  }
  const lines = [
    table(["result", "unit", "median / value", "p99", "baseline", "ratio"], rows),
    "",
    table(
      ["target", "goal", "measured", "met"],
      report.targets.map((target) => [target.name, target.target, formatNumber(target.value), target.met ? "yes" : "NO"]),
    ),
  ];
  return lines.join("\n");
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(header), `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}
