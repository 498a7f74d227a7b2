// The administrator the empty (no demo) e2e server creates from ADMIN_EMAIL / ADMIN_PASSWORD.
export const FIRST_ADMIN = { email: "first-admin@rollcall.test", password: "first-admin-password-e2e" };
