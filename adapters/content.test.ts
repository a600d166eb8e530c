import type { ToolMessage } from "@langchain/core/messages";
import type { StructuredToolInterface } from "@langchain/core/tools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { boundText, DEFAULT_MAX_RESULT_CHARS, describeResult, modelContent, MultiServerClient, type CallToolResult, type ResultContentOptions } from "./index.js";
import { referenceServers, writeMediaFiles, type MediaFiles } from "../test/support/media-files.js";
import { BASE64_RUN, mediaBlocks, textLength, textParts } from "../test/support/model-content.js";

// The MCP reference servers, not written by us, over stdio: every kind of content block they send.
let files: MediaFiles;
let client: MultiServerClient;
let bounded: MultiServerClient;

beforeAll(async () => {
  files = await writeMediaFiles();
  client = new MultiServerClient(referenceServers(files.dir), { connectTimeoutMs: 20_000 });
  // The same options given to the client instead of to getTools().
  bounded = new MultiServerClient({ files: referenceServers(files.dir).files! }, { connectTimeoutMs: 20_000, maxResultChars: 300, multimodal: ["image"] });
  await Promise.all([client.connect(), bounded.connect()]);
  for (const c of [client, bounded]) {
    for (const [name, status] of Object.entries(c.status())) if (status.state !== "connected") throw new Error(`${name}: ${status.error}`);
  }
}, 60_000);

afterAll(async () => {
  await Promise.allSettled([client?.close(), bounded?.close()]);
  await files?.remove();
});

let calls = 0;
/** Calls a bridged tool the way a ToolNode does, and checks what every model must never get. */
async function ask(name: string, args: Record<string, unknown>, options?: ResultContentOptions, from = client): Promise<ToolMessage> {
  const tools: StructuredToolInterface[] = options ? from.getTools(options) : from.getTools();
  const tool = tools.find((candidate) => candidate.name === name);
  if (!tool) throw new Error(`no bridged tool ${name}`);
  const message = (await tool.invoke({ id: `c${++calls}`, name, args, type: "tool_call" })) as ToolMessage;
  const bound = options?.maxResultChars ?? (from === bounded ? 300 : DEFAULT_MAX_RESULT_CHARS);
  expect(textLength(message.content)).toBeLessThanOrEqual(bound);
  for (const text of textParts(message.content)) expect(text).not.toMatch(BASE64_RUN);
  return message;
}

const artifactOf = (message: ToolMessage) => message.artifact as CallToolResult;

describe("an image tool's result (server-filesystem read_media_file, a 480 KB PNG)", () => {
  it("reaches a text-only model as a note of a hundred-odd characters, the image whole in the artifact", async () => {
    const message = await ask("files__read_media_file", { path: files.png.path });
    expect(typeof message.content).toBe("string");
    // Issue #14: this was a 640,883-character JSON string of base64. The structured content that
    // server-filesystem sends too is the same block again, so it adds nothing.
    expect(message.content).toBe("(1 image, image/png, 480 KB, kept in the artifact)");
    expect(artifactOf(message).content).toEqual([{ type: "image", data: files.png.base64, mimeType: "image/png" }]);
  });

  it("reaches a multimodal model as a standard image block", async () => {
    const message = await ask("files__read_media_file", { path: files.png.path }, { multimodal: true });
    expect(message.content).toEqual([{ type: "image", mimeType: "image/png", data: files.png.base64 }]);
  });

  it("honours the client's own options", async () => {
    const message = await ask("files__read_media_file", { path: files.png.path }, undefined, bounded);
    expect(mediaBlocks(message.content).map((block) => block.type)).toEqual(["image"]);
  });
});

