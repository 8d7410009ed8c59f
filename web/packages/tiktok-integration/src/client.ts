/**
 * The typed client of the TikTok integration service: openapi-fetch over the generated OpenAPI types, a fresh
 * token from `getToken` on every request, and every failure turned into a {@link TikTokIntegrationError}.
 */
import createClient from "openapi-fetch";
import type { paths } from "./generated/api";
import { TikTokIntegrationError, messageFor } from "./errors";
import type {
  AuthorizationStart,
  ConnectionStatus,
  HistoryQuery,
  Metrics,
  MetricsHistory,
  VideoPage,
  VideosQuery,
} from "./types";

/** Options of {@link createTikTokClient}. */
export interface TikTokClientOptions {
  /** Where the service lives, e.g. `https://tiktok-integration.internal`; `""` (default) for the page's origin. */
  baseUrl?: string;
  /** Returns the platform's JWT for the signed-in creator; called before every request (tokens expire). */
  getToken: () => string | null | undefined | Promise<string | null | undefined>;
  /** The fetch to use (tests, SSR); default the global one, looked up at each request. */
  fetch?: typeof fetch;
}

/** What TikTok sent back to the redirect URI: a code and state, or an error. */
export interface CallbackParams {
  /** The authorization code (absent when the creator declined). */
  code?: string;
  /** The state issued by init (TikTok returns it with the code and with an error). */
  state: string;
  /** TikTok's error (`access_denied` when the creator declined). */
  error?: string;
  /** TikTok's description of the error. */
  errorDescription?: string;
}

/** The typed client: one method per endpoint, each answering the body or throwing a TikTokIntegrationError. */
export interface TikTokClient {
  /** `GET status/{user_id}`. */
  status(userId: string): Promise<ConnectionStatus>;
  /** `POST auth/init`: the authorization URL to send the creator to. */
  init(userId: string, redirectUri?: string): Promise<AuthorizationStart>;
  /** `POST auth/callback`: completes the OAuth return. */
  callback(userId: string, params: CallbackParams): Promise<ConnectionStatus>;
  /** `DELETE disconnect/{user_id}`; `purge: true` also erases everything stored. */
  disconnect(userId: string, options?: { purge?: boolean }): Promise<ConnectionStatus>;
  /** `POST sync/{user_id}`: fresh metrics from TikTok. */
  sync(userId: string): Promise<Metrics>;
  /** `GET metrics/{user_id}`: the stored metrics and analytics. */
  metrics(userId: string): Promise<Metrics>;
  /** `GET metrics/{user_id}/history`: the counts over time. */
  history(userId: string, query?: HistoryQuery): Promise<MetricsHistory>;
  /** `GET videos/{user_id}`: one page of stored videos. */
  videos(userId: string, query?: VideosQuery): Promise<VideoPage>;
}

/** Seconds from a `Retry-After` header (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

function isErrorBody(body: unknown): body is { error: { code: string; message: string } } {
  if (typeof body !== "object" || body === null || !("error" in body)) return false;
  const error = (body as { error: unknown }).error;
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { code?: unknown }).code === "string" &&
    typeof (error as { message?: unknown }).message === "string"
  );
}

/** Chooses the creator-readable sentence for an error code (the account's wording, or the Shop's). */
export type MessageFor = (code: string, retryAfter?: number) => string;

/** Turns an answer that is not a success into the error a creator can read. */
export function errorFromResponse(
  response: Response,
  body: unknown,
  messages: MessageFor = messageFor,
): TikTokIntegrationError {
  const retryAfter = parseRetryAfter(response.headers.get("Retry-After"));
  if (isErrorBody(body)) {
    return new TikTokIntegrationError({
      code: body.error.code,
      message: messages(body.error.code, retryAfter),
      status: response.status,
      retryAfter,
      detail: body.error.message,
    });
  }
  // Not the contract's body: a proxy or gateway answering for a service that is down.
  return new TikTokIntegrationError({
    code: "service_unavailable",
    message: messages("service_unavailable", retryAfter),
    status: response.status,
    retryAfter,
  });
}

/** Turns a fetch that threw (no answer at all) into the error a creator can read. */
export function errorFromThrown(thrown: unknown, messages: MessageFor = messageFor): TikTokIntegrationError {
  if (thrown instanceof TikTokIntegrationError) return thrown;
  const offline = typeof navigator !== "undefined" && navigator.onLine === false;
  const code = offline ? "network_offline" : "service_unavailable";
  return new TikTokIntegrationError({
    code,
    message: messages(code),
    detail: thrown instanceof Error ? thrown.message : String(thrown),
  });
}

/** What openapi-fetch answers: the body on success, the error body otherwise, and the response. */
export interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Awaits one call: its body, or a {@link TikTokIntegrationError} worded by `messages`. */
export async function settle<T>(call: () => Promise<Answer<T>>, messages: MessageFor = messageFor): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await call();
  } catch (thrown) {
    throw errorFromThrown(thrown, messages);
  }
  if (!answer.response.ok || answer.data === undefined) {
    throw errorFromResponse(answer.response, answer.error, messages);
  }
  return answer.data;
}

/** Creates the typed client of the service. */
export function createTikTokClient(options: TikTokClientOptions): TikTokClient {
  const api = createClient<paths>({
    baseUrl: options.baseUrl ?? "",
    fetch: (request: Request) => (options.fetch ?? globalThis.fetch)(request),
  });
  api.use({
    async onRequest({ request }) {
      const token = await options.getToken();
      if (token) request.headers.set("Authorization", `Bearer ${token}`);
      return request;
    },
  });
  const path = (userId: string) => ({ path: { user_id: userId } });
  return {
    status: (userId) =>
      settle(() => api.GET("/api/v1/integrations/tiktok/status/{user_id}", { params: path(userId) })),
    init: (userId, redirectUri) =>
      settle(() =>
        api.POST("/api/v1/integrations/tiktok/auth/init", {
          params: { query: { user_id: userId, ...(redirectUri ? { redirect_uri: redirectUri } : {}) } },
        }),
      ),
    callback: (userId, p) =>
      settle(() =>
        api.POST("/api/v1/integrations/tiktok/auth/callback", {
          params: {
            query: {
              user_id: userId,
              ...(p.code !== undefined ? { code: p.code } : {}),
              state: p.state,
              ...(p.error !== undefined ? { error: p.error } : {}),
              ...(p.errorDescription !== undefined ? { error_description: p.errorDescription } : {}),
            },
          },
        }),
      ),
    disconnect: (userId, o) =>
      settle(() =>
        api.DELETE("/api/v1/integrations/tiktok/disconnect/{user_id}", {
          params: { path: { user_id: userId }, query: o?.purge ? { purge: "true" } : {} },
        }),
      ),
    sync: (userId) => settle(() => api.POST("/api/v1/integrations/tiktok/sync/{user_id}", { params: path(userId) })),
    metrics: (userId) =>
      settle(() => api.GET("/api/v1/integrations/tiktok/metrics/{user_id}", { params: path(userId) })),
    history: (userId, query) =>
      settle(() =>
        api.GET("/api/v1/integrations/tiktok/metrics/{user_id}/history", {
          params: { path: { user_id: userId }, query: query ?? {} },
        }),
      ),
    videos: (userId, query) =>
      settle(() =>
        api.GET("/api/v1/integrations/tiktok/videos/{user_id}", {
          params: { path: { user_id: userId }, query: query ?? {} },
        }),
      ),
  };
}
