/**
 * The typed client of the service's TikTok Shop endpoints (`/api/v1/integrations/tiktok-shop/…`): openapi-fetch
 * over the generated OpenAPI types, a fresh token from `getToken` on every request, and every failure turned
 * into a {@link TikTokIntegrationError} worded for TikTok Shop.
 */
import createClient from "openapi-fetch";
import type { paths } from "./generated/api";
import { settle, type TikTokClientOptions } from "./client";
import { shopMessageFor } from "./shopErrors";
import type {
  ShopAuthorizationStart,
  ShopConnectionStatus,
  ShopMetrics,
  ShopOrderPage,
  ShopOrdersQuery,
  ShopProductPage,
  ShopProductsQuery,
} from "./shopTypes";

/** What TikTok Shop sent back to the page: a code and the state, or an error and the state. */
export interface ShopCallbackParams {
  /** The authorization code (absent when the seller declined). */
  code?: string;
  /** The state issued by `auth/init`. */
  state: string;
  /** TikTok Shop's error (`auth_denied` when the seller declined). */
  error?: string;
}

/** The typed Shop client: one method per endpoint, each answering the body or throwing a TikTokIntegrationError. */
export interface TikTokShopClient {
  /** `GET status/{user_id}`: the seller connection, the seller and the shops. */
  status(userId: string): Promise<ShopConnectionStatus>;
  /** `POST auth/init`: the Shop authorization URL (the redirect is configured at Partner Center). */
  init(userId: string): Promise<ShopAuthorizationStart>;
  /** `POST auth/callback`: completes the Shop return. */
  callback(userId: string, params: ShopCallbackParams): Promise<ShopConnectionStatus>;
  /** `DELETE disconnect/{user_id}`; `purge: true` also erases every order, product and figure stored. */
  disconnect(userId: string, options?: { purge?: boolean }): Promise<ShopConnectionStatus>;
  /** `POST sync/{user_id}`: shops, orders and products from TikTok Shop, incrementally. */
  sync(userId: string): Promise<ShopMetrics>;
  /** `GET metrics/{user_id}`: the stored figures per shop and currency (no TikTok call). */
  metrics(userId: string, shopId?: string): Promise<ShopMetrics>;
  /** `GET orders/{user_id}`: one keyset page of stored orders, newest first. */
  orders(userId: string, query?: ShopOrdersQuery): Promise<ShopOrderPage>;
  /** `GET products/{user_id}`: one keyset page of stored products with their SKUs. */
  products(userId: string, query?: ShopProductsQuery): Promise<ShopProductPage>;
}

/** Creates the typed client of the service's TikTok Shop endpoints. */
export function createTikTokShopClient(options: TikTokClientOptions): TikTokShopClient {
  const api = createClient<paths>({
    baseUrl: options.baseUrl ?? "",
    fetch: (request: Request) => (options.fetch ?? globalThis.fetch)(request),
  });
  api.use({
    async onRequest({ request }) {
      const token = await options.getToken();
      if (token) request.headers.set("Authorization", `Bearer ${token}`);
      return request;
    },
  });
  const path = (userId: string) => ({ path: { user_id: userId } });
  const worded = <T>(call: Parameters<typeof settle<T>>[0]) => settle(call, shopMessageFor);
  return {
    status: (userId) =>
      worded(() => api.GET("/api/v1/integrations/tiktok-shop/status/{user_id}", { params: path(userId) })),
    init: (userId) =>
      worded(() => api.POST("/api/v1/integrations/tiktok-shop/auth/init", { params: { query: { user_id: userId } } })),
    callback: (userId, p) =>
      worded(() =>
        api.POST("/api/v1/integrations/tiktok-shop/auth/callback", {
          params: {
            query: {
              user_id: userId,
              state: p.state,
              ...(p.code !== undefined ? { code: p.code } : {}),
              ...(p.error !== undefined ? { error: p.error } : {}),
            },
          },
        }),
      ),
    disconnect: (userId, o) =>
      worded(() =>
        api.DELETE("/api/v1/integrations/tiktok-shop/disconnect/{user_id}", {
          params: { path: { user_id: userId }, query: o?.purge ? { purge: "true" } : {} },
        }),
      ),
    sync: (userId) =>
      worded(() => api.POST("/api/v1/integrations/tiktok-shop/sync/{user_id}", { params: path(userId) })),
    metrics: (userId, shopId) =>
      worded(() =>
        api.GET("/api/v1/integrations/tiktok-shop/metrics/{user_id}", {
          params: { path: { user_id: userId }, query: shopId ? { shop_id: shopId } : {} },
        }),
      ),
    orders: (userId, query) =>
      worded(() =>
        api.GET("/api/v1/integrations/tiktok-shop/orders/{user_id}", {
          params: { path: { user_id: userId }, query: query ?? {} },
        }),
      ),
    products: (userId, query) =>
      worded(() =>
        api.GET("/api/v1/integrations/tiktok-shop/products/{user_id}", {
          params: { path: { user_id: userId }, query: query ?? {} },
        }),
      ),
  };
}
