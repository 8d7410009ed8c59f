/**
 * The OAuth return: TikTok sends the creator back to the redirect URI with `code`, `state`, `scopes` (or
 * `error`, `error_description`). A code is exchanged once: spent codes are remembered in sessionStorage (reloads,
 * React StrictMode's double effects), and the parameters are removed from the address bar.
 */
import type { CallbackParams } from "./client";

/** The query parameters TikTok adds to the redirect URI; all of them are removed after the return. */
export const OAUTH_RETURN_PARAMS = ["code", "state", "scopes", "error", "error_description"] as const;

const SPENT_KEY = "tiktok-integration:spent-oauth-returns";
const SPENT_KEEP = 20;

/** An OAuth return read from the address, with the key under which it is remembered once spent. */
export interface OAuthReturn extends CallbackParams {
  /** The scopes TikTok says were granted (comma-separated in the URL). */
  scopes?: string[];
  /** Identifies this return (its code, or its state when it carries an error). */
  key: string;
}

/** Reads an OAuth return from a URL; null when the URL carries none (neither code+state nor error). */
export function readOAuthReturn(href: string): OAuthReturn | null {
  const url = new URL(href);
  const q = url.searchParams;
  const code = q.get("code") ?? undefined;
  const state = q.get("state") ?? undefined;
  const error = q.get("error") ?? undefined;
  const scopes = q.get("scopes")?.split(",").filter(Boolean);
  if (error !== undefined) {
    return {
      error,
      errorDescription: q.get("error_description") ?? undefined,
      state: state ?? "",
      key: `error:${state ?? ""}:${error}`,
    };
  }
  if (code !== undefined && state !== undefined) return { code, state, scopes, key: `code:${code}` };
  return null;
}

/** The address without the OAuth parameters (path, other parameters and hash kept). */
export function withoutOAuthParams(href: string): string {
  const url = new URL(href);
  for (const name of OAUTH_RETURN_PARAMS) url.searchParams.delete(name);
  return `${url.pathname}${url.search}${url.hash}`;
}

/** Removes the OAuth parameters from the address bar (no navigation, no history entry). */
export function cleanAddressBar(): void {
  const clean = withoutOAuthParams(window.location.href);
  const current = `${window.location.pathname}${window.location.search}${window.location.hash}`;
  if (clean !== current) window.history.replaceState(window.history.state, "", clean);
}

function spentKeys(): string[] {
  try {
    const raw = window.sessionStorage.getItem(SPENT_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed) ? parsed.filter((k): k is string => typeof k === "string") : [];
  } catch {
    return [];
  }
}

/**
 * Claims an OAuth return: true the first time for this key in this browser tab (the caller then completes it),
 * false when it was already spent (a reload, a second effect, a shared link).
 */
export function claimOAuthReturn(key: string): boolean {
  const spent = spentKeys();
  if (spent.includes(key)) return false;
  try {
    window.sessionStorage.setItem(SPENT_KEY, JSON.stringify([...spent, key].slice(-SPENT_KEEP)));
  } catch {
    // Storage unavailable (private mode quotas): the in-memory guard of the hook still applies.
  }
  return true;
}
