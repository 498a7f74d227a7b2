import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "./redirect";
import { authOptions } from "./options";

const APP = "https://rollcall.example.com";

// Where a browser would actually go if it navigated to `target` from a page on the app.
const landsOn = (target: string) => new URL(target, `${APP}/login`).origin;

describe("callbackUrl after sign-in", () => {
  const offsite = [
    "//evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    " //evil.example",
    "\t//evil.example",
    "https://evil.example",
    "https://evil.example/login",
    "HTTPS://evil.example",
    "https:evil.example",
    "https:/evil.example",
    "http://rollcall.example.com@evil.example/",
    "https://rollcall.example.com.evil.example/",
    "http://rollcall.example.com/",
    "https://rollcall.example.com:8443/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/./\\evil.example",
    "///evil.example",
    "////evil.example",
  ];
  for (const raw of offsite) {
    it(`keeps ${JSON.stringify(raw)} on the app`, () => {
      const out = safeCallbackUrl(raw, APP);
      expect(out).toBe("/");
    });
  }

  const kept: [string, string][] = [
    ["/incidents", "/incidents"],
    ["/incidents/INC-2026-1?tab=timeline#note-3", "/incidents/INC-2026-1?tab=timeline#note-3"],
    ["/status", "/status"],
    [`${APP}/approvals`, "/approvals"],
    // Percent-encoded slashes stay encoded: a path on this app, not another host.
    ["/%2F%2Fevil.example", "/%2F%2Fevil.example"],
    ["/%5Cevil.example", "/%5Cevil.example"],
    ["%2F%2Fevil.example", "/%2F%2Fevil.example"],
    // A dot segment that would leave "//evil" as the path is reduced to one slash: a path here.
    ["/.//evil.example", "/evil.example"],
    ["/a/..//evil.example", "/evil.example"],
  ];
  for (const [raw, want] of kept) {
    it(`keeps the path of ${JSON.stringify(raw)}`, () => {
      const out = safeCallbackUrl(raw, APP);
      expect(out).toBe(want);
      expect(landsOn(out)).toBe(APP);
      expect(out.startsWith("//")).toBe(false);
    });
  }

  it("falls back to the board for anything that is not a string or is empty", () => {
    for (const raw of [undefined, null, "", 42, ["/incidents"]]) expect(safeCallbackUrl(raw, APP)).toBe("/");
  });
});

describe("next-auth's redirect callback", () => {
  const redirect = authOptions().callbacks!.redirect!;
  it("sends an off-site URL to the app's board and keeps a path on the app", async () => {
    for (const url of ["https://evil.example/x", "//evil.example", "/\\evil.example", "javascript:alert(1)"]) {
      const out = await redirect({ url, baseUrl: APP });
      expect(new URL(out).origin).toBe(APP);
      expect(out).not.toContain("evil.example");
    }
    expect(await redirect({ url: "/incidents?x=1", baseUrl: APP })).toBe(`${APP}/incidents?x=1`);
    expect(await redirect({ url: `${APP}/approvals`, baseUrl: APP })).toBe(`${APP}/approvals`);
  });
});