describe("an audio tool's result (read_media_file, a WAV)", () => {
  it("is a note unless the model takes audio", async () => {
    const kb = `${Math.round(files.wav.bytes / 1024)} KB`;
    expect((await ask("files__read_media_file", { path: files.wav.path })).content).toContain(`(1 audio, audio/wav, ${kb}, kept in the artifact)`);
    // A model that reads images only (Claude) still gets a note for sound.
    const imagesOnly = await ask("files__read_media_file", { path: files.wav.path }, { multimodal: ["image"] });
    expect(mediaBlocks(imagesOnly.content)).toEqual([]);
    expect(imagesOnly.content).toContain("(1 audio, audio/wav");
    const audio = await ask("files__read_media_file", { path: files.wav.path }, { multimodal: true });
    expect(mediaBlocks(audio.content)).toEqual([{ type: "audio", mimeType: "audio/wav", data: files.wav.base64 }]);
  });
});

describe("embedded resources", () => {
  it("a binary file (read_media_file of an unknown type) is named by URI, MIME type and size", async () => {
    const message = await ask("files__read_media_file", { path: files.bin.path }, { multimodal: true });
    expect(message.content).toContain(`(resource <file://${files.bin.path}>, application/octet-stream, 3 KB, kept in the artifact)`);
    expect(artifactOf(message).content[0]).toMatchObject({ type: "resource", resource: { blob: files.bin.base64 } });
  });

  it("a text resource is inline, a blob resource a note (server-everything get-resource-reference)", async () => {
    const text = await ask("everything__get-resource-reference", { resourceType: "Text", resourceId: 1 });
    expect(text.content).toMatch(/^Returning resource reference for Resource 1:\n\(resource <demo:\/\/resource\/dynamic\/text\/1>, text\/plain:\)\nResource 1: This is a plaintext resource/);
    const blob = await ask("everything__get-resource-reference", { resourceType: "Blob", resourceId: 2 });
    expect(blob.content).toContain("(resource <demo://resource/dynamic/blob/2>, ");
    expect(blob.content).toContain("kept in the artifact)");
  });

  it("a gzip file embedded as a resource, or linked (server-everything gzip-file-as-resource)", async () => {
    const data = `data:text/plain;base64,${Buffer.from("hello world ".repeat(50)).toString("base64")}`;
    const embedded = await ask("everything__gzip-file-as-resource", { name: "hello.gz", data, outputType: "resource" });
    expect(embedded.content).toMatch(/^\(resource <demo:\/\/resource\/session\/hello\.gz>, application\/gzip, \d+ bytes, kept in the artifact\)$/);
    const linked = await ask("everything__gzip-file-as-resource", { name: "hello2.gz", data, outputType: "resourceLink" });
    expect(linked.content).toBe("(resource link: hello2.gz <demo://resource/session/hello2.gz>, application/gzip)");
  });
});

describe("resource links (server-everything get-resource-links)", () => {
  it("are named by name, URI and MIME type, after the tool's own text", async () => {
    const message = await ask("everything__get-resource-links", { count: 3 });
    const lines = String(message.content).split("\n");
    expect(lines[0]).toBe("Here are 3 resource links to resources available in this server:");
    expect(lines.slice(1)).toHaveLength(3);
    for (const [i, line] of lines.slice(1).entries()) {
      expect(line).toMatch(new RegExp(`^\\(resource link: (Text|Blob) Resource ${i + 1} <demo://resource/dynamic/(text|blob)/${i + 1}>, text/plain, Resource ${i + 1}: `));
    }
  });
});

