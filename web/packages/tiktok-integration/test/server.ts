/** The mocked service (MSW) and the bodies the tests answer with. */
import { setupServer } from "msw/node";
import { http, HttpResponse } from "msw";
import type { ConnectionStatus, Metrics, MetricsHistory, VideoPage } from "../src";

export const BASE = "http://api.test";
export const API = `${BASE}/api/v1/integrations/tiktok`;
export const server = setupServer();

export const account = {
  tiktok_user_id: "open-1",
  username: "sandbox_creator",
  display_name: "Sandbox Creator",
  avatar_url: "https://cdn.example/avatar.png",
  scopes: ["user.info.basic", "user.info.profile", "user.info.stats", "video.list"],
  connected_at: "2026-12-01T10:00:00Z",
  last_sync_at: "2026-12-04T10:00:00Z",
};

export function status(overrides: Partial<ConnectionStatus> = {}): ConnectionStatus {
  return {
    user_id: "42",
    connected: true,
    status: "connected",
    account,
    missing_data: [],
    last_sync_error: null,
    ...overrides,
  };
}

export const notConnected: ConnectionStatus = {
  user_id: "42",
  connected: false,
  status: "not_connected",
  account: null,
  missing_data: [],
};

export function metrics(overrides: Partial<Metrics> = {}): Metrics {
  return {
    user_id: "42",
    follower_count: 1200,
    following_count: 80,
    like_count: 56000,
    video_count: 45,
    last_sync_at: "2026-12-04T10:00:00Z",
    growth: { d1: null, d7: null, d30: null },
    engagement_rate_30d: 0.05,
    views: { total: 100000, average: 2222 },
    top_videos: [],
    videos_synced_at: "2026-12-04T10:00:00Z",
    ...overrides,
  };
}

export const history: MetricsHistory = {
  user_id: "42",
  from: "2026-11-04T00:00:00Z",
  to: "2026-12-04T11:00:00Z",
  interval: "day",
  points: [
    { start: "2026-12-03T00:00:00Z", recorded_at: "2026-12-03T10:00:00Z", follower_count: 1100 },
    { start: "2026-12-04T00:00:00Z", recorded_at: "2026-12-04T10:00:00Z", follower_count: 1200 },
  ],
};

export const videos: VideoPage = {
  user_id: "42",
  sort: "most_viewed",
  next_cursor: null,
  videos: [{ id: "7300000000000000001", title: "Dance", view_count: 5000, synced_at: "2026-12-04T10:00:00Z" }],
};

export function errorBody(code: string, message = "the service's own words", init: { status: number; retryAfter?: string }) {
  return HttpResponse.json(
    { error: { code, message } },
    { status: init.status, headers: init.retryAfter ? { "Retry-After": init.retryAfter } : {} },
  );
}

/** The handlers of a connected creator (status, metrics, history, videos). */
export function connectedHandlers(s: ConnectionStatus = status(), m: Metrics = metrics()) {
  return [
    http.get(`${API}/status/:userId`, () => HttpResponse.json(s)),
    http.get(`${API}/metrics/:userId`, () => HttpResponse.json(m)),
    http.get(`${API}/metrics/:userId/history`, () => HttpResponse.json(history)),
    http.get(`${API}/videos/:userId`, () => HttpResponse.json(videos)),
  ];
}
