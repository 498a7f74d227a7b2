import { describe, expect, it } from "vitest";
import { defaultPublicStatus } from "./default-status";

describe("the public status the update form offers", () => {
  it.each<[string, string | null, string]>([
    ["detected", null, "investigating"],
    ["investigating", "identified", "identified"],
    ["rolling_back", null, "identified"],
    ["rolling_back", "investigating", "identified"],
    ["monitoring", "identified", "monitoring"],
    ["monitoring", "monitoring", "monitoring"],
    ["resolved", "monitoring", "resolved"],
    ["investigating", "resolved", "investigating"],
  ])("incident %s, last published %s → %s", (incident, last, expected) => {
    expect(defaultPublicStatus(incident, last)).toBe(expected);
  });
});
