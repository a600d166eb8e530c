import { isIP } from "node:net";
import { hostname, networkInterfaces } from "node:os";

const LOOPBACK_HOSTNAMES = ["localhost", "127.0.0.1", "[::1]"];

/** True for `localhost`, `::1` and 127.0.0.0/8: addresses no other machine can reach. */
export function isLoopback(host: string): boolean {
  const lower = host.toLowerCase();
  return lower === "localhost" || lower === "::1" || (isIP(lower) === 4 && lower.startsWith("127."));
}

/** True for the addresses that bind every interface. */
export function isWildcard(host: string): boolean {
  return host === "0.0.0.0" || host === "::";
}

/** The host part of a URL that reaches `bindHost` from this machine: loopback for a wildcard bind. */
export function urlHost(bindHost: string): string {
  if (bindHost === "0.0.0.0") return "127.0.0.1";
  if (bindHost === "::") return "[::1]";
  return isIP(bindHost) === 6 ? `[${bindHost}]` : bindHost;
}

/** Hostnames as `new URL()` spells them (lower case, IPv6 in brackets), the form Host checks compare. */
export function allowedHostnames(bindHost: string, extra: readonly string[]): Set<string> {
  const names = new Set(LOOPBACK_HOSTNAMES);
  const add = (host: string) => {
    try {
      names.add(new URL(`http://${urlHost(host)}`).hostname);
    } catch {
      // Scoped IPv6 addresses (fe80::1%eth0) are not valid URL hosts; no client can send them as Host either.
    }
  };
  if (isWildcard(bindHost)) {
    add(hostname());
    for (const addresses of Object.values(networkInterfaces())) {
      for (const address of addresses ?? []) add(address.address);
    }
  } else {
    add(bindHost);
  }
  extra.forEach(add);
  return names;
}

/**
 * The line a server logs once it listens. It names the address actually bound: a wildcard bind is
 * reachable from other machines, and a log that shows only `127.0.0.1` would hide that.
 */
export function listeningLine(name: string, bindHost: string, port: number, stateless: boolean): string {
  const url = `http://${urlHost(bindHost)}:${port}`;
  const endpoints = `(Streamable HTTP ${url}/mcp${stateless ? ", stateless" : ""}; SSE ${url}/sse)`;
  if (!isWildcard(bindHost)) return `${name} listening on ${url}  ${endpoints}`;
  const bound = bindHost === "::" ? `http://[::]:${port}` : `http://0.0.0.0:${port}`;
  const scope = bindHost === "::" ? "every IPv6 interface, and IPv4 where the OS maps it" : "every IPv4 interface";
  return `${name} listening on ${bound} (${scope}: reachable from other machines); clients on this machine use ${url}  ${endpoints}`;
}

/**
 * Who a client is for per-client limits: its remote address, with IPv4-mapped IPv6 (`::ffff:10.0.0.1`)
 * folded into IPv4 so one client does not count as two.
 */
export function clientAddress(remoteAddress: string | undefined): string {
  if (remoteAddress === undefined) return "unknown";
  return remoteAddress.startsWith("::ffff:") && isIP(remoteAddress.slice(7)) === 4 ? remoteAddress.slice(7) : remoteAddress;
}
