import net from "node:net";

/**
 * A TCP gate in front of a real server, for timing what a client sees: it forwards, holds new
 * connections without a byte (an attempt left in flight), or refuses them by closing at once.
 * `cut()` ends every connection it carries, held ones included.
 */
export interface TcpGate {
  readonly port: number;
  /** Connections accepted so far, in any mode. */
  readonly accepted: number;
  /** Connections accepted in `hold` mode and still open. */
  readonly held: number;
  mode: "forward" | "hold" | "refuse";
  cut(): void;
  close(): Promise<void>;
}

export async function openTcpGate(targetPort: number): Promise<TcpGate> {
  const open = new Set<net.Socket>();
  const held = new Set<net.Socket>();
  let accepted = 0;
  const gate = net.createServer((socket) => {
    accepted++;
    socket.on("error", () => undefined);
    if (state.mode === "refuse") return void socket.destroy();
    open.add(socket);
    socket.once("close", () => {
      open.delete(socket);
      held.delete(socket);
    });
    if (state.mode === "hold") return void held.add(socket);
    const upstream = net.connect(targetPort, "127.0.0.1");
    open.add(upstream);
    upstream.on("error", () => socket.destroy());
    upstream.once("close", () => {
      open.delete(upstream);
      socket.destroy();
    });
    socket.once("close", () => upstream.destroy());
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise<void>((resolve) => gate.listen(0, "127.0.0.1", resolve));
  const state: TcpGate = {
    port: (gate.address() as net.AddressInfo).port,
    get accepted() {
      return accepted;
    },
    get held() {
      return held.size;
    },
    mode: "forward",
    cut() {
      for (const socket of open) socket.destroy();
    },
    async close() {
      state.cut();
      await new Promise<void>((resolve) => gate.close(() => resolve()));
    },
  };
  return state;
}
