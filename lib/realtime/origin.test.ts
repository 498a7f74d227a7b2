import { describe, expect, it } from "vitest";
import { originAllowed, socketOrigins } from "./origin";

const req = (headers: Record<string, string>) => ({ headers });

describe("socket Origin check", () => {
  const allowed = socketOrigins("https://rollcall.example/", ["http://localhost:3000"]);

  it("accepts the public URL's origin and configured origins", () => {
    expect(originAllowed(req({ origin: "https://rollcall.example", host: "10.0.0.5:3000" }), allowed)).toBe(true);
    expect(originAllowed(req({ origin: "http://localhost:3000", host: "localhost:3000" }), allowed)).toBe(true);
  });
  it("ignores the Host header: a foreign origin with a matching Host is refused", () => {
    expect(originAllowed(req({ origin: "http://evil.test", host: "evil.test" }), allowed)).toBe(false);
    expect(originAllowed(req({ origin: "http://localhost:3001", host: "localhost:3001" }), allowed)).toBe(false);
  });
  it("refuses foreign, malformed, opaque and missing origins", () => {
    expect(originAllowed(req({ origin: "http://evil.test", host: "localhost:3000" }), allowed)).toBe(false);
    expect(originAllowed(req({ origin: "not a url" }), allowed)).toBe(false);
    expect(originAllowed(req({ origin: "null" }), allowed)).toBe(false);
    expect(originAllowed(req({ origin: "https://rollcall.example/path" }), allowed)).toBe(false);
    expect(originAllowed(req({ host: "rollcall.example" }), allowed)).toBe(false);
  });
  it("normalises configured URLs to their origins", () => {
    expect(socketOrigins("https://rollcall.example/app/", ["https://ops.example:8443/x", "https://rollcall.example"])).toEqual([
      "https://rollcall.example",
      "https://ops.example:8443",
    ]);
  });
});
