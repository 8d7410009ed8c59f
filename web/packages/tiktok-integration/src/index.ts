/**
 * `@creator-platform/tiktok-integration`: the typed client of the TikTok integration service and the React hook
 * `useTikTokIntegration` the creator dashboard uses.
 */
export { useTikTokIntegration } from "./useTikTokIntegration";
export type { TikTokIntegration, UseTikTokIntegrationOptions } from "./useTikTokIntegration";
export { createTikTokClient, parseRetryAfter } from "./client";
export type { TikTokClient, TikTokClientOptions, CallbackParams } from "./client";
export { TikTokIntegrationError, messageFor, reauthMessage, disconnectMessage, formatWait } from "./errors";
export type { ClientErrorCode } from "./errors";
export { readOAuthReturn, withoutOAuthParams, OAUTH_RETURN_PARAMS } from "./callback";
export type { OAuthReturn } from "./callback";
export { signWebhook, verifyWebhook, WebhookVerificationError, DEFAULT_TOLERANCE_SECONDS } from "./webhooks";
export type { WebhookHeaders } from "./webhooks";
export type * from "./types";
export { useTikTokShopIntegration } from "./useTikTokShopIntegration";
export type { TikTokShopIntegration, UseTikTokShopIntegrationOptions } from "./useTikTokShopIntegration";
export { createTikTokShopClient } from "./shopClient";
export type { TikTokShopClient, ShopCallbackParams } from "./shopClient";
export {
  shopMessageFor,
  shopDisconnectMessage,
  SHOP_REAUTH_MESSAGE,
  SHOP_NOT_CONFIGURED_MESSAGE,
} from "./shopErrors";
export { readShopReturn, isShopState, rememberShopState, SHOP_RETURN_PARAMS } from "./shopFlow";
export type { ShopReturn } from "./shopFlow";
export { formatMoney, isDecimalString } from "./money";
export type * from "./shopTypes";
export type { paths, components, operations } from "./generated/api";
