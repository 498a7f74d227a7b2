import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import tseslint from "typescript-eslint";

// Layering: app/ and components/ call lib/; lib/ never imports from app/ or components/.
const upward = { group: ["@/app/*", "@/components/*", "**/app/*", "**/components/*"], message: "lib/ must not import from app/ or components/." };
const layering = {
  files: ["lib/**/*.{ts,tsx}"],
  rules: { "no-restricted-imports": ["error", { patterns: [upward] }] },
};

// The decision matrix is pure: no database, no I/O, no clock (tests may read the policy files).
const purePolicy = {
  files: ["lib/policy/**/*.ts"],
  ignores: ["lib/policy/**/*.test.ts"],
  rules: {
    "no-restricted-imports": [
      "error",
      { patterns: [upward, { group: ["**/db/*", "**/decisions/*", "node:fs", "node:fs/*", "node:child_process", "pg", "@prisma/*"], message: "lib/policy is pure." }] },
    ],
  },
};

export default tseslint.config(
  { ignores: [".next/**", ".next-*/**", "node_modules/**", "lib/db/generated/**", ".data/**", "test-results/**", "playwright-report/**", "next-env.d.ts"] },
  ...nextVitals,
  ...nextTs,
  {
    files: ["**/*.{ts,tsx}"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/consistent-type-definitions": ["error", "type"],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
    },
  },
  layering,
  purePolicy,
);
