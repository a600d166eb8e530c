import { describe, expect, it } from "vitest";
import { LOG_BURST, LogGate, MAX_PROGRESS_MESSAGE_CHARS, progressGate } from "./notifications.js";

describe("LogGate", () => {
  it("passes a burst, drops the rest, and says how many before the next message that passes", () => {
    let now = 0;
    const gate = new LogGate(() => now);
    const passed = Array.from({ length: LOG_BURST + 30 }, (_, i) => gate.admit({ level: "info", data: `m${i}` })).flat();
    expect(passed).toHaveLength(LOG_BURST);
    now += 1_000;
    const next = gate.admit({ level: "info", data: "later" });
    expect(next).toEqual([
      { level: "warning", logger: "mcp-graph", data: "30 log messages dropped: over 20 per second" },
      { level: "info", data: "later" },
    ]);
  });

  it("clips long data, as text when it is structured", () => {
    const gate = new LogGate(() => 0);
    const [text] = gate.admit({ level: "debug", data: "y".repeat(10_000) });
    expect(String(text?.data)).toHaveLength(2_000);
    const [structured] = gate.admit({ level: "debug", data: { list: "z".repeat(10_000) } });
    expect(structured?.data).toMatch(/^\{"list":"z+…$/);
    expect(gate.admit({ level: "debug", data: { ok: 1 } })).toEqual([{ level: "debug", data: { ok: 1 } }]);
  });
});

describe("progressGate", () => {
  it("bounds the message and thins a flood, but always passes the last step", () => {
    const gate = progressGate();
    expect(gate({ progress: 1, total: 3, message: "m".repeat(1_000) })?.message).toHaveLength(MAX_PROGRESS_MESSAGE_CHARS);
    expect(gate({ progress: 2, total: 3 })).toBeUndefined();
    expect(gate({ progress: 3, total: 3 })).toEqual({ progress: 3, total: 3 });
  });
});