describe("server-everything get-tiny-image: text, image, text", () => {
  it("keeps the order: the note, or the image, between the two sentences", async () => {
    const plain = await ask("everything__get-tiny-image", {});
    expect(plain.content).toMatch(/^Here's the image you requested:\n\(1 image, image\/png, \d+ KB, kept in the artifact\)\nThe image above is the MCP logo\.$/);
    const multimodal = await ask("everything__get-tiny-image", {}, { multimodal: ["image"] });
    expect((multimodal.content as Array<{ type: string }>).map((block) => block.type)).toEqual(["text", "image", "text"]);
  });
});

describe("the bound", () => {
  it("cuts a long text with a note; the artifact keeps every character", async () => {
    const message = await ask("files__read_text_file", { path: files.text.path });
    const content = String(message.content);
    expect(content.length).toBeLessThanOrEqual(16_000);
    expect(content).toMatch(/\n… \(cut at 16,000 of 39,999 characters; the rest is in the artifact\)$/);
    expect(files.text.content.startsWith(content.slice(0, content.indexOf("\n…")))).toBe(true);
    expect(artifactOf(message).content).toEqual([{ type: "text", text: files.text.content }]);

    const small = await ask("files__read_text_file", { path: files.text.path }, { maxResultChars: 1_000 });
    expect(String(small.content)).toMatch(/cut at 1,000 of 39,999/);
    expect((await ask("files__read_text_file", { path: files.text.path }, undefined, bounded)).content).toMatch(/cut at 300 of/);
  });

  it("bounds a tool error's message too", async () => {
    const tool = client.getTools({ maxResultChars: 40 }).find((candidate) => candidate.name === "files__read_text_file")!;
    const error = await tool.invoke({ path: "/etc/passwd" }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error).toMatchObject({ name: "ToolExecutionError", serverName: "files" });
    expect(error!.message.length).toBeLessThanOrEqual(40);
    expect(() => client.getTools({ maxResultChars: 0 })).toThrow(RangeError);
  });
});

describe("modelContent and describeResult on edge cases", () => {
  it("structured content without text is compact JSON, binary strings in it a note", () => {
    expect(modelContent({ content: [], structuredContent: { celsius: 21, city: "Oslo" } })).toBe('{"celsius":21,"city":"Oslo"}');
    const blob = Buffer.alloc(2048, 7).toString("base64");
    expect(modelContent({ content: [], structuredContent: { thumbnail: `data:image/jpeg;base64,${blob}`, raw: blob } })).toBe(
      '{"thumbnail":"(image/jpeg, 2 KB of base64, kept in the artifact)","raw":"(2 KB of base64, kept in the artifact)"}',
    );
    // With text, the text is what the model reads (the spec has tools repeat structured content as text).
    expect(modelContent({ content: [{ type: "text", text: "21 °C" }], structuredContent: { celsius: 21 } })).toBe("21 °C");
    expect(modelContent({ content: [] })).toBe("(the tool returned no content)");
    // Beside a non-text block, structured content that adds to it is shown, and a mere copy is not.
    const image = { type: "image" as const, data: "AAAA", mimeType: "image/gif" };
    expect(modelContent({ content: [image], structuredContent: { width: 1, height: 1 } })).toBe('(1 image, image/gif, 3 bytes, kept in the artifact)\n{"width":1,"height":1}');
    expect(modelContent({ content: [image], structuredContent: { content: [image] } })).toBe("(1 image, image/gif, 3 bytes, kept in the artifact)");
  });

  it("never exceeds the bound, whatever it is, and never splits a surrogate pair", () => {
    const result: CallToolResult = { content: [{ type: "text", text: "😀".repeat(5_000) }, { type: "text", text: "tail" }] };
    for (const maxResultChars of [1, 10, 79, 80, 81, 500, 9_999, 10_004, 10_005]) {
      const text = modelContent(result, { maxResultChars }) as string;
      expect(text.length).toBeLessThanOrEqual(maxResultChars);
      expect(text).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    }
    expect(modelContent(result, { maxResultChars: 10_005 })).toBe(`${"😀".repeat(5_000)}\ntail`);
    expect(() => modelContent(result, { maxResultChars: 1.5 })).toThrow(RangeError);
  });

  it("describeResult is the same rendering as text, unbounded unless asked", () => {
    const result: CallToolResult = { content: [{ type: "text", text: "x".repeat(20_000) }, { type: "image", data: "AAAA", mimeType: "image/gif" }] };
    expect(describeResult(result)).toBe(`${"x".repeat(20_000)}\n(1 image, image/gif, 3 bytes, kept in the artifact)`);
    expect(describeResult(result, { maxResultChars: 100 }).length).toBeLessThanOrEqual(100);
    expect(boundText("y".repeat(500), 100)).toMatch(/^y+\n… \(cut at 100 of 500 characters; the rest is in the artifact\)$/);
    expect(boundText("short")).toBe("short");
  });
});
