/**
 * The eval suite's command: `npm run eval -- [--dataset FILE] [--model NAME] …` (see `--help`).
 */
import { main } from "./cli.js";

process.exitCode = await main(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr });
