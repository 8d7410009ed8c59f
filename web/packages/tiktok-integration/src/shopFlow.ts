/**
 * Which flow a return to the settings page belongs to. The TikTok account flow and the TikTok Shop flow come
 * back to the same page with the same `code` and `state` parameters, so the Shop hook remembers, in this tab's
 * sessionStorage and before sending the browser away, the states it started; a return carrying one of them is
 * the Shop's, every other return the account's.
 */
import { withoutOAuthParams } from "./callback";

const SHOP_STATES_KEY = "tiktok-integration:shop-oauth-states";
const SHOP_STATES_KEEP = 10;

/** Parameters a TikTok Shop authorization may add to the return (beside `code`, `state`, `error`). */
export const SHOP_RETURN_PARAMS = ["locale", "shop_region", "app_key"] as const;

function shopStates(): string[] {
  try {
    const raw = window.sessionStorage.getItem(SHOP_STATES_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed) ? parsed.filter((s): s is string => typeof s === "string") : [];
  } catch {
    return [];
  }
}

/** Remembers that `state` was issued for a TikTok Shop authorization started in this tab. */
export function rememberShopState(state: string): void {
  try {
    const kept = shopStates().filter((s) => s !== state);
    window.sessionStorage.setItem(SHOP_STATES_KEY, JSON.stringify([...kept, state].slice(-SHOP_STATES_KEEP)));
  } catch {
    // Storage unavailable: the return will be taken for an account return and refused as invalid_state.
  }
}

/** True when `state` was issued for a TikTok Shop authorization started in this tab. */
export function isShopState(state: string | null | undefined): boolean {
  return typeof state === "string" && state !== "" && shopStates().includes(state);
}

/** What a TikTok Shop return to the page carries. */
export type ShopReturn =
  | { kind: "code"; code: string; state: string; key: string }
  | { kind: "error"; error: string; state: string; key: string }
  /** A code without state: an install started from Seller Center's app store, which cannot be tied to a user. */
  | { kind: "unbound"; key: string };

/**
 * Reads a TikTok Shop return from a URL: a code or an error whose state the Shop flow issued, or a code
 * without any state (Seller Center's app store). Null for anything else (no return, or the account's).
 */
export function readShopReturn(href: string): ShopReturn | null {
  const q = new URL(href).searchParams;
  const code = q.get("code");
  const state = q.get("state");
  const error = q.get("error");
  if (state === null || state === "") {
    return code !== null && code !== "" && code !== "null" && error === null
      ? { kind: "unbound", key: `shop-unbound:${code}` }
      : null;
  }
  if (!isShopState(state)) return null;
  if (error !== null) return { kind: "error", error, state, key: `shop-error:${state}:${error}` };
  if (code !== null && code !== "") return { kind: "code", code, state, key: `shop-code:${code}` };
  return null;
}

/** The address without the return's parameters (the account's and the Shop's). */
export function withoutShopReturnParams(href: string): string {
  const url = new URL(href);
  for (const name of SHOP_RETURN_PARAMS) url.searchParams.delete(name);
  return withoutOAuthParams(url.href);
}

/** Removes a Shop return's parameters from the address bar (no navigation, no history entry). */
export function cleanShopReturn(): void {
  const clean = withoutShopReturnParams(window.location.href);
  const current = `${window.location.pathname}${window.location.search}${window.location.hash}`;
  if (clean !== current) window.history.replaceState(window.history.state, "", clean);
}
