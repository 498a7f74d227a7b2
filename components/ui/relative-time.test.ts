import { describe, expect, it } from "vitest";
import { formatRelative } from "./relative-time";

const now = new Date("2026-11-23T12:00:00Z");
const ago = (s: number) => new Date(now.getTime() - s * 1000);

describe("formatRelative", () => {
  it.each([
    [10, "just now"],
    [4 * 60, "4 min ago"],
    [59 * 60, "59 min ago"],
    [90 * 60, "1 h 30 min ago"],
    [2 * 3600, "2 h ago"],
    [3 * 86_400, "3 d ago"],
    [-5 * 60, "5 min from now"],
    [3 * 3600 + 59 * 60 + 45, "4 h ago"],
    [59 * 60 + 50, "1 h ago"],
    [-(3 * 3600 + 59 * 60 + 40), "4 h from now"],
  ])("%i s -> %s", (s, text) => {
    expect(formatRelative(ago(s), now)).toBe(text);
  });
});
