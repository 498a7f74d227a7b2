import type { RoleName } from "../auth/permissions.ts";

// Service catalogue from seed 002's "Recovery Time Objectives" table (RTO / RPO / priority).
export const DEMO_SERVICES = [
  { name: "Core API", rtoMinutes: 5, rpoMinutes: 1, tier: "Critical", ownerTeam: "Platform", currentVersion: "v2.14.0", lastKnownGoodVersion: "v2.13.4" },
  { name: "User Auth", rtoMinutes: 5, rpoMinutes: 1, tier: "Critical", ownerTeam: "Identity", currentVersion: "v5.2.1", lastKnownGoodVersion: "v5.2.0" },
  { name: "Database", rtoMinutes: 15, rpoMinutes: 5, tier: "Critical", ownerTeam: "Data", currentVersion: "schema-482", lastKnownGoodVersion: "schema-479" },
  { name: "File Storage", rtoMinutes: 30, rpoMinutes: 15, tier: "High", ownerTeam: "Storage", currentVersion: "v1.9.3", lastKnownGoodVersion: "v1.9.2" },
  { name: "Analytics", rtoMinutes: 120, rpoMinutes: 60, tier: "Medium", ownerTeam: "Insights", currentVersion: "v0.31.0", lastKnownGoodVersion: "v0.30.2" },
  // Not from the seeds: the small local service the quick start really rolls back.
  { name: "Demo Checkout", rtoMinutes: 5, rpoMinutes: 1, tier: "Critical", ownerTeam: "Demo", currentVersion: "v2", lastKnownGoodVersion: "v1", environments: ["production", "drill"], runbooks: [{ runbook: "demo-service", defaults: {} }] },
] as const;

// One user per role; names follow the contact roles in seed 001's "Emergency Contacts".
export const DEMO_USERS: { email: string; name: string; role: RoleName }[] = [
  { email: "admin@rollcall.demo", name: "Ada Admin", role: "admin" },
  { email: "oncall@rollcall.demo", name: "Omar On-call", role: "oncall" },
  { email: "teamlead@rollcall.demo", name: "Tess Team-lead", role: "teamlead" },
  { email: "product@rollcall.demo", name: "Priya Product-owner", role: "productowner" },
  { email: "viewer@rollcall.demo", name: "Vic Stakeholder", role: "viewer" },
];

// Seed 001's "Emergency Contacts" table. Two are linked to the demo users who hold those roles.
export const DEMO_CONTACTS: { name: string; title: string; phone: string; email: string; note: string; userEmail?: string }[] = [
  { name: "On-Call Engineer", title: "Primary response team", phone: "+1-555-0101", email: "oncall@company.com", note: "", userEmail: "oncall@rollcall.demo" },
  { name: "Database Admin", title: "Primary response team", phone: "+1-555-0102", email: "dba@company.com", note: "" },
  { name: "DevOps Lead", title: "Primary response team", phone: "+1-555-0103", email: "devops@company.com", note: "" },
  { name: "Team Lead", title: "Primary response team", phone: "+1-555-0105", email: "teamlead@company.com", note: "", userEmail: "teamlead@rollcall.demo" },
  { name: "CTO", title: "Escalation contact", phone: "+1-555-0201", email: "cto@company.com", note: "Critical incidents >30min" },
  { name: "VP Engineering", title: "Escalation contact", phone: "+1-555-0202", email: "", note: "Security breaches" },
  { name: "CEO", title: "Escalation contact", phone: "+1-555-0204", email: "", note: "Public incidents >2hrs" },
];

export const DEMO_PASSWORD = "rollcall-demo";

export const DEMO_INCIDENTS = [
  {
    title: "Checkout API returning 502 after v2.14.0 deploy",
    severity: "HIGH",
    trigger: "Error rate > 5% for 5 minutes",
    triggerId: undefined,
    summary: "Error rate on Core API jumped from 0.2% to 7% right after the 14:02 deploy. Payments failing intermittently.",
    services: ["Core API"],
    status: "investigating",
    minutesAgo: 6,
  },
  {
    title: "Dashboard charts render blank in Safari",
    severity: "LOW",
    trigger: "Minor UI issues",
    triggerId: "minor_ui",
    summary: "Analytics dashboard charts do not render in Safari 19 after the frontend release.",
    services: ["Analytics"],
    status: "detected",
    minutesAgo: 42,
  },
  {
    title: "Login latency p95 above 2s",
    severity: "MEDIUM",
    trigger: "Performance degradation > 50%",
    triggerId: "performance_degradation",
    summary: "p95 response time on sign-in went from 600 ms to 2.3 s after the session store change.",
    services: ["User Auth"],
    status: "monitoring",
    minutesAgo: 95,
  },
] as const;
