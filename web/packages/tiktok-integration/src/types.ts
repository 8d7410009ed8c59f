/**
 * The bodies of the TikTok integration service, taken from the generated OpenAPI types (never written by hand).
 */
import type { components, operations } from "./generated/api";

type Schemas = components["schemas"];

// `reauth_reason` and `last_sync_error` are taken from the generated document; the fallbacks after `:` only
// describe the agreed shape while a document without them is checked in, and vanish once it has them.

/** `reauth_reason` as the status body carries it (present only with `reauth_required`). */
export type ReauthReason = Schemas["StatusBody"] extends { reauth_reason?: infer R }
  ? NonNullable<R>
  : "refresh_token_expired" | "access_revoked" | "scope_withdrawn" | "unknown";

/** `last_sync_error` as the status body carries it: the last failed sync, null after a successful one. */
export type LastSyncError = Schemas["StatusBody"] extends { last_sync_error?: infer E }
  ? E
  : { code: string; message: string; at: string } | null;

/** The status body of `GET status/{user_id}` (also the callback's and disconnect's body). */
export type ConnectionStatus = Schemas["StatusBody"] & {
  reauth_reason?: ReauthReason | null;
  last_sync_error?: LastSyncError;
};
/** The account part of the status body. */
export type Account = Schemas["AccountBody"];
/** The metrics body of `GET metrics/{user_id}` (also the body of sync). */
export type Metrics = Schemas["MetricsBody"];
/** `GET metrics/{user_id}/history`. */
export type MetricsHistory = Schemas["HistoryBody"];
/** One point of the follower history. */
export type HistoryPoint = Schemas["HistoryPointBody"];
/** One stored video. */
export type Video = Schemas["VideoBody"];
/** One page of `GET videos/{user_id}`. */
export type VideoPage = Schemas["VideoPageBody"];
/** The body of `auth/init`. */
export type AuthorizationStart = Schemas["InitBody"];
/** The contract's error body `{"error": {"code", "message"}}`. */
export type ErrorBody = Schemas["ErrorBody"];
/** Query of `GET metrics/{user_id}/history`. */
export type HistoryQuery = NonNullable<operations["history"]["parameters"]["query"]>;
/** Query of `GET videos/{user_id}`. */
export type VideosQuery = NonNullable<operations["videos"]["parameters"]["query"]>;
