/**
 * Errors of the integration, each with a sentence a creator understands, chosen by the contract's error `code`.
 */
import type { ReauthReason } from "./types";

/**
 * Codes the package adds to the contract's: `service_unavailable` (our service did not answer, or answered
 * without the contract's error body) and `network_offline` (the browser has no network).
 */
export type ClientErrorCode = "service_unavailable" | "network_offline";

/** An error of the TikTok integration: the contract's `code`, a creator-readable `message`, and the wait. */
export class TikTokIntegrationError extends Error {
  /** The contract's error code (`invalid_state`, `rate_limited`, …) or a {@link ClientErrorCode}. */
  readonly code: string;
  /** The HTTP status, when the service answered. */
  readonly status?: number;
  /** Seconds to wait before trying again (from `Retry-After`), when the service said so. */
  readonly retryAfter?: number;
  /** The service's own message (for logs and support; not for creators). */
  readonly detail?: string;

  constructor(init: { code: string; message: string; status?: number; retryAfter?: number; detail?: string }) {
    super(init.message);
    this.name = "TikTokIntegrationError";
    this.code = init.code;
    this.status = init.status;
    this.retryAfter = init.retryAfter;
    this.detail = init.detail;
  }
}

const REAUTH_UNKNOWN = "TikTok no longer accepts this connection. Reconnect TikTok to continue.";
const REAUTH_REASONS: Record<string, string> = {
  refresh_token_expired:
    "Your TikTok connection expired after a long time without use. Reconnect TikTok to keep your stats up to date.",
  access_revoked:
    "TikTok no longer gives us access to your account (the access was removed). Reconnect TikTok to continue.",
  scope_withdrawn:
    "A permission this dashboard needs was withdrawn in TikTok. Reconnect TikTok and allow it again.",
  unknown: REAUTH_UNKNOWN,
};

/** The sentence shown when a reconnect is needed, by `reauth_reason`. */
export function reauthMessage(reason?: ReauthReason | string | null): string {
  return REAUTH_REASONS[reason ?? "unknown"] ?? REAUTH_UNKNOWN;
}

const DISCONNECT_UNKNOWN = "TikTok ended the connection.";
const DISCONNECT_REASONS: Record<string, string> = {
  user_disconnected: "You disconnected this app in TikTok.",
  account_deleted: "Your TikTok account was deleted, so the connection ended.",
  age_changed: "TikTok ended the connection after a change to your account's age.",
  account_banned: "TikTok suspended the account, so the connection ended.",
  developer_revoked: "TikTok ended this app's access to your account.",
  unknown: DISCONNECT_UNKNOWN,
};

/** The sentence shown for `disconnect_reason` (TikTok removed the authorization). */
export function disconnectMessage(reason?: string | null): string {
  return DISCONNECT_REASONS[reason ?? "unknown"] ?? DISCONNECT_UNKNOWN;
}

/** "in 30 seconds", "in 2 minutes": the wait for a creator. */
export function formatWait(seconds: number): string {
  if (seconds < 60) return `in ${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `in ${minutes} minute${minutes === 1 ? "" : "s"}`;
}

function tryAgain(retryAfter?: number): string {
  return retryAfter !== undefined ? `Please try again ${formatWait(retryAfter)}.` : "Please try again in a moment.";
}

/** The creator-readable sentence for a contract error code (never the raw body). */
export function messageFor(code: string, retryAfter?: number, reauthReason?: string | null): string {
  switch (code) {
    case "authorization_denied":
      return "You declined the connection at TikTok, so nothing was connected. You can try again whenever you like.";
    case "invalid_state":
      return "This connection attempt expired or was already used. Please click Connect TikTok again.";
    case "invalid_grant":
      return "TikTok did not accept this sign-in (it may have expired). Please click Connect TikTok again.";
    case "tiktok_account_in_use":
      return "This TikTok account is already connected to another creator here. Sign in with that creator, or connect a different TikTok account.";
    case "invalid_redirect_uri":
      return "This page is not allowed to connect TikTok. Please contact support.";
    case "reauth_required":
      return reauthMessage(reauthReason);
    case "rate_limited":
      return `TikTok is busy right now. ${tryAgain(retryAfter)}`;
    case "tiktok_unavailable":
      return `TikTok is not responding right now. ${tryAgain(retryAfter)}`;
    case "tiktok_error":
      return "TikTok answered with an error. Please try again later.";
    case "not_connected":
      return "Your TikTok account is not connected.";
    case "unauthenticated":
      return "Your session has expired. Please sign in again.";
    case "forbidden":
      return "You are not allowed to manage this TikTok connection.";
    case "database_unavailable":
    case "internal_error":
    case "service_unavailable":
      return `Our TikTok service is unavailable at the moment. ${tryAgain(retryAfter)}`;
    case "network_offline":
      return "You appear to be offline. Check your internet connection and try again.";
    case "invalid_request":
      return "Something went wrong with this request. Please reload the page and try again.";
    default:
      return "Something went wrong with TikTok. Please try again later.";
  }
}
