// Before any browser test: the page's production build and the service binary must exist.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { DASHBOARD, SCREENSHOTS, chromiumPath, serviceBinary } from "./paths";

export default function setup(): void {
  serviceBinary();
  chromiumPath();
  if (!existsSync(join(DASHBOARD, "dist/index.html"))) {
    throw new Error("the page is not built: run `npm run build` in web/ first (npm run test:e2e does)");
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
}
