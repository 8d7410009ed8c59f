/** Where the end-to-end tests find the repository, the service binary, the page build and the browser. */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root. */
export const REPO = resolve(here, "../..");
/** The web/ folder. */
export const WEB = resolve(here, "..");
/** The page's production build. */
export const DASHBOARD = join(WEB, "apps/dashboard");
/** Screenshots (gitignored). */
export const SCREENSHOTS = join(WEB, "screenshots");

/** The service binary: $TIKTOK_INTEGRATION_BIN, else the workspace's debug build. */
export function serviceBinary(): string {
  const bin = process.env.TIKTOK_INTEGRATION_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(REPO, "target"), "debug/tiktok-integration");
  if (!existsSync(bin)) {
    throw new Error(`${bin} is missing: build it with \`cargo build -p tiktok-api --bin tiktok-integration\``);
  }
  return bin;
}

/** Debian's Chromium: $CHROMIUM, else /usr/bin/chromium. */
export function chromiumPath(): string {
  const path = process.env.CHROMIUM ?? "/usr/bin/chromium";
  if (!existsSync(path)) throw new Error(`${path} is missing: apt-get install -y chromium`);
  return path;
}
