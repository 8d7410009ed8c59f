import { StrictMode, type ReactNode } from "react";
import { describe, expect, it, vi } from "vitest";
import { act, renderHook, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { useTikTokIntegration, type UseTikTokIntegrationOptions } from "../src";
import {
  API,
  BASE,
  account,
  connectedHandlers,
  errorBody,
  history,
  metrics,
  notConnected,
  server,
  status,
  videos,
} from "./server";

function render(options: Partial<UseTikTokIntegrationOptions> = {}, strict = false) {
  const wrapper = strict ? ({ children }: { children: ReactNode }) => <StrictMode>{children}</StrictMode> : undefined;
  return renderHook(
    () => useTikTokIntegration({ userId: "42", getToken: () => "jwt", baseUrl: BASE, ...options }),
    { wrapper },
  );
}

async function settled(result: { current: { loading: boolean } }) {
  await waitFor(() => expect(result.current.loading).toBe(false));
}

describe("useTikTokIntegration: states", () => {
  it("is loading until the first status answer, then not connected", async () => {
    let answer: (() => void) | undefined;
    server.use(
      http.get(`${API}/status/:userId`, async () => {
        await new Promise<void>((resolve) => (answer = resolve));
        return HttpResponse.json(notConnected);
      }),
    );
    const { result } = render();
    expect(result.current.loading).toBe(true);
    expect(result.current.connectionStatus).toBeNull();
    expect(result.current.isConnected).toBe(false);
    await waitFor(() => expect(answer).toBeDefined());
    answer?.();
    await settled(result);
    expect(result.current.connectionStatus?.status).toBe("not_connected");
    expect(result.current.isConnected).toBe(false);
    expect(result.current.metrics).toBeNull();
    expect(result.current.error).toBeNull();
  });

  it("is connected with metrics, history and top videos", async () => {
    const asked: string[] = [];
    server.use(
      http.get(`${API}/status/:userId`, () => HttpResponse.json(status())),
      http.get(`${API}/metrics/:userId`, () => HttpResponse.json(metrics())),
      http.get(`${API}/metrics/:userId/history`, ({ request }) => {
        asked.push(new URL(request.url).search);
        return HttpResponse.json(history);
      }),
      http.get(`${API}/videos/:userId`, ({ request }) => {
        asked.push(new URL(request.url).search);
        return HttpResponse.json(videos);
      }),
    );
    const { result } = render();
    await settled(result);
    expect(result.current.isConnected).toBe(true);
    expect(result.current.connectionStatus?.account?.username).toBe("sandbox_creator");
    expect(result.current.metrics?.follower_count).toBe(1200);
    expect(result.current.history?.points).toHaveLength(2);
    expect(result.current.videos.map((v) => v.title)).toEqual(["Dance"]);
    expect(asked.some((q) => q.includes("interval=day") && q.includes("from="))).toBe(true);
    expect(asked.some((q) => q.includes("sort=most_viewed") && q.includes("limit=5"))).toBe(true);
  });

  it.each([
    ["refresh_token_expired", "expired after a long time"],
    ["access_revoked", "access was removed"],
    ["scope_withdrawn", "permission this dashboard needs was withdrawn"],
    ["unknown", "no longer accepts this connection"],
  ] as const)("shows reauth_required with the reason %s when a sync is refused", async (reason, sentence) => {
    const reauth = status({ connected: false, status: "reauth_required", reauth_reason: reason });
    server.use(
      ...connectedHandlers(reauth),
      http.post(`${API}/sync/:userId`, () => errorBody("reauth_required", "raw", { status: 409 })),
    );
    const { result } = render();
    await settled(result);
    expect(result.current.isConnected).toBe(false);
    expect(result.current.connectionStatus?.status).toBe("reauth_required");
    expect(result.current.connectionStatus?.reauth_reason).toBe(reason);
    expect(result.current.metrics?.follower_count).toBe(1200); // the last known ones
    await act(() => result.current.refreshConnection());
    expect(result.current.errorCode).toBe("reauth_required");
    expect(result.current.error).toContain(sentence);
  });

  it("shows missing_data of a partial grant", async () => {
    const partial = status({
      account: { ...account, scopes: ["user.info.basic", "user.info.profile", "user.info.stats"] },
      missing_data: [{ data: "videos", scope: "video.list" }],
    });
    server.use(...connectedHandlers(partial));
    server.use(http.get(`${API}/videos/:userId`, () => errorBody("not_connected", "x", { status: 404 })));
    const { result } = render();
    await settled(result);
    expect(result.current.isConnected).toBe(true);
    expect(result.current.connectionStatus?.missing_data).toEqual([{ data: "videos", scope: "video.list" }]);
    expect(result.current.videos).toEqual([]);
    expect(result.current.error).toBeNull();
  });

  it("says our service is down, then works again when it is back", async () => {
    server.use(http.get(`${API}/status/:userId`, () => HttpResponse.error()));
    const { result } = render();
    await settled(result);
    expect(result.current.errorCode).toBe("service_unavailable");
    expect(result.current.error).toContain("Our TikTok service is unavailable");
    server.use(...connectedHandlers());
    await act(async () => {
      await result.current.checkConnectionStatus();
    });
    expect(result.current.error).toBeNull();
    expect(result.current.isConnected).toBe(true);
  });
});

describe("useTikTokIntegration: another user", () => {
  it("loads the new user's status when userId changes", async () => {
    const asked: string[] = [];
    server.use(
      http.get(`${API}/status/:userId`, ({ params }) => {
        asked.push(String(params.userId));
        return HttpResponse.json({ ...notConnected, user_id: String(params.userId) });
      }),
    );
    const { result, rerender } = renderHook(
      ({ userId }) => useTikTokIntegration({ userId, getToken: () => "jwt", baseUrl: BASE }),
      { initialProps: { userId: "42" } },
    );
    await settled(result);
    rerender({ userId: "43" });
    await waitFor(() => expect(result.current.connectionStatus?.user_id).toBe("43"));
    await settled(result);
    expect(asked).toEqual(["42", "43"]);
  });
});

describe("useTikTokIntegration: actions", () => {
  it("connectTikTok calls auth/init and sends the browser to the authorization URL", async () => {
    const navigate = vi.fn();
    let init: URL | undefined;
    server.use(
      http.get(`${API}/status/:userId`, () => HttpResponse.json(notConnected)),
      http.post(`${API}/auth/init`, ({ request }) => {
        init = new URL(request.url);
        return HttpResponse.json({ authorization_url: "https://tiktok.test/authorize?state=s1", state: "s1", expires_at: "x" });
      }),
    );
    const { result } = render({ navigate, redirectUri: "http://localhost:3000/creator-dashboard/settings" });
    await settled(result);
    await act(() => result.current.connectTikTok());
    expect(navigate).toHaveBeenCalledExactlyOnceWith("https://tiktok.test/authorize?state=s1");
    expect(init?.searchParams.get("user_id")).toBe("42");
    expect(init?.searchParams.get("redirect_uri")).toBe("http://localhost:3000/creator-dashboard/settings");
  });

  it("connectTikTok reports a refused init without navigating", async () => {
    const navigate = vi.fn();
    server.use(
      http.get(`${API}/status/:userId`, () => HttpResponse.json(notConnected)),
      http.post(`${API}/auth/init`, () => errorBody("rate_limited", "x", { status: 429, retryAfter: "5" })),
    );
    const { result } = render({ navigate });
    await settled(result);
    await act(() => result.current.connectTikTok());
    expect(navigate).not.toHaveBeenCalled();
    expect(result.current.error).toBe("TikTok is busy right now. Please try again in 5 seconds.");
    expect(result.current.retryAfter).toBe(5);
  });

  it.each([false, true])("disconnectTikTok (purge %s) returns to not connected and drops metrics", async (purge) => {
    let purged: string | null = null;
    server.use(
      ...connectedHandlers(),
      http.delete(`${API}/disconnect/:userId`, ({ request }) => {
        purged = new URL(request.url).searchParams.get("purge");
        return HttpResponse.json(notConnected);
      }),
    );
    const { result } = render();
    await settled(result);
    expect(result.current.isConnected).toBe(true);
    await act(() => result.current.disconnectTikTok(purge ? { purge: true } : undefined));
    expect(purged).toBe(purge ? "true" : null);
    expect(result.current.isConnected).toBe(false);
    expect(result.current.connectionStatus?.status).toBe("not_connected");
    expect(result.current.metrics).toBeNull();
    expect(result.current.history).toBeNull();
    expect(result.current.videos).toEqual([]);
  });

  it("refreshConnection syncs, then loads fresh status and metrics", async () => {
    const order: string[] = [];
    let followers = 1200;
    server.use(
      http.get(`${API}/status/:userId`, () => {
        order.push("status");
        return HttpResponse.json(status());
      }),
      http.get(`${API}/metrics/:userId`, () => {
        order.push("metrics");
        return HttpResponse.json(metrics({ follower_count: followers }));
      }),
      http.get(`${API}/metrics/:userId/history`, () => HttpResponse.json(history)),
      http.get(`${API}/videos/:userId`, () => HttpResponse.json(videos)),
      http.post(`${API}/sync/:userId`, () => {
        order.push("sync");
        followers = 1500;
        return HttpResponse.json(metrics({ follower_count: followers }));
      }),
    );
    const { result } = render();
    await settled(result);
    order.length = 0;
    let syncingSeen = false;
    await act(async () => {
      const pending = result.current.refreshConnection();
      syncingSeen = result.current.syncing || syncingSeen;
      await pending;
    });
    expect(order.slice(0, 3)).toEqual(["sync", "status", "metrics"]);
    expect(result.current.metrics?.follower_count).toBe(1500);
    expect(result.current.syncing).toBe(false);
    expect(syncingSeen || order[0] === "sync").toBe(true);
  });

  it("refreshConnection tells TikTok's Retry-After wait and keeps the stored data", async () => {
    server.use(
      ...connectedHandlers(),
      http.post(`${API}/sync/:userId`, () => errorBody("tiktok_unavailable", "x", { status: 503, retryAfter: "90" })),
    );
    const { result } = render();
    await settled(result);
    await act(() => result.current.refreshConnection());
    expect(result.current.error).toBe("TikTok is not responding right now. Please try again in 2 minutes.");
    expect(result.current.errorCode).toBe("tiktok_unavailable");
    expect(result.current.retryAfter).toBe(90);
    expect(result.current.metrics?.follower_count).toBe(1200);
  });

  it("asks getToken per request, so a token that expired between calls is replaced", async () => {
    const seen: string[] = [];
    server.use(
      http.get(`${API}/status/:userId`, ({ request }) => {
        const auth = request.headers.get("Authorization") ?? "";
        seen.push(auth);
        return auth === "Bearer old" ? errorBody("unauthenticated", "expired", { status: 401 }) : HttpResponse.json(notConnected);
      }),
    );
    let token = "old";
    const { result } = render({ getToken: () => token });
    await settled(result);
    expect(result.current.errorCode).toBe("unauthenticated");
    token = "new";
    await act(async () => {
      await result.current.checkConnectionStatus();
    });
    expect(seen).toEqual(["Bearer old", "Bearer new"]);
    expect(result.current.error).toBeNull();
  });
});

describe("useTikTokIntegration: the OAuth return", () => {
  const returnUrl = "/creator-dashboard/settings?tab=integrations&code=c0de&state=st4te&scopes=user.info.basic,video.list#card";

  function callbackCounter(answer: () => Response = () => HttpResponse.json(status()), syncs: string[] = []) {
    const calls: URL[] = [];
    server.use(
      ...connectedHandlers(),
      http.post(`${API}/sync/:userId`, ({ params }) => {
        syncs.push(String(params.userId));
        return HttpResponse.json(metrics());
      }),
      http.post(`${API}/auth/callback`, ({ request }) => {
        calls.push(new URL(request.url));
        return answer();
      }),
    );
    return calls;
  }

  it("completes the callback exactly once under StrictMode, syncs once, and cleans the address bar", async () => {
    window.history.replaceState(null, "", returnUrl);
    const replace = vi.spyOn(window.history, "replaceState");
    const syncs: string[] = [];
    const calls = callbackCounter(undefined, syncs);
    const { result } = render({}, true);
    await settled(result);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.searchParams.get("code")).toBe("c0de");
    expect(calls[0]?.searchParams.get("state")).toBe("st4te");
    expect(calls[0]?.searchParams.get("user_id")).toBe("42");
    expect(syncs).toEqual(["42"]);
    expect(result.current.isConnected).toBe(true);
    expect(result.current.error).toBeNull();
    expect(`${window.location.pathname}${window.location.search}${window.location.hash}`).toBe(
      "/creator-dashboard/settings?tab=integrations#card",
    );
    expect(replace).toHaveBeenCalled();
    replace.mockRestore();
  });

  it("does not replay the code after a reload of the callback URL", async () => {
    window.history.replaceState(null, "", returnUrl);
    const calls = callbackCounter();
    const first = render();
    await settled(first.result);
    first.unmount();
    // The reload: the same address again, the same tab's sessionStorage.
    window.history.replaceState(null, "", returnUrl);
    const second = render();
    await settled(second.result);
    expect(calls).toHaveLength(1);
    expect(second.result.current.isConnected).toBe(true);
    expect(second.result.current.error).toBeNull();
    expect(window.location.search).toBe("?tab=integrations");
  });

  it("reports a declined authorization and stays not connected", async () => {
    window.history.replaceState(null, "", "/creator-dashboard/settings?error=access_denied&error_description=The+user+denied&state=st4te");
    const calls: URL[] = [];
    server.use(
      http.get(`${API}/status/:userId`, () => HttpResponse.json(notConnected)),
      http.post(`${API}/auth/callback`, ({ request }) => {
        calls.push(new URL(request.url));
        return errorBody("authorization_denied", "the creator declined", { status: 400 });
      }),
    );
    const { result } = render({}, true);
    await settled(result);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.searchParams.get("error")).toBe("access_denied");
    expect(result.current.isConnected).toBe(false);
    expect(result.current.errorCode).toBe("authorization_denied");
    expect(result.current.error).toContain("You declined the connection at TikTok");
    expect(window.location.search).toBe("");
  });

  it("explains an expired attempt (invalid_state)", async () => {
    window.history.replaceState(null, "", returnUrl);
    callbackCounter(() => errorBody("invalid_state", "x", { status: 400 }));
    server.use(http.get(`${API}/status/:userId`, () => HttpResponse.json(notConnected)));
    const { result } = render();
    await settled(result);
    expect(result.current.errorCode).toBe("invalid_state");
    expect(result.current.error).toBe(
      "This connection attempt expired or was already used. Please click Connect TikTok again.",
    );
  });

  it("shows a failed first sync after connecting, and skips it with syncAfterConnect: false", async () => {
    window.history.replaceState(null, "", returnUrl);
    callbackCounter();
    server.use(http.post(`${API}/sync/:userId`, () => errorBody("rate_limited", "x", { status: 429, retryAfter: "10" })));
    const first = render();
    await settled(first.result);
    expect(first.result.current.isConnected).toBe(true);
    expect(first.result.current.error).toBe("TikTok is busy right now. Please try again in 10 seconds.");
    first.unmount();

    window.sessionStorage.clear();
    window.history.replaceState(null, "", returnUrl.replace("c0de", "c0de2"));
    const syncs: string[] = [];
    callbackCounter(undefined, syncs);
    const second = render({ syncAfterConnect: false });
    await settled(second.result);
    expect(syncs).toEqual([]);
    expect(second.result.current.error).toBeNull();
  });

  it("leaves the address alone with handleRedirect: false", async () => {
    window.history.replaceState(null, "", returnUrl);
    const calls = callbackCounter();
    const { result } = render({ handleRedirect: false });
    await settled(result);
    expect(calls).toHaveLength(0);
    expect(window.location.search).toContain("code=c0de");
  });
});
