import { fileURLToPath } from "node:url";

/**
 * The project's root directory, for a module one folder below it (`app/x.ts`, `cli/x.ts`): the same
 * whether the module runs from the sources (tsx, vitest) or from the build (`dist/app/x.js`).
 */
export function projectRoot(moduleUrl: string): string {
  return fileURLToPath(new URL(moduleUrl.endsWith(".ts") ? ".." : "../..", moduleUrl));
}
