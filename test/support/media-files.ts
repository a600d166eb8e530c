import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { crc32, deflateSync } from "node:zlib";
import type { ServersConfig } from "../../adapters/index.js";

const EVERYTHING = fileURLToPath(new URL("../../node_modules/@modelcontextprotocol/server-everything/dist/index.js", import.meta.url));
const FILESYSTEM = fileURLToPath(new URL("../../node_modules/@modelcontextprotocol/server-filesystem/dist/index.js", import.meta.url));

/** Files of every kind `read_media_file` answers differently, with what a test compares against. */
export interface MediaFiles {
  dir: string;
  /** A valid 400×409 RGB PNG of noise (does not compress): 480 KB, the size of issue #14's screenshot. */
  png: { path: string; base64: string; bytes: number };
  /** One second of a 440 Hz tone, 8 kHz 16-bit mono WAV. */
  wav: { path: string; base64: string; bytes: number };
  /** Random bytes under an extension no media type is known for: an embedded blob resource. */
  bin: { path: string; base64: string; bytes: number };
  /** 40 000 characters of text, over the default bound. */
  text: { path: string; content: string };
  remove(): Promise<void>;
}

export async function writeMediaFiles(): Promise<MediaFiles> {
  const dir = await mkdtemp(join(tmpdir(), "mcp-media-"));
  const write = async (name: string, data: Buffer) => {
    const path = join(dir, name);
    await writeFile(path, data);
    return { path, base64: data.toString("base64"), bytes: data.length };
  };
  const content = Array.from({ length: 1_000 }, (_, i) => `line ${String(i).padStart(4, "0")} of a long text file.`.padEnd(39, ".")).join("\n");
  const textPath = join(dir, "long.txt");
  await writeFile(textPath, content);
  return {
    dir,
    png: await write("screenshot.png", png(400, 409)),
    wav: await write("tone.wav", wav(1, 8_000)),
    bin: await write("data.bin", randomBytes(3_000)),
    text: { path: textPath, content },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** server-everything and server-filesystem (serving `dir`), both over stdio, as their READMEs run them. */
export function referenceServers(dir: string): ServersConfig {
  return {
    everything: { command: process.execPath, args: [EVERYTHING, "stdio"], stderr: "ignore" },
    files: { command: process.execPath, args: [FILESYSTEM, dir], stderr: "ignore" },
  };
}

function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const rows = Buffer.concat(Array.from({ length: height }, () => Buffer.concat([Buffer.from([0]), randomBytes(width * 3)])));
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk("IHDR", header), chunk("IDAT", deflateSync(rows, { level: 0 })), chunk("IEND", Buffer.alloc(0))]);
}

function wav(seconds: number, rate: number): Buffer {
  const samples = seconds * rate;
  const buffer = Buffer.alloc(44 + samples * 2);
  buffer.write("RIFF", 0, "ascii");
  buffer.writeUInt32LE(36 + samples * 2, 4);
  buffer.write("WAVEfmt ", 8, "ascii");
  buffer.writeUInt32LE(16, 16);
  buffer.writeUInt16LE(1, 20); // PCM
  buffer.writeUInt16LE(1, 22); // mono
  buffer.writeUInt32LE(rate, 24);
  buffer.writeUInt32LE(rate * 2, 28);
  buffer.writeUInt16LE(2, 32);
  buffer.writeUInt16LE(16, 34);
  buffer.write("data", 36, "ascii");
  buffer.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) buffer.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 12_000), 44 + i * 2);
  return buffer;
}
