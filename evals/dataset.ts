import { readFile } from "node:fs/promises";
import { z } from "zod";
import type { BfclExpectation } from "./bfcl.js";

/**
 * One acceptable tool call. `tool` is the bare MCP tool name (`add`, not `math__add`); `server`, when
 * given, must match the server config name too. Strict so a misspelt key (`arguments`) is an error
 * instead of an expectation that silently checks nothing.
 */
export const ExpectedCallSchema = z.strictObject({
  server: z.string().min(1).optional(),
  tool: z.string().min(1),
  args: z.record(z.string(), z.unknown()).default({}),
});

/** A single call or a non-empty list of alternatives, any one of which is correct. */
const AlternativesSchema = z.union([ExpectedCallSchema, z.array(ExpectedCallSchema).min(1)]);

/**
 * One JSONL line. Loose so external datasets may carry provenance (`source`, …) that the runner
 * ignores; the keys it reads are validated strictly.
 */
export const DatasetItemSchema = z.looseObject({
  id: z.union([z.string().min(1), z.number()]),
  question: z.string().refine((q) => q.trim().length > 0, "must not be empty"),
  category: z.string().min(1).optional(),
  expected: z.union([AlternativesSchema, z.null()]),
  answer: z.union([z.number().finite(), z.string().trim().min(1)]).optional(),
  expectedCalls: z.array(AlternativesSchema).min(1).optional(),
});

/**
 * One turn of a dialogue: what the user says, and what the graph should do with it given the turns
 * before. Strict, since a turn carries nothing but its expectations.
 */
export const DialogueTurnSchema = z.strictObject({
  user: z.string().refine((q) => q.trim().length > 0, "must not be empty"),
  expected: z.union([AlternativesSchema, z.null()]),
  answer: z.union([z.number().finite(), z.string().trim().min(1)]).optional(),
  expectedCalls: z.array(AlternativesSchema).min(1).optional(),
});

/** One JSONL line holding a dialogue: turns run in order on one thread. Loose like an item. */
export const DialogueSchema = z.looseObject({
  id: z.union([z.string().min(1), z.number()]),
  category: z.string().min(1).optional(),
  turns: z.array(DialogueTurnSchema).min(1),
});

/** An MCP tool definition as `tools/list` gives it. */
export const ToolDefinitionSchema = z.looseObject({
  name: z.string().min(1),
  description: z.string().optional(),
  inputSchema: z.looseObject({ type: z.literal("object") }),
  annotations: z.record(z.string(), z.unknown()).optional(),
});

/**
 * A line that brings its own tool (the generic-dev format, `GENERIC-DEV.md`): the tool is served to
 * the graph alone, and `expected.args` lists every accepted value per parameter, scored as BFCL does.
 */
export const ToolItemSchema = z.looseObject({
  id: z.union([z.string().min(1), z.number()]),
  question: z.string().refine((q) => q.trim().length > 0, "must not be empty"),
  category: z.string().min(1).optional(),
  tool: ToolDefinitionSchema,
  expected: z.strictObject({ tool: z.string().min(1), args: z.record(z.string(), z.array(z.unknown())) }),
});

export type ToolDefinition = z.infer<typeof ToolDefinitionSchema>;
export type ExpectedCall = z.infer<typeof ExpectedCallSchema>;
export type DatasetItemInput = z.input<typeof DatasetItemSchema>;
export type DialogueInput = z.input<typeof DialogueSchema>;

/** Where a turn sits in its dialogue. */
export interface DialoguePosition {
  /** The dialogue's id; every turn of it shares its thread. */
  id: string;
  /** 1-based. */
  turn: number;
  /** How many turns the dialogue has. */
  turns: number;
}

/** A validated item with its alternatives normalised to lists. */
export interface EvalItem {
  id: string;
  question: string;
  /** `uncategorized` when the line has no category. */
  category: string;
  /** Acceptable first calls, or `null` when no tool should be called. */
  expected: ExpectedCall[] | null;
  answer?: number | string;
  /** One list of alternatives per call of the whole plan. */
  expectedCalls?: ExpectedCall[][];
  /** Set on a turn of a dialogue: its item id is `<dialogue id>#<turn>`, its question the user's message. */
  dialogue?: DialoguePosition;
  /** The one tool this item is asked with (a tool item); the graph sees no other. */
  tool?: ToolDefinition;
  /** A tool item's accepted values per parameter, scored with the BFCL rules instead of `expected.args`. */
  accepted?: BfclExpectation;
  /** 1-based line in the source file, for messages. */
  line: number;
}

/** A dataset file that cannot be used; the message names the file and line. */
export class DatasetError extends Error {
  readonly file: string;
  readonly line: number | undefined;
  constructor(message: string, file: string, line?: number) {
    super(line === undefined ? `${file}: ${message}` : `${file}:${line}: ${message}`);
    this.name = "DatasetError";
    this.file = file;
    this.line = line;
  }
}

