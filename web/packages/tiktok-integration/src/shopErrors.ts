/**
 * The TikTok Shop wording of the integration's errors: the same contract codes as the account's (errors.ts),
 * each with a sentence that names TikTok Shop and its buttons, plus the Shop's own `shop_not_configured`.
 */
import { formatWait, messageFor } from "./errors";

function tryAgain(retryAfter?: number): string {
  return retryAfter !== undefined ? `Please try again ${formatWait(retryAfter)}.` : "Please try again in a moment.";
}

/** The sentence shown when the seller must authorize TikTok Shop again. */
export const SHOP_REAUTH_MESSAGE =
  "TikTok Shop no longer accepts this connection (the authorization expired or was withdrawn). Reconnect TikTok Shop to keep your orders and revenue up to date.";

/** The calm notice shown when the service has no TikTok Shop app configured (`503 shop_not_configured`). */
export const SHOP_NOT_CONFIGURED_MESSAGE =
  "TikTok Shop is not set up for this dashboard yet. Your TikTok account connection works as before.";

const DISCONNECT_REASONS: Record<string, string> = {
  seller_deauthorized: "The seller removed this app in TikTok Shop Seller Center, so the connection ended.",
  requested: "You disconnected TikTok Shop.",
};

/** The sentence shown for the Shop status body's `disconnect_reason`. */
export function shopDisconnectMessage(reason?: string | null): string {
  return DISCONNECT_REASONS[reason ?? ""] ?? "TikTok Shop ended the connection.";
}

/** The creator-readable sentence for a contract error code met on a TikTok Shop endpoint (never the raw body). */
export function shopMessageFor(code: string, retryAfter?: number): string {
  switch (code) {
    case "shop_not_configured":
      return SHOP_NOT_CONFIGURED_MESSAGE;
    case "authorization_denied":
      return "You declined the connection at TikTok Shop, so nothing was connected. You can try again whenever you like.";
    case "invalid_state":
      return "This TikTok Shop connection attempt expired, was already used, or was started outside this page (for example from Seller Center). Please click Connect TikTok Shop here.";
    case "invalid_grant":
      return "TikTok Shop did not accept this authorization (it may have expired). Please click Connect TikTok Shop again.";
    case "shop_seller_in_use":
      return "This TikTok Shop seller is already connected to another creator here. Sign in with that creator, or authorize a different seller account.";
    case "reauth_required":
      return SHOP_REAUTH_MESSAGE;
    case "not_connected":
      return "Your TikTok Shop is not connected.";
    case "forbidden":
      return "You are not allowed to manage this TikTok Shop connection.";
    case "rate_limited":
      return `TikTok Shop is busy right now. ${tryAgain(retryAfter)}`;
    case "tiktok_unavailable":
      return `TikTok Shop is not responding right now. ${tryAgain(retryAfter)}`;
    case "tiktok_error":
      return "TikTok Shop answered with an error (a permission of the app may be missing). Please try again later.";
    case "database_unavailable":
    case "internal_error":
    case "service_unavailable":
      return `Our TikTok Shop service is unavailable at the moment. ${tryAgain(retryAfter)}`;
    default:
      return messageFor(code, retryAfter);
  }
}
