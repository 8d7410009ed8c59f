import { StrictMode, type ReactNode } from "react";
import { describe, expect, it, vi } from "vitest";
import { act, renderHook, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import {
  rememberShopState,
  useTikTokIntegration,
  useTikTokShopIntegration,
  type UseTikTokShopIntegrationOptions,
} from "../src";
import { API, connectedHandlers, metrics, notConnected, status } from "./server";
import {
  BASE,
  SHOP_API,
  errorBody,
  server,
  shopConnectedHandlers,
  shopMetrics,
  shopNotConnected,
  shopStatus,
} from "./shopServer";

function render(options: Partial<UseTikTokShopIntegrationOptions> = {}, strict = false) {
  const wrapper = strict ? ({ children }: { children: ReactNode }) => <StrictMode>{children}</StrictMode> : undefined;
  return renderHook(
    () => useTikTokShopIntegration({ userId: "42", getToken: () => "jwt", baseUrl: BASE, ...options }),
    { wrapper },
  );
}

/** Both hooks on one page, as the settings page mounts them (account card first). */
function renderBoth(strict = true) {
  const wrapper = strict ? ({ children }: { children: ReactNode }) => <StrictMode>{children}</StrictMode> : undefined;
  return renderHook(
    () => ({
      account: useTikTokIntegration({ userId: "42", getToken: () => "jwt", baseUrl: BASE }),
      shop: useTikTokShopIntegration({ userId: "42", getToken: () => "jwt", baseUrl: BASE }),
    }),
    { wrapper },
  );
}

async function settled(result: { current: { loading: boolean } }) {
  await waitFor(() => expect(result.current.loading).toBe(false));
}

describe("useTikTokShopIntegration: states", () => {
  it("is not connected, with no figures asked for", async () => {
    const asked: string[] = [];
    server.use(
      http.get(`${SHOP_API}/status/:userId`, () => HttpResponse.json(shopNotConnected)),
      http.get(`${SHOP_API}/metrics/:userId`, () => {
        asked.push("metrics");
        return HttpResponse.json(shopMetrics());
      }),
    );
    const { result } = render();
    expect(result.current.loading).toBe(true);
    await settled(result);
    expect(result.current.isConnected).toBe(false);
    expect(result.current.connectionStatus?.status).toBe("not_connected");
    expect(result.current.metrics).toBeNull();
    expect(asked).toEqual([]);
    expect(result.current.error).toBeNull();
  });

  it("is connected with the seller, the shops and the figures as sent (decimal strings)", async () => {
    server.use(...shopConnectedHandlers());
    const { result } = render();
    await settled(result);
    expect(result.current.isConnected).toBe(true);
    expect(result.current.connectionStatus?.seller?.seller_name).toBe("Sandbox Seller");
    expect(result.current.connectionStatus?.shops).toHaveLength(2);
    expect(result.current.metrics?.shops[1]?.currencies[0]?.last_30_days.revenue.amount).toBe("98765432109876543210.99");
  });

  it("tells calmly that Shop is not configured (503 shop_not_configured)", async () => {
    server.use(
      http.get(`${SHOP_API}/status/:userId`, () =>
        errorBody("shop_not_configured", "TikTok Shop is not configured", { status: 503 }),
      ),
    );
    const { result } = render();
    await settled(result);
    expect(result.current.notConfigured).toBe(true);
    expect(result.current.errorCode).toBe("shop_not_configured");
    expect(result.current.error).toBe("TikTok Shop is not set up for this dashboard yet. Your TikTok account connection works as before.");
    expect(result.current.connectionStatus).toBeNull();
  });

  it("keeps the last figures of a reauth_required seller and words a refused sync for Shop", async () => {
    server.use(
      ...shopConnectedHandlers(shopStatus({ connected: false, status: "reauth_required" })),
      http.post(`${SHOP_API}/sync/:userId`, () => errorBody("reauth_required", "raw", { status: 409 })),
    );
    const { result } = render();
    await settled(result);
    expect(result.current.isConnected).toBe(false);
    expect(result.current.metrics?.shops).toHaveLength(2);
    await act(() => result.current.refreshShop());
    expect(result.current.errorCode).toBe("reauth_required");
    expect(result.current.error).toContain("Reconnect TikTok Shop");
  });

  it("says our service is down (no contract body), then recovers", async () => {
    server.use(http.get(`${SHOP_API}/status/:userId`, () => new HttpResponse("<html>bad gateway</html>", { status: 502 })));
    const { result } = render();
    await settled(result);
    expect(result.current.errorCode).toBe("service_unavailable");
    expect(result.current.error).toContain("Our TikTok Shop service is unavailable");
    expect(result.current.notConfigured).toBe(false);
    server.use(...shopConnectedHandlers());
    await act(async () => {
      await result.current.checkConnectionStatus();
    });
    expect(result.current.error).toBeNull();
    expect(result.current.isConnected).toBe(true);
  });
});

describe("useTikTokShopIntegration: actions", () => {
  it("connectShop asks auth/init, remembers the state as the Shop's, and goes to the authorize URL", async () => {
    const navigate = vi.fn();
    let init: URL | undefined;
    server.use(
      http.get(`${SHOP_API}/status/:userId`, () => HttpResponse.json(shopNotConnected)),
      http.post(`${SHOP_API}/auth/init`, ({ request }) => {
        init = new URL(request.url);
        return HttpResponse.json({
          authorization_url: "https://services.tiktokshop.test/open/authorize?service_id=s&state=shop-st",
          expires_at: "2026-12-04T10:10:00Z",
        });
      }),
    );
    const { result } = render({ navigate });
    await settled(result);
    await act(() => result.current.connectShop());
    expect(init?.searchParams.get("user_id")).toBe("42");
    expect(init?.searchParams.has("redirect_uri")).toBe(false);
    expect(navigate).toHaveBeenCalledExactlyOnceWith("https://services.tiktokshop.test/open/authorize?service_id=s&state=shop-st");
    expect(window.sessionStorage.getItem("tiktok-integration:shop-oauth-states")).toContain("shop-st");
  });

  it("connectShop reports a refused init without navigating", async () => {
    const navigate = vi.fn();
    server.use(
      http.get(`${SHOP_API}/status/:userId`, () => HttpResponse.json(shopNotConnected)),
      http.post(`${SHOP_API}/auth/init`, () => errorBody("rate_limited", "x", { status: 429, retryAfter: "30" })),
    );
    const { result } = render({ navigate });
    await settled(result);
    await act(() => result.current.connectShop());
    expect(navigate).not.toHaveBeenCalled();
    expect(result.current.error).toBe("TikTok Shop is busy right now. Please try again in 30 seconds.");
    expect(result.current.retryAfter).toBe(30);
  });

  it.each([false, true])("disconnectShop (purge %s) ends the connection and drops the figures", async (purge) => {
    let purged: string | null = "unset";
    server.use(
      ...shopConnectedHandlers(),
      http.delete(`${SHOP_API}/disconnect/:userId`, ({ request }) => {
        purged = new URL(request.url).searchParams.get("purge");
        return HttpResponse.json({ ...shopNotConnected, disconnect_reason: "requested" });
      }),
    );
    const { result } = render();
    await settled(result);
    await act(() => result.current.disconnectShop(purge ? { purge: true } : undefined));
    expect(purged).toBe(purge ? "true" : null);
    expect(result.current.isConnected).toBe(false);
    expect(result.current.metrics).toBeNull();
  });

  it("refreshShop syncs, then loads fresh status and figures", async () => {
    const order: string[] = [];
    let revenue = "10.00";
    server.use(
      http.get(`${SHOP_API}/status/:userId`, () => {
        order.push("status");
        return HttpResponse.json(shopStatus());
      }),
      http.get(`${SHOP_API}/metrics/:userId`, () => {
        order.push("metrics");
        const m = shopMetrics();
        m.shops[0]!.currencies[0]!.last_30_days.revenue.amount = revenue;
        return HttpResponse.json(m);
      }),
      http.post(`${SHOP_API}/sync/:userId`, () => {
        order.push("sync");
        revenue = "20.05";
        return HttpResponse.json(shopMetrics());
      }),
    );
    const { result } = render();
    await settled(result);
    order.length = 0;
    await act(() => result.current.refreshShop());
    expect(order).toEqual(["sync", "status", "metrics"]);
    expect(result.current.metrics?.shops[0]?.currencies[0]?.last_30_days.revenue.amount).toBe("20.05");
    expect(result.current.syncing).toBe(false);
  });

  it("loadOrders and loadProducts pass the page query and tell a failure", async () => {
    const queries: URLSearchParams[] = [];
    server.use(
      ...shopConnectedHandlers(),
      http.get(`${SHOP_API}/orders/:userId`, ({ request }) => {
        queries.push(new URL(request.url).searchParams);
        return HttpResponse.json({ user_id: "42", orders: [], next_cursor: "1733300000.576000000000000001" });
      }),
      http.get(`${SHOP_API}/products/:userId`, () => errorBody("invalid_request", "limit must be 1 to 100", { status: 400 })),
    );
    const { result } = render();
    await settled(result);
    let page: Awaited<ReturnType<typeof result.current.loadOrders>> = null;
    await act(async () => {
      page = await result.current.loadOrders({ shop_id: "7000714532876273420", status: "COMPLETED", limit: 20, cursor: "c1" });
    });
    expect(page).not.toBeNull();
    expect(queries[0]?.get("shop_id")).toBe("7000714532876273420");
    expect(queries[0]?.get("status")).toBe("COMPLETED");
    expect(queries[0]?.get("limit")).toBe("20");
    expect(queries[0]?.get("cursor")).toBe("c1");
    let products: unknown = "unset";
    await act(async () => {
      products = await result.current.loadProducts({ limit: 1000 });
    });
    expect(products).toBeNull();
    expect(result.current.errorCode).toBe("invalid_request");
  });
});

describe("useTikTokShopIntegration: the return to the settings page", () => {
  const returnTo = (query: string) => window.history.replaceState(null, "", `/creator-dashboard/settings?tab=integrations&${query}#shop`);

  function counters() {
    const shopCallbacks: URL[] = [];
    const accountCallbacks: URL[] = [];
    const syncs: string[] = [];
    server.use(
      ...connectedHandlers(notConnected),
      http.post(`${API}/auth/callback`, ({ request }) => {
        accountCallbacks.push(new URL(request.url));
        return HttpResponse.json(status());
      }),
      http.post(`${API}/sync/:userId`, () => HttpResponse.json(metrics())),
      ...shopConnectedHandlers(),
      http.post(`${SHOP_API}/auth/callback`, ({ request }) => {
        shopCallbacks.push(new URL(request.url));
        return HttpResponse.json(shopStatus());
      }),
      http.post(`${SHOP_API}/sync/:userId`, () => {
        syncs.push("shop");
        return HttpResponse.json(shopMetrics());
      }),
    );
    return { shopCallbacks, accountCallbacks, syncs };
  }

  it("completes a Shop return once under StrictMode, leaves it alone in the account hook, syncs once, cleans up", async () => {
    rememberShopState("shop-st");
    returnTo("code=sbx_shop_code_1&state=shop-st&locale=en-GB");
    const seen = counters();
    const { result } = renderBoth();
    await waitFor(() => expect(result.current.shop.loading || result.current.account.loading).toBe(false));
    expect(seen.shopCallbacks).toHaveLength(1);
    expect(seen.shopCallbacks[0]?.searchParams.get("code")).toBe("sbx_shop_code_1");
    expect(seen.shopCallbacks[0]?.searchParams.get("state")).toBe("shop-st");
    expect(seen.shopCallbacks[0]?.searchParams.get("user_id")).toBe("42");
    expect(seen.accountCallbacks).toHaveLength(0);
    expect(seen.syncs).toEqual(["shop"]);
    expect(result.current.shop.isConnected).toBe(true);
    expect(result.current.shop.error).toBeNull();
    expect(result.current.account.error).toBeNull();
    expect(`${window.location.pathname}${window.location.search}${window.location.hash}`).toBe(
      "/creator-dashboard/settings?tab=integrations#shop",
    );
  });

  it("leaves an account return (a state the Shop flow did not issue) to the account hook", async () => {
    rememberShopState("shop-st");
    returnTo("code=acc0unt&state=account-st&scopes=user.info.basic");
    const seen = counters();
    const { result } = renderBoth();
    await waitFor(() => expect(result.current.shop.loading || result.current.account.loading).toBe(false));
    expect(seen.accountCallbacks).toHaveLength(1);
    expect(seen.shopCallbacks).toHaveLength(0);
    expect(result.current.account.error).toBeNull();
    expect(window.location.search).toBe("?tab=integrations");
  });

  it("does not replay a Shop code after a reload", async () => {
    rememberShopState("shop-st");
    returnTo("code=sbx_shop_code_2&state=shop-st");
    const seen = counters();
    const first = render();
    await settled(first.result);
    first.unmount();
    returnTo("code=sbx_shop_code_2&state=shop-st");
    const second = render();
    await settled(second.result);
    expect(seen.shopCallbacks).toHaveLength(1);
    expect(second.result.current.isConnected).toBe(true);
  });

  it("sends a declined authorization to the callback and says so", async () => {
    rememberShopState("shop-st");
    returnTo("code=null&error=auth_denied&state=shop-st");
    const calls: URL[] = [];
    server.use(
      http.get(`${SHOP_API}/status/:userId`, () => HttpResponse.json(shopNotConnected)),
      http.post(`${SHOP_API}/auth/callback`, ({ request }) => {
        calls.push(new URL(request.url));
        return errorBody("authorization_denied", "the seller declined", { status: 400 });
      }),
    );
    const { result } = render({}, true);
    await settled(result);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.searchParams.get("error")).toBe("auth_denied");
    expect(calls[0]?.searchParams.has("code")).toBe(false);
    expect(result.current.errorCode).toBe("authorization_denied");
    expect(result.current.error).toContain("You declined the connection at TikTok Shop");
    expect(window.location.search).toBe("?tab=integrations");
  });

  it("explains a code without state (installed from Seller Center) without calling the service", async () => {
    returnTo("code=sbx_shop_code_3");
    const seen = counters();
    const { result } = renderBoth();
    await waitFor(() => expect(result.current.shop.loading || result.current.account.loading).toBe(false));
    expect(seen.shopCallbacks).toHaveLength(0);
    expect(seen.accountCallbacks).toHaveLength(0);
    expect(result.current.shop.errorCode).toBe("invalid_state");
    expect(result.current.shop.error).toContain("Please click Connect TikTok Shop here");
    expect(window.location.search).toBe("?tab=integrations");
  });

  it("leaves the address alone with handleRedirect: false", async () => {
    rememberShopState("shop-st");
    returnTo("code=sbx_shop_code_4&state=shop-st");
    const seen = counters();
    const { result } = render({ handleRedirect: false });
    await settled(result);
    expect(seen.shopCallbacks).toHaveLength(0);
    expect(window.location.search).toContain("code=sbx_shop_code_4");
  });
});
