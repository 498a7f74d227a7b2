import type { Template } from "../lib/comms/templates";

// The seeds' communication templates, with their "[Placeholder]"s turned into variables.
// Sources: seed 000 (emergency notification, rollback completion), seed 002 (internal
// "ROLLBACK INITIATED", customer notice), seed 004 (production rollback notification).
// "Rollback failed" is ours, in the same shape: the seeds say what to do when a rollback fails
// (seed 004: "If automated rollback fails", manual procedure; seed 001: escalate) but give no text.

export const DEFAULT_TEMPLATES: readonly Template[] = [
  {
    name: "emergency-notification",
    title: "Emergency notification",
    audience: "stakeholders",
    subject: "🚨 [{{ severity }}] Production rollback initiated: {{ title }} ({{ key }})",
    body: `🚨 PRODUCTION ROLLBACK INITIATED

System: {{ services }}
Severity: {{ severity }}
Trigger: {{ trigger }}
Start Time: {{ startedAt }}
Expected Resolution: {{ eta }}
Impact: {{ impact }}

Current Status: {{ status }}
Next Update: {{ nextUpdateAt }}

Contact: {{ contact }}
Incident ID: {{ key }}`,
  },
  {
    name: "rollback-completion",
    title: "Rollback completion",
    audience: "stakeholders",
    subject: "✅ Production rollback completed: {{ title }} ({{ key }})",
    body: `✅ PRODUCTION ROLLBACK COMPLETED

System: {{ services }}
Rollback Duration: {{ rollbackDuration }}
Services Restored: {{ services }}
Impact: {{ impact }}

Validation Results:
{{ validationResults }}

Post-Incident Actions:
- Root cause analysis scheduled
- Lessons learned session planned
- Process improvements identified

Incident {{ key }}: {{ status }}`,
  },
  {
    name: "rollback-initiated",
    title: "Rollback initiated (internal)",
    audience: "internal",
    subject: "ROLLBACK INITIATED: {{ key }} {{ title }}",
    body: `ROLLBACK INITIATED

Time: {{ startedAt }}
Reason: {{ trigger }}
Impact: {{ impact }}
Level: {{ rollbackLevel }}
Scope: {{ rollbackScope }}
ETA: {{ eta }}
Lead: {{ commander }}`,
  },
  {
    name: "customer-notice",
    title: "Customer notice",
    audience: "customers",
    subject: "Service disruption",
    body: `We are currently experiencing technical difficulties with our service.
Our team is working on resolving the issue.
We expect normal service to resume within {{ eta }}.
We apologize for any inconvenience.`,
  },
  {
    name: "production-rollback-notification",
    title: "Production rollback notification",
    audience: "stakeholders",
    subject: "🚨 [{{ severity }}] Production rollback notification: {{ services }} ({{ key }})",
    body: `🚨 PRODUCTION ROLLBACK NOTIFICATION

Time: {{ startedAt }}
Severity: {{ severity }}
System: {{ services }}

REASON:
- {{ trigger }}
- Impact: {{ impact }}

ACTION TAKEN:
- Rollback: {{ rollbackScope }} (level {{ rollbackLevel }})
- Elapsed: {{ elapsed }}

CURRENT STATUS:
- {{ status }}

VALIDATION:
{{ validationResults }}

NEXT STEPS:
- Next update at {{ nextUpdateAt }}

Point of Contact: {{ contact }}
Incident ID: {{ key }}`,
  },
  {
    name: "rollback-failed",
    title: "Rollback failed (internal)",
    audience: "internal",
    subject: "❌ ROLLBACK FAILED: {{ key }} {{ title }}",
    body: `❌ ROLLBACK FAILED — MANUAL ACTION NEEDED

System: {{ services }}
Severity: {{ severity }}
Scope: {{ rollbackScope }} (level {{ rollbackLevel }})
Elapsed: {{ elapsed }}
Impact: {{ impact }}

Where it stopped:
{{ validationResults }}

Current Status: {{ status }}
Lead: {{ commander }}
Contact: {{ contact }}
Incident ID: {{ key }}`,
  },
];
