import type { IncomingMessage } from "node:http";
import { BlockList, isIP } from "node:net";

/** The custom server overwrites this header with the client's address; clients cannot set it. */
export const CLIENT_IP_HEADER = "x-rollcall-client-ip";

export type TrustedProxies = { check: (address: string) => boolean };

/** "::ffff:192.0.2.1" is 192.0.2.1; "[2001:db8::1]:443" and "192.0.2.1:443" lose the port. */
export function normalizeAddress(raw: string | undefined | null): string | null {
  if (!raw) return null;
  let a = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(":"));
  if (/^::ffff:\d{1,3}(\.\d{1,3}){3}$/i.test(a)) a = a.slice(7);
  return isIP(a) ? a.toLowerCase() : null;
}

/** Each entry of TRUSTED_PROXIES that is not an IP address or CIDR range, with why. */
export function trustedProxyErrors(spec: string | undefined): string[] {
  return entries(spec).flatMap((e) => (parseEntry(e) ? [] : [`"${e}" is not an IP address or CIDR range`]));
}

/** The addresses whose X-Forwarded-For is believed (TRUSTED_PROXIES: IPs and CIDR ranges). */
export function trustedProxies(spec: string | undefined): TrustedProxies {
  const list = new BlockList();
  for (const e of entries(spec)) {
    const p = parseEntry(e);
    if (!p) throw new Error(`TRUSTED_PROXIES: "${e}" is not an IP address or CIDR range`);
    if (p.prefix === undefined) list.addAddress(p.address, p.family);
    else list.addSubnet(p.address, p.prefix, p.family);
  }
  return {
    check: (address) => {
      const a = normalizeAddress(address);
      return a !== null && list.check(a, isIP(a) === 6 ? "ipv6" : "ipv4");
    },
  };
}

/**
 * The client's address: the socket's peer unless that is a trusted proxy, in which case the
 * X-Forwarded-For hops are read from the right (the nearest proxy's entry first) and the first
 * address that is not itself a trusted proxy is the client. Entries left of it were written by
 * the client and are never believed; an unreadable entry stops the walk at the last proxy.
 */
export function clientAddress(remote: string | undefined, forwardedFor: string | string[] | undefined, trusted: TrustedProxies): string | null {
  let client = normalizeAddress(remote);
  if (!client || !trusted.check(client)) return client;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? "")).split(",").map((h) => h.trim()).filter(Boolean);
  for (const hop of hops.reverse()) {
    const address = normalizeAddress(hop);
    if (!address) break;
    client = address;
    if (!trusted.check(address)) break;
  }
  return client;
}

/** Called by server.ts on every request: replaces whatever the client sent in CLIENT_IP_HEADER. */
export function stampClientIp(req: IncomingMessage, trusted: TrustedProxies) {
  req.headers[CLIENT_IP_HEADER] = clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], trusted) ?? "";
}

function entries(spec: string | undefined): string[] {
  return (spec ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

function parseEntry(entry: string): { address: string; prefix?: number; family: "ipv4" | "ipv6" } | null {
  const [addr, prefixText, extra] = entry.split("/");
  if (extra !== undefined || !addr) return null;
  const version = isIP(addr);
  if (!version) return null;
  const family = version === 6 ? "ipv6" : "ipv4";
  if (prefixText === undefined) return { address: addr, family };
  if (!/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  return prefix <= (version === 6 ? 128 : 32) ? { address: addr, prefix, family } : null;
}
