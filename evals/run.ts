/**
 * The eval suite's command: `npm run eval -- [--dataset FILE] [--model NAME] …` (see `--help`).
 */
import { main } from "./cli.js";

process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  // npm runs scripts from the package root; relative paths should mean where the user typed them.
  cwd: process.env.INIT_CWD ?? process.cwd(),
});
