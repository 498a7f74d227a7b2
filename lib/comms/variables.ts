// The variables a template may use, filled from the live incident. Data, so the editor can list
// them and checkTemplate can name them in its errors.

export const TEMPLATE_VARIABLES = {
  key: "Incident key, e.g. INC-42",
  title: "Incident title",
  services: "Affected system/services, comma separated",
  severity: "Severity: CRITICAL, HIGH, MEDIUM or LOW",
  trigger: "What triggered the rollback, in a sentence",
  startedAt: "When the incident started (UTC timestamp)",
  elapsed: "Time since the incident started, e.g. 12 min",
  eta: "Expected resolution time or time frame",
  impact: "User impact description",
  status: "Current status, e.g. Rollback in progress / Completed",
  rollbackScope: "What is rolled back: full system, database, application or feature",
  rollbackLevel: "Rollback level (1-5)",
  rollbackDuration: "How long the rollback took",
  commander: "Incident commander (person managing the rollback)",
  contact: "Who to contact: name, phone, email",
  nextUpdateAt: "When the next update will be sent",
  validationResults: "Post-rollback validation results, one per line",
} as const satisfies Record<string, string>;

export type VariableName = keyof typeof TEMPLATE_VARIABLES;
export type TemplateVars = Partial<Record<VariableName, string>>;

export const VARIABLE_NAMES = Object.keys(TEMPLATE_VARIABLES) as VariableName[];

export function isVariableName(name: string): name is VariableName {
  return Object.prototype.hasOwnProperty.call(TEMPLATE_VARIABLES, name);
}
