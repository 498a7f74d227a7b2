import { describe, expect, it } from "vitest";
import { clientAddress, normalizeAddress, trustedProxies, trustedProxyErrors } from "./client-ip";

describe("client address", () => {
  const none = trustedProxies(undefined);
  const proxies = trustedProxies("10.0.0.0/8, 192.0.2.1, ::1, fd00::/8");

  it("is the socket's peer when that is not a trusted proxy, whatever X-Forwarded-For says", () => {
    expect(clientAddress("198.51.100.4", "203.0.113.1", none)).toBe("198.51.100.4");
    expect(clientAddress("::ffff:198.51.100.4", "203.0.113.1", proxies)).toBe("198.51.100.4");
    expect(clientAddress("198.51.100.4", undefined, proxies)).toBe("198.51.100.4");
  });

  it("is the nearest forwarded address that is not a trusted proxy", () => {
    expect(clientAddress("10.0.0.5", "203.0.113.1", proxies)).toBe("203.0.113.1");
    expect(clientAddress("10.0.0.5", "6.6.6.6, 203.0.113.1, 10.9.9.9", proxies)).toBe("203.0.113.1");
    expect(clientAddress("::ffff:10.0.0.5", ["6.6.6.6", "203.0.113.1"], proxies)).toBe("203.0.113.1");
    expect(clientAddress("::1", "2001:db8::7, fd00::2", proxies)).toBe("2001:db8::7");
    expect(clientAddress("192.0.2.1", "[2001:db8::8]:5555", proxies)).toBe("2001:db8::8");
    expect(clientAddress("192.0.2.1", "203.0.113.9:5555", proxies)).toBe("203.0.113.9");
  });

  it("stops at the last proxy when a hop is unreadable, and without X-Forwarded-For is the proxy itself", () => {
    expect(clientAddress("10.0.0.5", "203.0.113.1, unknown", proxies)).toBe("10.0.0.5");
    expect(clientAddress("10.0.0.5", "", proxies)).toBe("10.0.0.5");
    expect(clientAddress("10.0.0.5", "10.0.0.6, 10.0.0.7", proxies)).toBe("10.0.0.6");
  });

  it("reads addresses strictly", () => {
    expect(normalizeAddress("not-an-ip")).toBeNull();
    expect(normalizeAddress("2001:DB8::1")).toBe("2001:db8::1");
    expect(trustedProxyErrors("10.0.0.0/8, 10.0.0.0/33, proxy.internal, ::1/129, 1.2.3.4/8/1")).toEqual([
      '"10.0.0.0/33" is not an IP address or CIDR range',
      '"proxy.internal" is not an IP address or CIDR range',
      '"::1/129" is not an IP address or CIDR range',
      '"1.2.3.4/8/1" is not an IP address or CIDR range',
    ]);
    expect(() => trustedProxies("proxy.internal")).toThrow(/TRUSTED_PROXIES/);
  });
});
