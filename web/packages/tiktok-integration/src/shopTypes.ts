/**
 * The bodies of the TikTok Shop endpoints, taken from the generated OpenAPI types (never written by hand).
 */
import type { components, operations } from "./generated/api";

type Schemas = components["schemas"];

/** The Shop status body (`status/{user_id}`, also the body of the callback and of disconnect). */
export type ShopConnectionStatus = Schemas["ShopStatusBody"];
/** The seller part of the status body. */
export type ShopSeller = Schemas["ShopSellerBody"];
/** One authorized shop of the status body. */
export type ShopSummary = Schemas["ShopSummaryBody"];
/** The body of `auth/init`: the Shop authorization URL (its `state` parameter is the flow's state). */
export type ShopAuthorizationStart = Schemas["ShopInitBody"];
/** An exact amount: a decimal string and its currency. */
export type ShopMoney = Schemas["MoneyBody"];
/** Orders, revenue and units of one window. */
export type ShopWindow = Schemas["WindowBody"];
/** A product's units sold in the last 30 days. */
export type ShopTopProduct = Schemas["TopProductBody"];
/** The figures of one currency of one shop. */
export type ShopCurrencyFigures = Schemas["CurrencyFiguresBody"];
/** The figures of one shop. */
export type ShopFigures = Schemas["ShopFiguresBody"];
/** `GET metrics/{user_id}` (also the body of sync). */
export type ShopMetrics = Schemas["ShopMetricsBody"];
/** One stored order. */
export type ShopOrder = Schemas["ShopOrderBody"];
/** One page of `GET orders/{user_id}`. */
export type ShopOrderPage = Schemas["ShopOrdersBody"];
/** One stored product with its SKUs. */
export type ShopProduct = Schemas["ShopProductBody"];
/** One page of `GET products/{user_id}`. */
export type ShopProductPage = Schemas["ShopProductsBody"];
/** Query of `GET orders/{user_id}` (`shop_id`, `status`, `limit`, `cursor`). */
export type ShopOrdersQuery = NonNullable<operations["shop_orders"]["parameters"]["query"]>;
/** Query of `GET products/{user_id}` (`shop_id`, `status`, `limit`, `cursor`). */
export type ShopProductsQuery = NonNullable<operations["shop_products"]["parameters"]["query"]>;
