// Browser end to end: Playwright (playwright-core) driving Debian's Chromium against the real service binary, its
// sandbox and the production build of the page, on SQLite and PostgreSQL. One file at a time (2 cores).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  test: {
    environment: "node",
    include: ["specs/**/*.e2e.ts"],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ["./global-setup.ts"],
  },
});
