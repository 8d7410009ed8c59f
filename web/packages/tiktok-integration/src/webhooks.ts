/**
 * Verifying the service's event deliveries (Standard Webhooks) in a Node.js or browser receiver, with
 * WebCrypto only (no dependency): the signature over the raw body, one of several secrets (rotation), and a
 * tolerance window against replays. See docs/events.md.
 */

/** How far `webhook-timestamp` may be from the receiver's clock, either way, in seconds. */
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

/** Why a delivery was refused (never contains a secret). */
export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookVerificationError";
  }
}

/** The three headers of a delivery, as received (lower-case names). */
export interface WebhookHeaders {
  "webhook-id"?: string | null;
  "webhook-timestamp"?: string | null;
  "webhook-signature"?: string | null;
}

function keyBytes(secret: string): Uint8Array<ArrayBuffer> {
  const encoded = secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret;
  let binary: string;
  try {
    binary = atob(encoded);
  } catch {
    throw new WebhookVerificationError("a webhook secret must be whsec_ followed by base64");
  }
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function toBase64(bytes: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)));
}

/** `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`. */
export async function signWebhook(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", keyBytes(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestamp}.${body}`));
  return `v1,${toBase64(mac)}`;
}

/**
 * Checks a delivery and returns its parsed envelope. `body` is the raw text received, before any JSON
 * parsing; `secrets` holds one or more `whsec_…` secrets.
 *
 * @throws WebhookVerificationError when a header is missing, the timestamp is outside the tolerance, or no
 * `v1` signature matches. Answer 401 then (not 410, which disables the receiver).
 */
export async function verifyWebhook(
  secrets: readonly string[],
  headers: WebhookHeaders,
  body: string,
  options: { now?: Date; toleranceSeconds?: number } = {},
): Promise<unknown> {
  const id = headers["webhook-id"];
  const timestamp = headers["webhook-timestamp"];
  const signature = headers["webhook-signature"];
  if (!id || !timestamp || !signature) throw new WebhookVerificationError("missing webhook headers");
  if (!/^\d+$/.test(timestamp)) throw new WebhookVerificationError("webhook-timestamp is not Unix seconds");
  const seconds = Number(timestamp);
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (seconds < now - tolerance) throw new WebhookVerificationError("webhook-timestamp is too old");
  if (seconds > now + tolerance) throw new WebhookVerificationError("webhook-timestamp is too far in the future");
  const candidates = signature.split(" ").filter((entry) => entry.startsWith("v1,"));
  for (const secret of secrets) {
    const expected = await signWebhook(secret, id, seconds, body);
    if (candidates.some((candidate) => constantTimeEqual(candidate, expected))) return JSON.parse(body) as unknown;
  }
  throw new WebhookVerificationError("no matching signature");
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
