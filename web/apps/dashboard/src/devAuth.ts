/**
 * Development sign-in: the page gets a JWT for the chosen user id from the service's `POST /dev/token`, which
 * exists only in development with the TikTok sandbox. The real dashboard passes its platform's JWT instead.
 */
interface DevToken {
  token: string;
  expiresAt: number;
}

const cache = new Map<string, DevToken>();

/** Thrown when the service offers no development sign-in (not development, or not running). */
export class DevSignInError extends Error {}

/** A valid development token for `userId`, minted again shortly before it expires. */
export async function devToken(userId: string): Promise<string> {
  const cached = cache.get(userId);
  if (cached && cached.expiresAt - Date.now() > 30_000) return cached.token;
  let response: Response;
  try {
    response = await fetch(`/dev/token?user_id=${encodeURIComponent(userId)}`, { method: "POST" });
  } catch {
    throw new DevSignInError("Development sign-in failed: the TikTok integration service is not reachable.");
  }
  if (response.status === 404) {
    throw new DevSignInError(
      "Development sign-in is not available: the service must run in development with the TikTok sandbox (make run).",
    );
  }
  if (response.status >= 500) {
    throw new DevSignInError("Development sign-in failed: the TikTok integration service is not reachable.");
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok || typeof body !== "object" || body === null || typeof (body as { token?: unknown }).token !== "string") {
    throw new DevSignInError(`Development sign-in failed (HTTP ${response.status}).`);
  }
  const { token, expires_at } = body as { token: string; expires_at?: string };
  cache.set(userId, { token, expiresAt: expires_at ? Date.parse(expires_at) : Date.now() + 5 * 60_000 });
  return token;
}
