// A third-party-style stdio server with one read-only and one destructive tool, for approvals.
// Usage: node --import tsx notes-server.ts <calls-log-file>: every call that reaches a tool is
// appended to the log as a JSON line, so a test counts what really ran.
import { appendFileSync } from "node:fs";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { FixtureState, text, type FixtureTool } from "./mcp-server.js";

const log = process.argv[2];
const notes = new Map([
  ["groceries", "milk, eggs"],
  ["todo", "call the plumber"],
]);
const record = (tool: string, args: Record<string, unknown>) => {
  if (log) appendFileSync(log, `${JSON.stringify({ tool, args })}\n`);
};

const tools: FixtureTool[] = [
  {
    name: "list_notes",
    description: "List the names of all saved notes.",
    inputSchema: { type: "object", properties: {} },
    annotations: { readOnlyHint: true },
    run(args) {
      record("list_notes", args);
      return text([...notes.keys()].join(", ") || "(no notes)");
    },
  },
  {
    name: "delete_note",
    description: "Delete a saved note by its name.",
    inputSchema: {
      type: "object",
      properties: { name: { type: "string", description: "Name of the note to delete" } },
      required: ["name"],
    },
    annotations: { destructiveHint: true },
    run(args) {
      record("delete_note", args);
      const name = String(args.name);
      return notes.delete(name) ? text(`Deleted the note "${name}".`) : text(`No note named "${name}".`, { isError: true });
    },
  },
];

await new FixtureState(tools, { name: "NotesServer" }).createServer().connect(new StdioServerTransport());
