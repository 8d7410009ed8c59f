import { describe, expect, it } from "vitest";
import { SHOP_NOT_CONFIGURED_MESSAGE, messageFor, shopDisconnectMessage, shopMessageFor } from "../src";

describe("shopMessageFor", () => {
  it.each([
    ["shop_not_configured", undefined, SHOP_NOT_CONFIGURED_MESSAGE],
    ["shop_seller_in_use", undefined, "This TikTok Shop seller is already connected to another creator here."],
    ["invalid_state", undefined, "Please click Connect TikTok Shop here."],
    ["invalid_grant", undefined, "Please click Connect TikTok Shop again."],
    ["reauth_required", undefined, "Reconnect TikTok Shop"],
    ["rate_limited", 90, "TikTok Shop is busy right now. Please try again in 2 minutes."],
    ["tiktok_unavailable", 5, "TikTok Shop is not responding right now. Please try again in 5 seconds."],
    ["tiktok_error", undefined, "a permission of the app may be missing"],
    ["database_unavailable", undefined, "Our TikTok Shop service is unavailable at the moment."],
  ] as const)("%s names TikTok Shop", (code, wait, sentence) => {
    expect(shopMessageFor(code, wait)).toContain(sentence);
  });

  it("falls back to the account's sentences for codes that are the same on both sides", () => {
    for (const code of ["unauthenticated", "network_offline", "invalid_request", "something_new"]) {
      expect(shopMessageFor(code)).toBe(messageFor(code));
    }
  });

  it("says why a connection ended", () => {
    expect(shopDisconnectMessage("seller_deauthorized")).toContain("removed this app in TikTok Shop Seller Center");
    expect(shopDisconnectMessage("requested")).toBe("You disconnected TikTok Shop.");
    expect(shopDisconnectMessage(null)).toBe("TikTok Shop ended the connection.");
  });
});