const asList = (value: ExpectedCall | ExpectedCall[]): ExpectedCall[] => (Array.isArray(value) ? value : [value]);

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(line)"}: ${issue.message}`)
    .join("; ");
}

/** "bfcl-live_simple-live_simple_0-0-0" → "live_simple": tool items without a category group by source. */
function sourceOf(id: string): string {
  return /^bfcl-([a-z_]+)-/.exec(id)?.[1] ?? "uncategorized";
}

/**
 * Parses JSON Lines text into eval items. A line is a question (`question`), a question with its own tool (`tool`) or a dialogue (`turns`),
 * which becomes one item per turn, in order. Blank lines are skipped.
 * @param file name used in error messages.
 * @throws DatasetError on invalid JSON, a line that fails the schema, a duplicate id or an empty file.
 */
export function parseDataset(text: string, file = "dataset"): EvalItem[] {
  const items: EvalItem[] = [];
  const seen = new Map<string, number>();
  const claim = (id: string, line: number) => {
    const previous = seen.get(id);
    if (previous !== undefined) throw new DatasetError(`duplicate id "${id}" (first on line ${previous})`, file, line);
    seen.set(id, line);
  };
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = index + 1;
    if (raw.trim() === "") continue;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      throw new DatasetError(`invalid JSON (${(error as Error).message})`, file, line);
    }
    // Told apart by key rather than a zod union, so an error names the field of the shape meant.
    const isDialogue = json !== null && typeof json === "object" && "turns" in json;
    if (isDialogue && "question" in (json as object)) throw new DatasetError("a line has either \"question\" or \"turns\", not both", file, line);
    if (isDialogue) {
      const parsed = DialogueSchema.safeParse(json);
      if (!parsed.success) throw new DatasetError(describeIssues(parsed.error), file, line);
      const { id: rawId, category, turns } = parsed.data;
      const id = String(rawId);
      claim(id, line);
      for (const [i, turn] of turns.entries()) {
        const turnId = `${id}#${i + 1}`;
        claim(turnId, line);
        items.push({
          id: turnId,
          question: turn.user,
          category: category ?? "uncategorized",
          expected: turn.expected === null ? null : asList(turn.expected),
          ...(turn.answer === undefined ? {} : { answer: turn.answer }),
          ...(turn.expectedCalls === undefined ? {} : { expectedCalls: turn.expectedCalls.map(asList) }),
          dialogue: { id, turn: i + 1, turns: turns.length },
          line,
        });
      }
      continue;
    }
    if (json !== null && typeof json === "object" && "tool" in json) {
      const parsed = ToolItemSchema.safeParse(json);
      if (!parsed.success) throw new DatasetError(describeIssues(parsed.error), file, line);
      const { id: rawId, question, category, tool, expected } = parsed.data;
      const id = String(rawId);
      claim(id, line);
      items.push({ id, question, category: category ?? sourceOf(id), expected: [{ tool: expected.tool, args: {} }], tool, accepted: expected, line });
      continue;
    }
    const parsed = DatasetItemSchema.safeParse(json);
    if (!parsed.success) throw new DatasetError(describeIssues(parsed.error), file, line);
    const value = parsed.data;
    const id = String(value.id);
    claim(id, line);
    items.push({
      id,
      question: value.question,
      category: value.category ?? "uncategorized",
      expected: value.expected === null ? null : asList(value.expected),
      ...(value.answer === undefined ? {} : { answer: value.answer }),
      ...(value.expectedCalls === undefined ? {} : { expectedCalls: value.expectedCalls.map(asList) }),
      line,
    });
  }
  if (items.length === 0) throw new DatasetError("no items", file);
  return items;
}

/**
 * The items grouped as they must run: a question alone, a dialogue's turns together and in order.
 * Groups keep dataset order.
 */
export function runGroups(items: readonly EvalItem[]): EvalItem[][] {
  const groups: EvalItem[][] = [];
  const byDialogue = new Map<string, EvalItem[]>();
  for (const item of items) {
    if (!item.dialogue) {
      groups.push([item]);
      continue;
    }
    let group = byDialogue.get(item.dialogue.id);
    if (!group) {
      group = [];
      byDialogue.set(item.dialogue.id, group);
      groups.push(group);
    }
    group.push(item);
  }
  for (const group of byDialogue.values()) group.sort((a, b) => a.dialogue!.turn - b.dialogue!.turn);
  return groups;
}

/**
 * Reads and validates a JSONL dataset file.
 * @throws DatasetError when the file is missing or invalid.
 */
export async function loadDataset(path: string): Promise<EvalItem[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new DatasetError(`cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, path);
  }
  return parseDataset(text, path);
}
