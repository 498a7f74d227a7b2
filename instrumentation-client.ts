import { config } from "zod/v4/core";

// Runs before the app's own scripts. Zod probes `new Function` to speed up object parsing; under the
// Content-Security-Policy (no 'unsafe-eval') the caught probe is still reported as a violation.
config({ jitless: true });
