import { z } from "zod";
import { trustedProxyErrors } from "./auth/client-ip.ts";

// The only reader of process.env. Parsed lazily so build steps that import a module
// do not need a full production environment.
const boolish = z
  .enum(["0", "1", "true", "false", ""])
  .optional()
  .transform((v) => (v === undefined || v === "" ? undefined : v === "1" || v === "true"));

const ZEnv = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// connection URL")
    .optional(),
  DATA_DIR: z.string().min(1).default(".data"),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  NEXTAUTH_URL: z.url().optional(),
  NEXTAUTH_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  // Comma-separated origins (scheme://host[:port]) allowed besides NEXTAUTH_URL's to open websockets.
  ALLOWED_ORIGINS: z
    .string()
    .optional()
    .transform((v) => (v ?? "").split(",").map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.url({ protocol: /^https?$/, error: "must be comma-separated http(s) origins, like https://rollcall.example" }))),
  // Reverse proxies whose X-Forwarded-For is believed for the client address (IPs and CIDR ranges).
  TRUSTED_PROXIES: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      for (const message of trustedProxyErrors(v)) ctx.addIssue({ code: "custom", message });
    }),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(12, "must be at least 12 characters").optional(),
  DEMO: boolish,
  OIDC_ISSUER: z.url().optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  OIDC_ROLE_CLAIM: z.string().default("roles"),
  OIDC_ROLE_MAP: z.string().optional(),
  POLICY_FILE: z.string().min(1).default("policy/default.yaml"),
  RUNBOOKS_DIR: z.string().min(1).default("runbooks"),
  // Optional service catalogue as code: Rollcall's YAML format or a Backstage catalog-info.yaml.
  SERVICES_FILE: z.string().min(1).optional(),
  FLAG_STORE_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  FLAG_STORE_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  // The demo service's port on 127.0.0.1 (0: a free one), so a Prometheus can scrape it (prometheus/).
  DEMO_SERVICE_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  COMMS_KEY: z.string().optional(),
  // Keys the audit trail's hash chain (base64, >= 32 bytes); the embedded quick start generates DATA_DIR/audit-key.
  AUDIT_HMAC_KEY: z.string().optional(),
  // Where the audit chain's head is anchored (default DATA_DIR/audit-anchors): somewhere the database cannot write.
  AUDIT_ANCHOR_DIR: z.string().min(1).optional(),
  // Set by the launcher when it started the embedded PostgreSQL (quick start), not by people.
  ROLLCALL_EMBEDDED: boolish,
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  // Calls per minute each API token may make to /api/v1 (lib/api/with-token.ts); 429 beyond.
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(300),
});

export type Env = z.infer<typeof ZEnv>;

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const parsed = ZEnv.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  cached = parsed.data;
  return cached;
}

/** For tests and the launcher, which set variables after first read. */
export function resetEnvCache() {
  cached = undefined;
}

export function setEnv(key: string, value: string) {
  process.env[key] = value;
  cached = undefined;
}
