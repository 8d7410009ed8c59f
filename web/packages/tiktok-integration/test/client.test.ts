import { describe, expect, it, vi } from "vitest";
import { http, HttpResponse } from "msw";
import { createTikTokClient, messageFor, parseRetryAfter, TikTokIntegrationError } from "../src";
import { API, BASE, errorBody, metrics, server, status } from "./server";

function client(getToken: () => string | Promise<string> = () => "jwt-1") {
  return createTikTokClient({ baseUrl: BASE, getToken });
}

async function failureOf(promise: Promise<unknown>): Promise<TikTokIntegrationError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(TikTokIntegrationError);
    return e as TikTokIntegrationError;
  }
  throw new Error("expected a failure");
}

describe("createTikTokClient", () => {
  it("asks getToken before every request, so a token renewed between calls is used", async () => {
    const seen: (string | null)[] = [];
    server.use(
      http.get(`${API}/status/:userId`, ({ request }) => {
        seen.push(request.headers.get("Authorization"));
        return HttpResponse.json(status());
      }),
    );
    let n = 0;
    const getToken = vi.fn(async () => `jwt-${++n}`);
    const c = client(getToken);
    await c.status("42");
    await c.status("42");
    expect(getToken).toHaveBeenCalledTimes(2);
    expect(seen).toEqual(["Bearer jwt-1", "Bearer jwt-2"]);
  });

  it("sends the query the contract names: init with redirect_uri, disconnect with purge, callback with error", async () => {
    const urls: URL[] = [];
    const record = ({ request }: { request: Request }) => {
      urls.push(new URL(request.url));
    };
    server.use(
      http.post(`${API}/auth/init`, (r) => {
        record(r);
        return HttpResponse.json({ authorization_url: "https://tiktok.test/auth", state: "s", expires_at: "x" });
      }),
      http.delete(`${API}/disconnect/:userId`, (r) => {
        record(r);
        return HttpResponse.json(status({ connected: false, status: "not_connected", account: null }));
      }),
      http.post(`${API}/auth/callback`, (r) => {
        record(r);
        return errorBody("authorization_denied", "declined", { status: 400 });
      }),
    );
    const c = client();
    await c.init("42", "http://localhost:3000/creator-dashboard/settings");
    await c.disconnect("42", { purge: true });
    await c.disconnect("42");
    await failureOf(c.callback("42", { error: "access_denied", errorDescription: "no", state: "s" }));
    expect(urls[0]?.searchParams.get("user_id")).toBe("42");
    expect(urls[0]?.searchParams.get("redirect_uri")).toBe("http://localhost:3000/creator-dashboard/settings");
    expect(urls[1]?.pathname).toBe("/api/v1/integrations/tiktok/disconnect/42");
    expect(urls[1]?.searchParams.get("purge")).toBe("true");
    expect(urls[2]?.searchParams.has("purge")).toBe(false);
    expect(urls[3]?.searchParams.get("error")).toBe("access_denied");
    expect(urls[3]?.searchParams.get("error_description")).toBe("no");
    expect(urls[3]?.searchParams.has("code")).toBe(false);
  });

  it("answers the body on success", async () => {
    server.use(http.post(`${API}/sync/:userId`, () => HttpResponse.json(metrics({ follower_count: 7 }))));
    expect((await client().sync("42")).follower_count).toBe(7);
  });

  it.each([
    ["authorization_denied", 400, "You declined the connection at TikTok"],
    ["invalid_state", 400, "This connection attempt expired or was already used"],
    ["invalid_grant", 400, "TikTok did not accept this sign-in"],
    ["tiktok_account_in_use", 409, "already connected to another creator"],
    ["invalid_redirect_uri", 400, "not allowed to connect TikTok"],
    ["invalid_request", 400, "reload the page"],
    ["reauth_required", 409, "TikTok no longer accepts this connection"],
    ["not_connected", 404, "Your TikTok account is not connected"],
    ["unauthenticated", 401, "Your session has expired"],
    ["forbidden", 403, "You are not allowed"],
    ["tiktok_error", 502, "TikTok answered with an error"],
    ["database_unavailable", 503, "Our TikTok service is unavailable"],
    ["internal_error", 500, "Our TikTok service is unavailable"],
    ["some_new_code", 400, "Something went wrong with TikTok"],
  ])("turns %s into a sentence for the creator, never the raw body", async (code, httpStatus, sentence) => {
    server.use(http.post(`${API}/sync/:userId`, () => errorBody(code, `raw ${code} detail`, { status: httpStatus })));
    const e = await failureOf(client().sync("42"));
    expect(e.code).toBe(code);
    expect(e.status).toBe(httpStatus);
    expect(e.message).toContain(sentence);
    expect(e.message).not.toContain("raw");
    expect(e.message).not.toContain("{");
    expect(e.detail).toBe(`raw ${code} detail`);
  });

  it.each([
    ["rate_limited", 429, "TikTok is busy right now. Please try again in 30 seconds."],
    ["tiktok_unavailable", 503, "TikTok is not responding right now. Please try again in 2 minutes."],
  ])("tells the Retry-After wait with %s", async (code, httpStatus, sentence) => {
    const retryAfter = code === "rate_limited" ? "30" : "120";
    server.use(http.post(`${API}/sync/:userId`, () => errorBody(code, "x", { status: httpStatus, retryAfter })));
    const e = await failureOf(client().sync("42"));
    expect(e.message).toBe(sentence);
    expect(e.retryAfter).toBe(Number(retryAfter));
  });

  it("says our service is down when nothing answers (never 'Failed to fetch')", async () => {
    server.use(http.get(`${API}/status/:userId`, () => HttpResponse.error()));
    const e = await failureOf(client().status("42"));
    expect(e.code).toBe("service_unavailable");
    expect(e.message).toBe("Our TikTok service is unavailable at the moment. Please try again in a moment.");
    expect(e.message).not.toMatch(/fetch/i);
  });

  it("says our service is down when a proxy answers for it without the contract's body", async () => {
    server.use(http.get(`${API}/status/:userId`, () => new HttpResponse("Bad Gateway", { status: 502 })));
    const e = await failureOf(client().status("42"));
    expect(e.code).toBe("service_unavailable");
    expect(e.status).toBe(502);
  });

  it("says the creator is offline when the browser has no network", async () => {
    server.use(http.get(`${API}/status/:userId`, () => HttpResponse.error()));
    const onLine = vi.spyOn(window.navigator, "onLine", "get").mockReturnValue(false);
    try {
      const e = await failureOf(client().status("42"));
      expect(e.code).toBe("network_offline");
      expect(e.message).toBe(messageFor("network_offline"));
      expect(e.message).toContain("offline");
    } finally {
      onLine.mockRestore();
    }
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates, and ignores garbage", () => {
    expect(parseRetryAfter("17")).toBe(17);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
    const now = Date.parse("2026-12-04T10:00:00Z");
    expect(parseRetryAfter("Fri, 04 Dec 2026 10:01:00 GMT", now)).toBe(60);
    expect(parseRetryAfter("Fri, 04 Dec 2026 09:00:00 GMT", now)).toBe(0);
  });
});
