import { readFile } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import {
  DIAGRAM_END,
  DIAGRAM_START,
  readDiagramBlock,
  renderDiagram,
  replaceDiagramBlock,
} from "./readme-diagram.js";
import { createGraph } from "../graph/index.js";

// Drawing needs no server and no model: nothing is connected until a run starts.
const graph = createGraph({ model: "offline", servers: {} });

afterAll(async () => {
  await graph.close();
});

describe("README diagram", () => {
  it("is the one the compiled graph draws (run `npm run diagram` when this fails)", async () => {
    const readme = await readFile(new URL("../README.md", import.meta.url), "utf8");
    expect(readDiagramBlock(readme)).toBe(await renderDiagram(graph));
  });

  it("shows every node of the graph and the loop back to route", async () => {
    const block = await renderDiagram(graph);
    expect(block.startsWith("```mermaid\n")).toBe(true);
    for (const node of ["__start__", "discover", "route", "approve", "callTool", "respond", "__end__"]) {
      expect(block).toContain(node);
    }
    expect(block).toMatch(/callTool\s*-->\s*route/);
  });
});

describe("replaceDiagramBlock", () => {
  const document = `# Title\n\nBefore.\n\n${DIAGRAM_START}\nold\n${DIAGRAM_END}\n\nAfter.\n`;

  it("rewrites only what stands between the markers", () => {
    const updated = replaceDiagramBlock(document, "```mermaid\ngraph TD;\n```");
    expect(updated).toBe(`# Title\n\nBefore.\n\n${DIAGRAM_START}\n\`\`\`mermaid\ngraph TD;\n\`\`\`\n${DIAGRAM_END}\n\nAfter.\n`);
    expect(readDiagramBlock(updated)).toBe("```mermaid\ngraph TD;\n```");
    expect(replaceDiagramBlock(updated, "```mermaid\ngraph TD;\n```")).toBe(updated);
  });

  it("names the markers when they are missing, repeated or swapped", () => {
    expect(() => readDiagramBlock("# Title\n")).toThrow(/graph-diagram:start/);
    expect(() => replaceDiagramBlock(`${document}${DIAGRAM_START}\n`, "x")).toThrow(/more than once/);
    expect(() => readDiagramBlock(`${DIAGRAM_END}\n${DIAGRAM_START}\n`)).toThrow(/comes before/);
  });
});
