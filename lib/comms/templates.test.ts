import { describe, expect, it } from "vitest";
import { DEFAULT_TEMPLATES } from "../../templates/default-templates";
import { checkTemplate, checkTemplateFields, escapeFor, missingVariables, renderMessage, renderTemplate, TemplateError, type Format } from "./templates";
import { VARIABLE_NAMES } from "./variables";

describe("checkTemplate", () => {
  const cases: { name: string; text: string; codes: string[]; line?: number; column?: number; mentions?: string }[] = [
    { name: "plain text", text: "No variables here { single braces } are fine", codes: [] },
    { name: "known variables, with and without spaces", text: "{{ key }} {{title}} {{  severity  }}", codes: [] },
    { name: "unknown variable", text: "Hi {{ customer }}", codes: ["unknown_variable"], line: 1, column: 4, mentions: "customer" },
    { name: "case matters", text: "{{ Key }}", codes: ["unknown_variable"] },
    { name: "unclosed", text: "Start: {{ startedAt", codes: ["unbalanced_brace"], line: 1, column: 8 },
    { name: "stray close on line 2", text: "ok\nthen }} here", codes: ["unbalanced_brace"], line: 2, column: 6 },
    { name: "open inside open", text: "{{ key {{ title }}", codes: ["unbalanced_brace"], column: 1 },
    { name: "not a name", text: "{{ key | upper }}", codes: ["invalid_expression"] },
    { name: "empty", text: "{{}}", codes: ["invalid_expression"] },
    { name: "several errors", text: "{{ nope }} and {{ also }}", codes: ["unknown_variable", "unknown_variable"] },
  ];
  it.each(cases)("$name", ({ text, codes, line, column, mentions }) => {
    const errors = checkTemplate(text);
    expect(errors.map((e) => e.code)).toEqual(codes);
    if (line !== undefined) expect(errors[0]?.line).toBe(line);
    if (column !== undefined) expect(errors[0]?.column).toBe(column);
    if (mentions) expect(errors[0]?.message).toContain(mentions);
  });

  it("lists the allowed names in an unknown-variable error", () => {
    const [error] = checkTemplate("{{ customer }}");
    for (const name of VARIABLE_NAMES) expect(error?.message).toContain(name);
  });

  it("reports errors per field for the editor form", () => {
    expect(checkTemplateFields({ subject: "{{ key }}", body: "{{ oops }}" })).toEqual({ body: [expect.stringContaining('Unknown variable "oops"')] });
  });
});

describe("renderTemplate", () => {
  const vars = { key: "INC-7", title: "Checkout <down> & \"out\"", impact: "5% 'users'" };
  const cases: { format: Format; text: string; out: string }[] = [
    { format: "plain", text: "{{ key }}: {{ title }}", out: 'INC-7: Checkout <down> & "out"' },
    { format: "html", text: "{{ key }}: {{ title }}", out: "INC-7: Checkout &lt;down&gt; &amp; &quot;out&quot;" },
    { format: "html", text: "{{ impact }} < 10%", out: "5% &#39;users&#39; &lt; 10%" },
    { format: "slack", text: "*{{ title }}*", out: '*Checkout &lt;down&gt; &amp; "out"*' },
    { format: "slack", text: "{{ impact }}", out: "5% 'users'" },
    { format: "plain", text: "ETA: {{ eta }}", out: "ETA: [eta]" },
  ];
  it.each(cases)("$format: $text", ({ format, text, out }) => {
    expect(renderTemplate(text, vars, format)).toBe(out);
  });

  it("does not expand variables inside values", () => {
    expect(renderTemplate("{{ title }}", { title: "{{ key }}", key: "INC-1" })).toBe("{{ key }}");
  });

  it("refuses to render an invalid template", () => {
    expect(() => renderTemplate("{{ nope }}", {})).toThrow(TemplateError);
    expect(() => renderTemplate("{{ key", {})).toThrow(/never closed/);
  });

  it("keeps the subject on one line and never HTML-escapes it", () => {
    expect(renderMessage({ subject: "{{ title }}", body: "{{ title }}" }, { title: "a <b>\nc" }, "html")).toEqual({ subject: "a <b> c", body: "a &lt;b&gt;\nc" });
  });

  it("lists variables still without a value", () => {
    expect(missingVariables("{{ key }} {{ eta }} {{ eta }} {{ contact }}", { key: "INC-1", contact: "" })).toEqual(["eta", "contact"]);
  });

  it("escapes Slack control characters only", () => {
    expect(escapeFor("slack", "<!channel> & *x*")).toBe("&lt;!channel&gt; &amp; *x*");
  });
});

describe("default templates", () => {
  it("ships the five seed templates with audiences, and the rollback-failed draft", () => {
    expect(DEFAULT_TEMPLATES.map((t) => [t.name, t.audience])).toEqual([
      ["emergency-notification", "stakeholders"],
      ["rollback-completion", "stakeholders"],
      ["rollback-initiated", "internal"],
      ["customer-notice", "customers"],
      ["production-rollback-notification", "stakeholders"],
      ["rollback-failed", "internal"],
    ]);
  });

  it.each(DEFAULT_TEMPLATES.map((t) => [t.name, t] as const))("%s is valid and fills every placeholder", (_name, t) => {
    expect(checkTemplateFields(t)).toEqual({});
    const all = Object.fromEntries(VARIABLE_NAMES.map((n) => [n, `v-${n}`]));
    const out = renderMessage(t, all, "plain");
    expect(`${out.subject}\n${out.body}`).not.toMatch(/\[[a-zA-Z]+\]|\{\{/);
  });

  it("fills the emergency notification from an incident", () => {
    const t = DEFAULT_TEMPLATES.find((x) => x.name === "emergency-notification")!;
    const out = renderMessage(t, { key: "INC-42", severity: "CRITICAL", title: "Checkout errors", trigger: "Error rate 12%" }, "plain");
    expect(out.subject).toBe("🚨 [CRITICAL] Production rollback initiated: Checkout errors (INC-42)");
    expect(out.body).toContain("Trigger: Error rate 12%\n");
    expect(out.body).toContain("Incident ID: INC-42");
  });

  it("the customer notice says nothing internal", () => {
    const t = DEFAULT_TEMPLATES.find((x) => x.name === "customer-notice")!;
    const used = VARIABLE_NAMES.filter((n) => t.body.includes(n) || t.subject.includes(n));
    expect(used).toEqual(["eta"]);
  });
});
