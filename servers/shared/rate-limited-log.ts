/**
 * A log that says each kind of thing at most once per `intervalMs`, then how many it left out. Limits
 * are hit by attacks, and an attack must not also fill the disk with one line per refused request.
 */
export function rateLimitedLog(write: (message: string) => void, intervalMs = 60_000): (kind: string, message: string) => void {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (kind, message) => {
    const now = Date.now();
    const entry = last.get(kind);
    if (entry !== undefined && now - entry.at < intervalMs) {
      entry.suppressed += 1;
      return;
    }
    const suppressed = entry?.suppressed ?? 0;
    last.set(kind, { at: now, suppressed: 0 });
    write(suppressed > 0 ? `${message} (and ${suppressed} more like it in the last ${Math.round((now - entry!.at) / 1000)} s)` : message);
  };
}
