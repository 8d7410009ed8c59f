// `npm run budgets`: measures the size and speed budgets and writes them into docs/performance.md (not a test run
// by `make test`; it fails only when a budget is exceeded).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  test: {
    environment: "node",
    include: ["budgets/**/*.budget.ts"],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    globalSetup: ["./global-setup.ts"],
  },
});
