import { appendFileSync } from "node:fs";

/**
 * Reports a measured figure (fuzz cases run, faults survived) for the reliability table: printed
 * always, and appended as a JSON line to `$FAULTS_FIGURES_FILE` when set, so a run can collect them.
 */
export function recordFigure(name: string, value: number | string): void {
  console.log(`[figure] ${name} = ${value}`);
  const file = process.env.FAULTS_FIGURES_FILE;
  if (file) appendFileSync(file, `${JSON.stringify({ name, value, at: new Date().toISOString() })}\n`);
}
