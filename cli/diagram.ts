/**
 * Writes the Mermaid diagram of the compiled graph into README.md, between
 * `<!-- graph-diagram:start -->` and `<!-- graph-diagram:end -->`.
 *
 *   npm run diagram                      rewrite the block
 *   npm run diagram -- --check           exit 1 when the committed block is stale
 *   npm run diagram -- --file docs/x.md  another Markdown file with the same markers
 */
import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { createGraph } from "../graph/index.js";
import { projectRoot } from "../lib/index.js";
import { readDiagramBlock, renderDiagram, replaceDiagramBlock } from "./readme-diagram.js";

const ROOT = projectRoot(import.meta.url);

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { check: { type: "boolean", default: false }, file: { type: "string", default: "README.md" } },
  });
  const file = resolve(ROOT, values.file);
  // Drawing needs no server and no model: nothing is connected until a run starts.
  const graph = createGraph({ model: "offline", servers: {} });
  try {
    const markdown = await readFile(file, "utf8");
    const block = await renderDiagram(graph);
    if (values.check) {
      if (readDiagramBlock(markdown) === block) return 0;
      console.error(`error: the diagram in ${values.file} is stale; run \`npm run diagram\``);
      return 1;
    }
    const updated = replaceDiagramBlock(markdown, block);
    if (updated === markdown) {
      console.log(`${values.file}: diagram already up to date`);
    } else {
      await writeFile(file, updated);
      console.log(`${values.file}: diagram updated`);
    }
    return 0;
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 1;
  } finally {
    await graph.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
