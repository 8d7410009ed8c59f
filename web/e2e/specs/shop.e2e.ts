/**
 * The TikTok Shop card in a real browser: the settings page, the sandbox's TikTok Shop (which the service speaks
 * to in development without TIKTOK_APP_KEY) and the real service, on SQLite and on PostgreSQL.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page, Request } from "playwright-core";
import { formatMoney } from "../../packages/tiktok-integration/src/money";
import { launchChromium, screenshot, seriousViolations, visible } from "../browser";
import { PagePreview, Service, TestDatabase, freePort, postgresReachable, type DbKind } from "../harness";

const kinds: DbKind[] = ["sqlite"];
if (postgresReachable()) kinds.push("postgres");
else if (process.env.REQUIRE_POSTGRES === "1") throw new Error("REQUIRE_POSTGRES=1 but PostgreSQL is not reachable on 127.0.0.1:5432");

interface Figures {
  shops: {
    shop_id: string;
    currencies: { currency: string; last_30_days: { orders: number; revenue: { amount: string; currency: string } } }[];
  }[];
}

describe.each(kinds)("the TikTok Shop card on %s", (kind) => {
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
    testName = `shop-${kind}-${ctx.task.name.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "").toLowerCase()}`;
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

  const shopCard = () => page.getByRole("article", { name: "TikTok Shop", exact: true });
  const accountCard = () => page.getByRole("article", { name: "TikTok", exact: true });

  /** Calls the Shop API as `userId`. */
  async function shopApi(method: string, path: string): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${service.url}/api/v1/integrations/tiktok-shop/${path}`, {
      method,
      headers: { Authorization: `Bearer ${await service.token(user)}` },
    });
    return { status: response.status, body: await response.json().catch(() => null) };
  }

  async function openSettings(): Promise<void> {
    await page.goto(`${preview.origin}/creator-dashboard/settings?as=${user}`);
    await visible(shopCard().getByText(/^(Connected|Not connected|Reconnect needed)$/));
  }

  async function accessible(): Promise<void> {
    expect(await seriousViolations(page)).toEqual([]);
  }

  /** Connect TikTok Shop → the sandbox's authorize page → back on the settings page, connected and synced. */
  async function connectShop(): Promise<void> {
    await shopCard().getByRole("button", { name: "Connect TikTok Shop" }).click();
    await page.waitForURL((url) => url.pathname === "/creator-dashboard/settings" && !url.search.includes("code="), {
      timeout: 15_000,
    });
    await visible(shopCard().getByText("Connected", { exact: true }));
  }

  it("connects through the sandbox's authorize page, shows the shops' figures exactly, syncs and disconnects", async () => {
    const callbacks: string[] = [];
    page.on("request", (request: Request) => {
      if (request.url().includes("/auth/callback")) callbacks.push(new URL(request.url()).pathname);
    });
    await openSettings();
    await visible(shopCard().getByRole("button", { name: "Connect TikTok Shop" }));
    await accessible();

    await connectShop();
    expect(callbacks).toEqual(["/api/v1/integrations/tiktok-shop/auth/callback"]);
    expect(page.url()).not.toContain("code=");
    // The account card did not take the Shop's return for its own.
    expect(await accountCard().getByRole("alert").count()).toBe(0);
    await visible(accountCard().getByRole("button", { name: "Connect TikTok" }));

    const status = (await shopApi("GET", `status/${user}`)).body as { shops: { shop_id: string; name: string }[] };
    expect(status.shops.length).toBeGreaterThan(0);
    const figures = (await shopApi("GET", `metrics/${user}`)).body as Figures;
    for (const shop of status.shops) {
      const section = shopCard().getByRole("region", { name: shop.name });
      await visible(section);
      const mine = figures.shops.find((f) => f.shop_id === shop.shop_id);
      for (const c of mine?.currencies ?? []) {
        // The very digits the service sent, with their currency; each currency on its own.
        await visible(section.locator(`[data-currency="${c.currency}"] dd`, { hasText: formatMoney(c.last_30_days.revenue.amount, c.last_30_days.revenue.currency) }));
        await visible(section.getByRole("table", { name: `Orders by status, last 30 days (${c.currency})` }));
        await visible(section.getByRole("list", { name: `Top products by units (${c.currency})` }));
      }
    }
    expect(figures.shops.some((s) => s.currencies.some((c) => c.last_30_days.orders > 0))).toBe(true);
    await accessible();
    await screenshot(page, `${testName}-connected`);

    const before = await shopCard().locator("[data-testid=shop-last-sync] time").getAttribute("datetime");
    await new Promise((r) => setTimeout(r, 1100)); // the last sync is shown to the second
    await shopCard().getByRole("button", { name: "Sync now" }).click();
    await page.waitForFunction(
      (old) => document.querySelector("[data-testid=shop-last-sync] time")?.getAttribute("datetime") !== old,
      before,
      { timeout: 15_000 },
    );
    expect(await shopCard().getByRole("alert").count()).toBe(0);

    await shopCard().getByRole("button", { name: "Disconnect" }).click();
    const dialog = page.getByRole("dialog", { name: "Disconnect TikTok Shop?" });
    await visible(dialog);
    await accessible();
    await dialog.getByLabel("Also erase everything stored (orders, products and figures)").check();
    await dialog.getByRole("button", { name: "Disconnect" }).click();
    await visible(shopCard().getByRole("button", { name: "Connect TikTok Shop" }));
    await visible(shopCard().getByText("Not connected", { exact: true }));
    // Erased: no figures, no orders left.
    expect(((await shopApi("GET", `metrics/${user}`)).body as Figures).shops).toEqual([]);
    expect(((await shopApi("GET", `orders/${user}`)).body as { orders: unknown[] }).orders).toEqual([]);
  });

  it("does not replay the Shop code when the return URL is loaded again", async () => {
    const callbacks: string[] = [];
    let returnUrl = "";
    page.on("request", (request: Request) => {
      if (request.url().includes("/tiktok-shop/auth/callback")) callbacks.push(request.url());
      if (request.isNavigationRequest() && request.url().includes("code=")) returnUrl = request.url();
    });
    await openSettings();
    await connectShop();
    expect(returnUrl).toContain("state=");
    await page.goto(returnUrl);
    await visible(shopCard().getByText("Connected", { exact: true }));
    expect(callbacks).toHaveLength(1);
    expect(await page.getByRole("alert").count()).toBe(0);
  });

  it("explains a return without state (an install from Seller Center) and stays not connected", async () => {
    await page.goto(`${preview.origin}/creator-dashboard/settings?as=${user}&code=sbx_shop_code_from_seller_center`);
    await visible(shopCard().getByRole("alert").getByText(/started outside this page/));
    await visible(shopCard().getByRole("button", { name: "Connect TikTok Shop" }));
    expect(page.url()).not.toContain("code=");
    expect(await accountCard().getByRole("alert").count()).toBe(0);
    await accessible();
  });

  it("says calmly that TikTok Shop is not set up when the service has no Shop app, and the TikTok card still works", async () => {
    // A Shop app key without its service id: Shop is not configured, the sandbox does not stand in for it.
    await service.stop();
    await service.start(database, { TIKTOK_APP_KEY: "e2e_app_key", TIKTOK_APP_SECRET: "e2e_app_secret" });
    expect((await shopApi("GET", `status/${user}`)).status).toBe(503);
    await page.goto(`${preview.origin}/creator-dashboard/settings?as=${user}`);
    await visible(shopCard().getByRole("status").getByText("TikTok Shop is not set up for this dashboard yet."));
    expect(await shopCard().getByRole("alert").count()).toBe(0);
    expect(await shopCard().getByRole("button").count()).toBe(0);
    await visible(accountCard().getByRole("button", { name: "Connect TikTok" }));
    await accessible();
  });
});
