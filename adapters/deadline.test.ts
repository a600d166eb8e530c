import { describe, expect, it } from "vitest";
import { Deadline } from "./deadline.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("Deadline.hold", () => {
  it("stops the clock while held, nested, and runs out the rest after", async () => {
    const deadline = new Deadline(100);
    try {
      const outer = deadline.hold();
      const inner = deadline.hold();
      await sleep(150);
      outer();
      outer(); // a second release of the same hold changes nothing
      await sleep(50);
      expect(deadline.signal.aborted).toBe(false);
      expect(deadline.remaining()).toBeGreaterThan(50);
      inner();
      await sleep(150);
      expect(deadline.expired).toBe(true);
    } finally {
      deadline.dispose();
    }
  });

  it("never fires after dispose, even when released later", async () => {
    const deadline = new Deadline(20);
    const release = deadline.hold();
    deadline.dispose();
    release();
    await sleep(50);
    expect(deadline.signal.aborted).toBe(false);
  });
});
