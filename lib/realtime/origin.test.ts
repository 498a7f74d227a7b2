import { describe, expect, it } from "vitest";
import type { IncomingMessage } from "node:http";
import { originAllowed } from "./socket-server";

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe("socket Origin check", () => {
  it("accepts same-origin and configured origins", () => {
    expect(originAllowed(req({ origin: "http://localhost:3000", host: "localhost:3000" }), [])).toBe(true);
    expect(originAllowed(req({ origin: "https://rollcall.example", host: "10.0.0.5:3000" }), ["https://rollcall.example"])).toBe(true);
  });
  it("refuses foreign, malformed and missing origins", () => {
    expect(originAllowed(req({ origin: "http://evil.test", host: "localhost:3000" }), [])).toBe(false);
    expect(originAllowed(req({ origin: "not a url", host: "localhost:3000" }), [])).toBe(false);
    expect(originAllowed(req({ host: "localhost:3000" }), [])).toBe(false);
  });
});
