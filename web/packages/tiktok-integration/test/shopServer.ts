/** The mocked Shop endpoints (MSW) and the bodies the Shop tests answer with. */
import { http, HttpResponse } from "msw";
import type { ShopConnectionStatus, ShopCurrencyFigures, ShopMetrics } from "../src";

export { BASE, server, errorBody } from "./server";
export const SHOP_API = "http://api.test/api/v1/integrations/tiktok-shop";

export const seller = { open_id: "7010736057180325637", seller_name: "Sandbox Seller", seller_base_region: "GB" };
export const shops = [
  { shop_id: "7000714532876273420", name: "Sandbox Beauty GB", region: "GB", seller_type: "LOCAL", code: "SBX273420" },
  { shop_id: "7000714532876273421", name: "Sandbox Socks US", region: "US", seller_type: "LOCAL", code: "SBX273421" },
];

export function shopStatus(overrides: Partial<ShopConnectionStatus> = {}): ShopConnectionStatus {
  return {
    user_id: "42",
    connected: true,
    status: "connected",
    seller,
    shops,
    granted_scopes: ["seller.order.info", "seller.product.basic"],
    connected_at: "2026-12-01T10:00:00Z",
    last_sync_at: "2026-12-04T10:00:00Z",
    ...overrides,
  };
}

export const shopNotConnected: ShopConnectionStatus = {
  user_id: "42",
  connected: false,
  status: "not_connected",
  seller: null,
  shops: [],
  granted_scopes: [],
  connected_at: null,
  last_sync_at: null,
};

export function currencyFigures(currency: string, revenue: string, overrides: Partial<ShopCurrencyFigures> = {}): ShopCurrencyFigures {
  return {
    currency,
    last_24_hours: { orders: 1, revenue: { amount: "1.00", currency }, units: 1 },
    last_7_days: { orders: 3, revenue: { amount: "3.00", currency }, units: 4 },
    last_30_days: { orders: 12, revenue: { amount: revenue, currency }, units: 20 },
    orders_by_status: { COMPLETED: 10, CANCELLED: 1, AWAITING_SHIPMENT: 2 },
    top_products: [
      { product_id: "1729000000000000001", product_name: "Wool socks", units: 12 },
      { product_id: "1729000000000000002", product_name: "Lip balm", units: 8 },
    ],
    ...overrides,
  };
}

export function shopMetrics(overrides: Partial<ShopMetrics> = {}): ShopMetrics {
  return {
    user_id: "42",
    shops: [
      {
        shop_id: shops[0]!.shop_id,
        computed_at: "2026-12-04T10:00:00Z",
        active_products: 30,
        currencies: [currencyFigures("GBP", "1234.50")],
      },
      {
        shop_id: shops[1]!.shop_id,
        computed_at: "2026-12-04T10:00:00Z",
        active_products: 12,
        currencies: [currencyFigures("USD", "98765432109876543210.99")],
      },
    ],
    ...overrides,
  };
}

/** The handlers of a connected seller (status and metrics). */
export function shopConnectedHandlers(s: ShopConnectionStatus = shopStatus(), m: ShopMetrics = shopMetrics()) {
  return [
    http.get(`${SHOP_API}/status/:userId`, () => HttpResponse.json(s)),
    http.get(`${SHOP_API}/metrics/:userId`, () => HttpResponse.json(m)),
  ];
}
