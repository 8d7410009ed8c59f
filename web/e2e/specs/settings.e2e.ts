/**
 * The guide's test steps in a real browser: the settings page, the sandbox's consent page and the real service,
 * on SQLite and on PostgreSQL.
 */
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page, Request } from "playwright-core";
import { launchChromium, screenshot, seriousViolations, visible } from "../browser";
import { PagePreview, Service, TestDatabase, freePort, postgresReachable, type DbKind } from "../harness";
import { REPO, SCREENSHOTS } from "../paths";

const kinds: DbKind[] = ["sqlite"];
if (postgresReachable()) kinds.push("postgres");
else if (process.env.REQUIRE_POSTGRES === "1") throw new Error("REQUIRE_POSTGRES=1 but PostgreSQL is not reachable on 127.0.0.1:5432");
else console.warn("PostgreSQL unreachable: the browser tests run on SQLite only");

describe.each(kinds)("the settings page on %s", (kind) => {
  let browser: Browser;
  let service: Service;
  let preview: PagePreview;
  let database: TestDatabase;
  let context: BrowserContext;
  let page: Page;
  let testName = "";
  const user = "42";

  beforeAll(async () => {
    const [apiPort, sandboxPort, pagePort] = [await freePort(), await freePort(), await freePort()];
    preview = new PagePreview(pagePort, `http://127.0.0.1:${apiPort}`);
    service = new Service(apiPort, sandboxPort, `${preview.origin}/creator-dashboard/settings`);
    browser = await launchChromium();
    await preview.start();
  });

  afterAll(async () => {
    await browser?.close();
    await preview?.stop();
  });

  beforeEach(async (ctx) => {
    testName = `${kind}-${ctx.task.name.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "").toLowerCase()}`;
    database = TestDatabase.create(kind);
    await service.start(database);
    context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    page = await context.newPage();
  });

  afterEach(async () => {
    await screenshot(page, testName).catch(() => undefined);
    await context?.close();
    await service.stop();
    database.drop();
  });

  const card = () => page.getByRole("article", { name: "TikTok", exact: true });

  async function openSettings(): Promise<void> {
    await page.goto(`${preview.origin}/creator-dashboard/settings?as=${user}`);
    await visible(card().getByText(/Connected|Not connected|Reconnect needed/));
  }

  /** Connect TikTok → the sandbox's consent page → Authorize (or Cancel) → back on the settings page. */
  async function connect(options: { untick?: string[]; cancel?: boolean; creator?: string } = {}): Promise<void> {
    await card().getByRole("button", { name: "Connect TikTok" }).click();
    await page.waitForURL((url) => url.pathname.startsWith("/v2/auth/authorize"));
    await visible(page.getByRole("button", { name: "Authorize" }));
    for (const scope of options.untick ?? []) await page.locator(`input[name="scope"][value="${scope}"]`).uncheck();
    if (options.creator) await page.locator('select[name="sandbox_user"]').selectOption(options.creator);
    await page.getByRole("button", { name: options.cancel ? "Cancel" : "Authorize" }).click();
    await page.waitForURL((url) => url.pathname === "/creator-dashboard/settings");
  }

  async function accessible(): Promise<void> {
    expect(await seriousViolations(page)).toEqual([]);
  }

  async function followers(): Promise<string> {
    return (await card().locator("dt", { hasText: "Followers" }).locator("xpath=following-sibling::dd").textContent()) ?? "";
  }

  it("connects through the consent page and shows the profile and counts", async () => {
    await openSettings();
    await accessible();
    await connect();
    await visible(card().getByText("Connected", { exact: true }));
    await visible(card().getByText("@sandbox_creator"));
    expect(await followers()).toMatch(/^\d[\d,]*$/);
    expect(page.url()).not.toContain("code=");
    await visible(card().getByRole("button", { name: "Sync now" }));
    await accessible();
    if (kind === "sqlite" && process.env.UPDATE_DOCS_SCREENSHOT === "1") {
      await card().screenshot({ path: join(SCREENSHOTS, "connected-card.png") });
      copyFileSync(join(SCREENSHOTS, "connected-card.png"), join(REPO, "docs/dashboard-connected-card.png"));
    }
  });

  it("works with the keyboard alone on a phone-width screen", async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await openSettings();
    const connectButton = card().getByRole("button", { name: "Connect TikTok" });
    await visible(connectButton);
    for (let i = 0; i < 20 && !(await connectButton.evaluate((el) => el === document.activeElement)); i++) {
      await page.keyboard.press("Tab");
    }
    expect(await connectButton.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press("Enter");
    await page.waitForURL((url) => url.pathname.startsWith("/v2/auth/authorize"));
    await visible(page.getByRole("button", { name: "Authorize" }));
    await page.getByRole("button", { name: "Authorize" }).focus();
    await page.keyboard.press("Enter");
    await visible(card().getByText("@sandbox_creator"));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // The disconnect dialog: opened, then closed with Escape, focus back in the page.
    await card().getByRole("button", { name: "Disconnect" }).focus();
    await page.keyboard.press("Enter");
    await visible(page.getByRole("dialog", { name: "Disconnect TikTok?" }));
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "hidden" });
    await visible(card().getByText("Connected", { exact: true }));
    await accessible();
  });

  it("serves the API reference next to the settings page", async () => {
    await page.goto(`${preview.origin}/creator-dashboard/api-reference`);
    await visible(page.getByRole("heading", { name: "TikTok integration API" }));
    await visible(page.getByText("/api/v1/integrations/tiktok/status/{user_id}"), 30_000);
  });

  it("Sync now updates the last sync and the counts", async () => {
    await openSettings();
    await connect();
    await visible(card().getByText("@sandbox_creator"));
    const before = await card().locator("[data-testid=last-sync] time").getAttribute("datetime");
    await service.sandbox("POST", "/sandbox/users/sandbox_creator/counts", { follower_count: 777_777 });
    await new Promise((r) => setTimeout(r, 1100)); // the last sync is shown to the second
    await card().getByRole("button", { name: "Sync now" }).click();
    await visible(card().locator("dd", { hasText: "777,777" }));
    const after = await card().locator("[data-testid=last-sync] time").getAttribute("datetime");
    expect(after).not.toBe(before);
    expect(Date.parse(after ?? "")).toBeGreaterThan(Date.parse(before ?? ""));
  });

  it("draws the followers chart after syncs on two days", async () => {
    await openSettings();
    await connect();
    await visible(card().getByText("@sandbox_creator"));
    expect(await card().locator("figure").getAttribute("data-points")).toBe("1");
    database.insertYesterday(user, 1000);
    await service.sandbox("POST", "/sandbox/users/sandbox_creator/counts", { follower_count: 1500 });
    await card().getByRole("button", { name: "Sync now" }).click();
    await visible(card().locator("dd", { hasText: "1,500" }));
    await visible(card().locator('figure[data-points="2"]'));
    await visible(card().locator("figure canvas"));
    const rows = await card().locator("figure table tbody tr").allTextContents();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain("1,000");
    expect(rows[1]).toContain("1,500");
    await accessible();
  });

  it("shows why the last sync failed, with TikTok's wait, until a sync works again", async () => {
    await openSettings();
    await connect();
    await visible(card().getByText("@sandbox_creator"));
    await service.sandbox("POST", "/sandbox/faults", { endpoint: "user_info", kind: "service_unavailable" });
    await card().getByRole("button", { name: "Sync now" }).click();
    await visible(card().getByRole("alert").getByText(/TikTok is not responding right now\. Please try again in \d+ (second|minute)/));
    await visible(card().getByText(/The last sync failed on .*TikTok is not responding/));
    await accessible();
    await screenshot(page, `${testName}-failed`);
    await service.sandbox("DELETE", "/sandbox/faults");
    await card().getByRole("button", { name: "Sync now" }).click();
    await card().getByRole("alert").waitFor({ state: "detached", timeout: 15_000 });
    expect(await card().getByText(/The last sync failed/).count()).toBe(0);
  });

  it("explains missing data after a partial grant and offers to reconnect", async () => {
    await openSettings();
    await connect({ untick: ["video.list"] });
    await visible(card().getByText("Grant video access to see your videos"));
    await visible(card().getByRole("button", { name: "Reconnect TikTok" }));
    await visible(card().getByText("No videos to show."));
    await accessible();
  });

  it("Cancel at the consent page shows the declined message and stays not connected", async () => {
    await openSettings();
    await connect({ cancel: true });
    await visible(card().getByRole("alert").getByText(/You declined the connection at TikTok/));
    await visible(card().getByRole("button", { name: "Connect TikTok" }));
    await visible(card().getByText("Not connected", { exact: true }));
    expect(page.url()).not.toContain("error=");
    await accessible();
  });

  it("asks to reconnect after the grant is revoked at TikTok", async () => {
    await openSettings();
    await connect();
    await visible(card().getByText("@sandbox_creator"));
    const { body } = await service.api(user, "GET", `status/${user}`);
    const openId = (body as { account: { tiktok_user_id: string } }).account.tiktok_user_id;
    await service.sandbox("POST", `/sandbox/grants/${openId}/revoke`);
    await service.sandbox("POST", "/sandbox/access_tokens/expire");
    await card().getByRole("button", { name: "Sync now" }).click();
    await visible(card().getByText("Reconnect needed", { exact: true }));
    await visible(card().getByRole("button", { name: "Reconnect TikTok" }));
    await visible(card().getByRole("status").getByText(/the access was removed/));
    await accessible();
  });

  it("Disconnect with erase returns to not connected and the videos are gone", async () => {
    await openSettings();
    await connect();
    await visible(card().getByText("@sandbox_creator"));
    expect((await service.api(user, "GET", `videos/${user}`)).status).toBe(200);
    await visible(card().getByRole("heading", { name: "Top videos" }));
    expect(await card().locator("ol.videos li").count()).toBeGreaterThan(0);
    await card().getByRole("button", { name: "Disconnect" }).click();
    const dialog = page.getByRole("dialog", { name: "Disconnect TikTok?" });
    await visible(dialog);
    await accessible();
    await dialog.getByLabel("Also erase everything stored (videos, history and profile)").check();
    await dialog.getByRole("button", { name: "Disconnect" }).click();
    await visible(card().getByRole("button", { name: "Connect TikTok" }));
    await visible(card().getByText("Not connected", { exact: true }));
    expect(await card().getByRole("heading", { name: "Top videos" }).count()).toBe(0);
    const videos = await service.api(user, "GET", `videos/${user}`);
    expect(videos.status).toBe(404);
    await page.reload();
    await visible(card().getByRole("button", { name: "Connect TikTok" }));
  });

  it("does not replay the code when the callback URL is loaded again", async () => {
    const callbacks: Request[] = [];
    let returnUrl = "";
    page.on("request", (request) => {
      if (request.url().includes("/auth/callback")) callbacks.push(request);
      if (request.isNavigationRequest() && request.url().includes("code=")) returnUrl = request.url();
    });
    await openSettings();
    await connect();
    await visible(card().getByText("@sandbox_creator"));
    expect(returnUrl).toContain("state=");
    expect(callbacks).toHaveLength(1);
    await page.goto(returnUrl);
    await visible(card().getByText("@sandbox_creator"));
    await page.reload();
    await visible(card().getByText("@sandbox_creator"));
    expect(callbacks).toHaveLength(1);
    expect(page.url()).not.toContain("code=");
    expect(await card().getByRole("alert").count()).toBe(0);
  });

  it("says when our service is down and works again when it is back", async () => {
    await openSettings();
    await connect();
    await visible(card().getByText("@sandbox_creator"));
    await service.stop();
    await card().getByRole("button", { name: "Sync now" }).click();
    await visible(card().getByRole("alert").getByText(/Our TikTok service is unavailable/));
    await accessible();
    await screenshot(page, `${testName}-down`);
    await service.start(database);
    await card().getByRole("button", { name: "Try again" }).click();
    await card().getByRole("alert").waitFor({ state: "detached", timeout: 15_000 });
    await visible(card().getByRole("button", { name: "Sync now", disabled: false }));
    await visible(card().getByText("@sandbox_creator"));
  });
});
