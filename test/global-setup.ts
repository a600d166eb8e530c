/**
 * Before any test: `dist/` built from the sources as they are, when it is not already (`npm ci` built
 * it; an edit since has not). The tests of `npm start` run the built CLI, what users run, and none of
 * them may rebuild it while another is starting it.
 */
// @ts-expect-error: plain JavaScript, checked by its own // @ts-check
import { buildIfStale } from "../scripts/build.mjs";

export default async function setup(): Promise<void> {
  const rebuilt = await (buildIfStale as () => Promise<string | undefined>)();
  if (rebuilt) console.error(`test setup: ${rebuilt}`);
}
