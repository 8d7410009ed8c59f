import { describe, expect, it } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { TikTokShopCard, orderStatusLabel } from "../src/TikTokShopCard";
import {
  BASE,
  SHOP_API,
  currencyFigures,
  errorBody,
  server,
  shopConnectedHandlers,
  shopMetrics,
  shopNotConnected,
  shopStatus,
  shops,
} from "../../../packages/tiktok-integration/test/shopServer";

function renderCard() {
  render(<TikTokShopCard userId="42" getToken={() => Promise.resolve("jwt")} baseUrl={BASE} />);
  return screen.getByRole("article", { name: "TikTok Shop" });
}

async function settled(card: HTMLElement) {
  await waitFor(() => expect(card.getAttribute("aria-busy")).toBe("false"));
}

describe("TikTokShopCard", () => {
  it("shows each shop with its own currency's orders, revenue (exact), top products and statuses", async () => {
    server.use(...shopConnectedHandlers());
    const card = renderCard();
    await settled(card);
    expect(within(card).getByText("Connected")).toBeTruthy();
    expect(within(card).getByText("Sandbox Seller")).toBeTruthy();

    const gb = within(card).getByRole("region", { name: "Sandbox Beauty GB" });
    const us = within(card).getByRole("region", { name: "Sandbox Socks US" });
    const gbFigures = within(gb).getByRole("list", { name: "Top products by units (GBP)" });
    expect(within(gbFigures).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["Wool socks12 units", "Lip balm8 units"]);
    expect(within(gb).getByText("£1,234.50")).toBeTruthy();
    expect(within(gb).queryByText(/\$/)).toBeNull();
    // 20 integer digits: a float would have shown 98,765,432,109,876,540,000.00.
    expect(within(us).getByText("$98,765,432,109,876,543,210.99")).toBeTruthy();
    expect(within(us).queryByText(/£/)).toBeNull();
    expect(within(card).queryByText(/total/i)).toBeNull();

    const table = within(gb).getByRole("table", { name: "Orders by status, last 30 days (GBP)" });
    expect(within(table).getByRole("rowheader", { name: "Awaiting shipment" })).toBeTruthy();
    expect(within(table).getAllByRole("row").map((r) => r.textContent)).toContain("Awaiting shipment2");
    expect(within(gb).getByText(/30 active products/)).toBeTruthy();

    expect(within(card).getByTestId("shop-last-sync").querySelector("time")?.getAttribute("dateTime")).toBe("2026-12-04T10:00:00Z");
    expect(within(card).getByRole("button", { name: "Sync now" })).toBeTruthy();
    expect(within(card).getByRole("button", { name: "Disconnect" })).toBeTruthy();
  });

  it("keeps two currencies of one shop apart", async () => {
    const m = shopMetrics();
    m.shops[0]!.currencies = [currencyFigures("EUR", "0.10"), currencyFigures("GBP", "0.20")];
    server.use(...shopConnectedHandlers(shopStatus(), m));
    const card = renderCard();
    await settled(card);
    const gb = within(card).getByRole("region", { name: "Sandbox Beauty GB" });
    const blocks = gb.querySelectorAll("[data-currency]");
    expect([...blocks].map((b) => b.getAttribute("data-currency"))).toEqual(["EUR", "GBP"]);
    expect(within(blocks[0] as HTMLElement).getByText("€0.10")).toBeTruthy();
    expect(within(blocks[1] as HTMLElement).getByText("£0.20")).toBeTruthy();
    expect(within(gb).queryByText("0.30", { exact: false })).toBeNull();
  });

  it("lists the five best-selling products of the ten kept", async () => {
    const m = shopMetrics();
    m.shops[0]!.currencies[0]!.top_products = Array.from({ length: 10 }, (_, i) => ({
      product_id: `17290000000000000${i + 10}`,
      product_name: `Product ${i + 1}`,
      units: 20 - i,
    }));
    server.use(...shopConnectedHandlers(shopStatus(), m));
    const card = renderCard();
    await settled(card);
    const list = within(card).getByRole("list", { name: "Top products by units (GBP)" });
    expect(within(list).getAllByRole("listitem").map((li) => li.textContent)).toEqual([
      "Product 120 units",
      "Product 219 units",
      "Product 318 units",
      "Product 417 units",
      "Product 516 units",
    ]);
  });

  it("offers to connect when not connected", async () => {
    server.use(http.get(`${SHOP_API}/status/:userId`, () => HttpResponse.json(shopNotConnected)));
    const card = renderCard();
    await settled(card);
    expect(within(card).getByText("Not connected")).toBeTruthy();
    expect(within(card).getByRole("button", { name: "Connect TikTok Shop" })).toBeTruthy();
    expect(within(card).queryByRole("alert")).toBeNull();
  });

  it("says calmly that TikTok Shop is not set up (503 shop_not_configured), with no error and no button", async () => {
    server.use(http.get(`${SHOP_API}/status/:userId`, () => errorBody("shop_not_configured", "x", { status: 503 })));
    const card = renderCard();
    await settled(card);
    expect(within(card).getByRole("status").textContent).toBe(
      "TikTok Shop is not set up for this dashboard yet. Your TikTok account connection works as before.",
    );
    expect(within(card).queryByRole("alert")).toBeNull();
    expect(within(card).queryByRole("button")).toBeNull();
  });

  it("asks to reconnect when reauth is required, still showing the last figures", async () => {
    server.use(...shopConnectedHandlers(shopStatus({ connected: false, status: "reauth_required" })));
    const card = renderCard();
    await settled(card);
    expect(within(card).getByText("Reconnect needed")).toBeTruthy();
    expect(within(card).getByRole("button", { name: "Reconnect TikTok Shop" })).toBeTruthy();
    expect(within(card).getByText("£1,234.50")).toBeTruthy();
    expect(within(card).queryByRole("button", { name: "Sync now" })).toBeNull();
  });

  it("explains a seller deauthorization and offers to reconnect", async () => {
    server.use(
      http.get(`${SHOP_API}/status/:userId`, () => HttpResponse.json({ ...shopNotConnected, disconnect_reason: "seller_deauthorized" })),
    );
    const card = renderCard();
    await settled(card);
    expect(within(card).getByRole("status").textContent).toContain("The seller removed this app in TikTok Shop Seller Center");
    expect(within(card).getByRole("button", { name: "Reconnect TikTok Shop" })).toBeTruthy();
  });

  it("warns ahead of an authorization expiry (reauth_due_at)", async () => {
    server.use(...shopConnectedHandlers(shopStatus({ reauth_due_at: "2026-12-30T00:00:00Z" })));
    const card = renderCard();
    await settled(card);
    expect(within(card).getByText(/Your TikTok Shop authorization ends on Dec 30, 2026/)).toBeTruthy();
  });

  it("shows a shop with no figures yet", async () => {
    server.use(...shopConnectedHandlers(shopStatus(), shopMetrics({ shops: [] })));
    const card = renderCard();
    await settled(card);
    const us = within(card).getByRole("region", { name: shops[1]!.name });
    expect(within(us).getByText("No orders in the last 30 days yet.")).toBeTruthy();
  });

  it("shows our service's failure as an alert with Try again", async () => {
    server.use(http.get(`${SHOP_API}/status/:userId`, () => HttpResponse.error()));
    const card = renderCard();
    await settled(card);
    expect(within(card).getByRole("alert").textContent).toContain("Our TikTok Shop service is unavailable");
    expect(within(card).getByRole("button", { name: "Try again" })).toBeTruthy();
  });
});

describe("orderStatusLabel", () => {
  it.each([
    ["AWAITING_SHIPMENT", "Awaiting shipment"],
    ["COMPLETED", "Completed"],
    ["", ""],
  ])("%s → %s", (raw, label) => expect(orderStatusLabel(raw)).toBe(label));
});
