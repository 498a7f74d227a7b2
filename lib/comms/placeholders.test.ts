import { describe, expect, it } from "vitest";
import { DEFAULT_TEMPLATES } from "../../templates/default-templates";
import { findPlaceholders, placeholderMessage } from "./placeholders";
import { renderTemplate } from "./templates";
import { VARIABLE_NAMES } from "./variables";

describe("findPlaceholders", () => {
  const cases: { name: string; text: string; found: string[] }[] = [
    { name: "plain words", text: "We are rolling back and expect service within 30 minutes.", found: [] },
    { name: "the renderer's mark for a missing ETA", text: "We expect normal service to resume within [eta].", found: ["[eta]"] },
    { name: "camel-case variable names", text: "Next update at [nextUpdateAt]; started [startedAt].", found: ["[nextUpdateAt]", "[startedAt]"] },
    { name: "a variable name in any case", text: "ETA: [ETA], impact: [Impact]", found: ["[ETA]", "[Impact]"] },
    { name: "template syntax, with or without spaces", text: "Impact: {{ impact }} and {{eta}}", found: ["{{ impact }}", "{{eta}}"] },
    { name: "an unknown variable is still unfilled", text: "Dear {{ customerName }},", found: ["{{ customerName }}"] },
    { name: "the seeds' lowercase tokens", text: "resume within [timeframe]; affected users: [estimated number]; flag [feature-name]", found: ["[timeframe]", "[estimated number]", "[feature-name]"] },
    { name: "the seeds' capitalised ones", text: "Contact: [Name], [Phone], [Email] at [Timestamp]", found: ["[Name]", "[Phone]", "[Email]", "[Timestamp]"] },
    { name: "the seeds' choices and [X]", text: "Application: [HEALTHY/DEGRADED/DOWN], error rate [X]%", found: ["[HEALTHY/DEGRADED/DOWN]", "[X]"] },
    { name: "each once, in order", text: "[eta] {{ impact }} [eta]", found: ["[eta]", "{{ impact }}"] },
    { name: "a severity in brackets is a word", text: "🚨 [CRITICAL] Production rollback", found: [] },
    { name: "a Markdown link is a word", text: "See [status page](https://status.example.com)", found: [] },
    { name: "a checkbox and a footnote are words", text: "- [x] done, see [1] and [ ]", found: [] },
    { name: "single braces are words", text: "JSON looks like { \"a\": 1 }", found: [] },
  ];
  it.each(cases)("$name", ({ text, found }) => {
    expect(findPlaceholders(text)).toEqual(found);
  });

  it("finds every variable a shipped template can leave unfilled", () => {
    for (const name of VARIABLE_NAMES) expect(findPlaceholders(renderTemplate(`x {{ ${name} }} y`, {}))).toEqual([`[${name}]`]);
  });

  it("finds the shipped customer notice's ETA when the incident has none, and nothing once filled", () => {
    const notice = DEFAULT_TEMPLATES.find((t) => t.name === "customer-notice")!;
    expect(findPlaceholders(renderTemplate(notice.body, {}))).toEqual(["[eta]"]);
    expect(findPlaceholders(renderTemplate(notice.body, { eta: "30 minutes" }))).toEqual([]);
  });
});

describe("placeholderMessage", () => {
  it("names the placeholders and where the text was going", () => {
    expect(placeholderMessage("within [eta]", "the status page")).toBe("Unfilled placeholder [eta]: fill it in or remove it before this goes to the status page.");
    expect(placeholderMessage("[eta] and {{ impact }}")).toBe("Unfilled placeholders [eta], {{ impact }}: fill them in or remove them before this goes to customers.");
    expect(placeholderMessage("All fine.")).toBeNull();
  });
});
