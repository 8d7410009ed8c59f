import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const openapiDocument = join(here, "../../../../docs/openapi.json");
const checkedIn = join(here, "../src/generated/api.ts");
const cli = join(here, "../../../node_modules/openapi-typescript/bin/cli.js");

describe("the generated API types", () => {
  it("are what openapi-typescript makes of docs/openapi.json today (run `make openapi` when not)", () => {
    const out = join(mkdtempSync(join(tmpdir(), "tiktok-types-")), "api.ts");
    execFileSync(process.execPath, [cli, openapiDocument, "-o", out], { stdio: "pipe" });
    expect(readFileSync(checkedIn, "utf8")).toBe(readFileSync(out, "utf8"));
  }, 30_000);
});
