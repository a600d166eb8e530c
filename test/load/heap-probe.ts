/**
 * Forces a full GC in another Node process through its inspector and prints that process's
 * `process.memoryUsage()` as JSON. Run as `node --experimental-websocket --import tsx heap-probe.ts <ws-url>`
 * (Node 20 has WebSocket only behind that flag, and the load script must not depend on a package for it).
 * RSS alone cannot tell a leak from memory the allocator keeps after a burst; the heap after a GC can.
 */
const url = process.argv[2];
if (!url) throw new Error("usage: heap-probe.ts ws://127.0.0.1:PORT/ID");

const socket = new WebSocket(url);
let nextId = 0;
const pending = new Map<number, (message: { result?: unknown; error?: unknown }) => void>();
socket.addEventListener("message", (event) => {
  const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: unknown };
  if (message.id !== undefined) pending.get(message.id)?.(message);
});
const call = (method: string, params: Record<string, unknown> = {}) =>
  new Promise<{ result?: unknown; error?: unknown }>((resolve) => {
    const id = ++nextId;
    pending.set(id, resolve);
    socket.send(JSON.stringify({ id, method, params }));
  });

await new Promise<void>((resolve, reject) => {
  socket.addEventListener("open", () => resolve());
  socket.addEventListener("error", () => reject(new Error(`cannot open ${url}`)));
});
// Twice: the first pass may only finalize objects that the second can then free.
await call("HeapProfiler.collectGarbage");
await call("HeapProfiler.collectGarbage");
const evaluated = await call("Runtime.evaluate", { expression: "JSON.stringify(process.memoryUsage())", returnByValue: true });
const value = (evaluated.result as { result?: { value?: string } } | undefined)?.result?.value;
if (typeof value !== "string") throw new Error(`Runtime.evaluate failed: ${JSON.stringify(evaluated)}`);
process.stdout.write(`${value}\n`);
socket.close();
