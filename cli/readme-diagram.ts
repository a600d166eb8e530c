import type { RunnableConfig } from "@langchain/core/runnables";
import type { Graph as DrawableGraph } from "@langchain/core/runnables/graph";

/** The README section `npm run diagram` owns; everything outside the markers is left alone. */
export const DIAGRAM_START = "<!-- graph-diagram:start -->";
export const DIAGRAM_END = "<!-- graph-diagram:end -->";

/** The document lacks the diagram markers, or has them out of order or more than once. */
export class DiagramMarkersError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DiagramMarkersError";
  }
}

/** Anything that draws itself like a compiled LangGraph graph. */
export interface DrawableSource {
  getGraphAsync(config: RunnableConfig): Promise<DrawableGraph>;
}

/** A fenced Mermaid block of the compiled graph, exactly as it is committed between the markers. */
export async function renderDiagram(graph: DrawableSource): Promise<string> {
  const mermaid = (await graph.getGraphAsync({})).drawMermaid().trim();
  return ["```mermaid", mermaid, "```"].join("\n");
}

/**
 * What stands between the markers, without the surrounding blank lines.
 * @throws {DiagramMarkersError} when the markers are missing, repeated or out of order.
 */
export function readDiagramBlock(markdown: string): string {
  const { start, end } = markerPositions(markdown);
  return markdown.slice(start + DIAGRAM_START.length, end).trim();
}

/**
 * The document with `block` between the markers.
 * @throws {DiagramMarkersError} when the markers are missing, repeated or out of order.
 */
export function replaceDiagramBlock(markdown: string, block: string): string {
  const { start, end } = markerPositions(markdown);
  return `${markdown.slice(0, start)}${DIAGRAM_START}\n${block.trim()}\n${markdown.slice(end)}`;
}

function markerPositions(markdown: string): { start: number; end: number } {
  const start = markdown.indexOf(DIAGRAM_START);
  const end = markdown.indexOf(DIAGRAM_END);
  if (start < 0 || end < 0) {
    throw new DiagramMarkersError(`the document needs ${DIAGRAM_START} and ${DIAGRAM_END} around the diagram`);
  }
  if (markdown.indexOf(DIAGRAM_START, start + 1) >= 0 || markdown.indexOf(DIAGRAM_END, end + 1) >= 0) {
    throw new DiagramMarkersError("the diagram markers appear more than once");
  }
  if (end < start) throw new DiagramMarkersError(`${DIAGRAM_END} comes before ${DIAGRAM_START}`);
  return { start, end };
}
