/**
 * The bodies of the TikTok Shop endpoints.
 * TEMPORARY: written from the contract (shared spec, "TikTok Shop") until docs/openapi.json carries the Shop
 * operations; then every one of them is taken from the generated types.
 */

/** `GET tiktok-shop/status/{user_id}`. */
export interface ShopConnectionStatus {
  user_id: string;
  connected: boolean;
  status: "not_connected" | "connected" | "reauth_required";
  seller: ShopSeller | null;
  shops: ShopSummary[];
  granted_scopes: string[];
  connected_at?: string | null;
  last_sync_at?: string | null;
  reauth_due_at?: string | null;
  disconnect_reason?: "requested" | "seller_deauthorized" | null;
}
export interface ShopSeller {
  open_id: string;
  seller_name: string;
  seller_base_region: string;
}
export interface ShopSummary {
  shop_id: string;
  name: string;
  region: string;
  seller_type: string;
  code: string;
}
export interface ShopAuthorizationStart {
  authorization_url: string;
  expires_at: string;
}
export interface ShopMoney {
  amount: string;
  currency: string;
}
export interface ShopWindow {
  orders: number;
  revenue: ShopMoney;
  units: number;
}
export interface ShopTopProduct {
  product_id: string;
  product_name: string;
  units: number;
}
export interface ShopCurrencyFigures {
  currency: string;
  last_24_hours: ShopWindow;
  last_7_days: ShopWindow;
  last_30_days: ShopWindow;
  orders_by_status: Record<string, number>;
  top_products: ShopTopProduct[];
}
export interface ShopFigures {
  shop_id: string;
  computed_at: string;
  active_products: number;
  currencies: ShopCurrencyFigures[];
}
export interface ShopMetrics {
  user_id: string;
  shops: ShopFigures[];
}
export interface ShopOrder {
  shop_id: string;
  order_id: string;
  status: string;
  total: ShopMoney;
  created_at: string;
  updated_at: string;
}
export interface ShopOrderPage {
  user_id: string;
  orders: ShopOrder[];
  next_cursor: string | null;
}
export interface ShopProduct {
  shop_id: string;
  product_id: string;
  title: string;
  status: string;
  skus: { sku_id: string; seller_sku: string; price: ShopMoney | null; stock: number }[];
}
export interface ShopProductPage {
  user_id: string;
  products: ShopProduct[];
  next_cursor: string | null;
}
export interface ShopPageQuery {
  shop_id?: string;
  status?: string;
  limit?: number;
  cursor?: string;
}

type Json<T> = { headers: { [name: string]: unknown }; content: { "application/json": T } };
type Op<Query, Path, Body> = {
  parameters: { query?: Query; header?: never; cookie?: never } & ([Path] extends [never] ? { path?: never } : { path: Path });
  requestBody?: never;
  responses: { 200: Json<Body>; 400: Json<{ error: { code: string; message: string } }> };
};
type Op2<Query, Body> = {
  parameters: { query: Query; header?: never; path?: never; cookie?: never };
  requestBody?: never;
  responses: { 200: Json<Body>; 400: Json<{ error: { code: string; message: string } }> };
};
type NoParams = { query?: never; header?: never; path?: never; cookie?: never };
type UserPath = { user_id: string };

/** TEMPORARY: the Shop part of the generated `paths`, until the document carries it. */
export interface ShopPaths {
  "/api/v1/integrations/tiktok-shop/status/{user_id}": { parameters: NoParams; get: Op<never, UserPath, ShopConnectionStatus> };
  "/api/v1/integrations/tiktok-shop/auth/init": { parameters: NoParams; post: Op2<{ user_id: string }, ShopAuthorizationStart> };
  "/api/v1/integrations/tiktok-shop/auth/callback": {
    parameters: NoParams;
    post: Op2<{ user_id: string; code?: string; state?: string; error?: string }, ShopConnectionStatus>;
  };
  "/api/v1/integrations/tiktok-shop/disconnect/{user_id}": {
    parameters: NoParams;
    delete: Op<{ purge?: "true" | "false" }, UserPath, ShopConnectionStatus>;
  };
  "/api/v1/integrations/tiktok-shop/sync/{user_id}": { parameters: NoParams; post: Op<never, UserPath, ShopMetrics> };
  "/api/v1/integrations/tiktok-shop/metrics/{user_id}": { parameters: NoParams; get: Op<{ shop_id?: string }, UserPath, ShopMetrics> };
  "/api/v1/integrations/tiktok-shop/orders/{user_id}": { parameters: NoParams; get: Op<ShopPageQuery, UserPath, ShopOrderPage> };
  "/api/v1/integrations/tiktok-shop/products/{user_id}": { parameters: NoParams; get: Op<ShopPageQuery, UserPath, ShopProductPage> };
}
