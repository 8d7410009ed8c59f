/**
 * `useTikTokIntegration`: the connection of one creator to TikTok, as the creator dashboard shows it.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { createTikTokClient, errorFromThrown, type TikTokClient } from "./client";
import { claimOAuthReturn, cleanAddressBar, readOAuthReturn } from "./callback";
import { isShopState } from "./shopFlow";
import { TikTokIntegrationError, messageFor } from "./errors";
import type { ConnectionStatus, Metrics, MetricsHistory, Video } from "./types";

/** Options of {@link useTikTokIntegration}. */
export interface UseTikTokIntegrationOptions {
  /** The product user id of the signed-in creator. */
  userId: string;
  /** Returns the platform's JWT; called before every request, so a renewed token is always used. */
  getToken: () => string | null | undefined | Promise<string | null | undefined>;
  /** Where the service lives; default `""` (the page's origin, e.g. behind the dashboard's proxy). */
  baseUrl?: string;
  /** The redirect URI sent to `auth/init`; default: none, so the service's `TIKTOK_REDIRECT_URI` is used. */
  redirectUri?: string;
  /** Complete an OAuth return found in the address bar (default true: mount the hook on the callback page). */
  handleRedirect?: boolean;
  /**
   * After a successful OAuth return, sync once at once, so that videos and the first history point show without
   * waiting for the service's scheduled sync (default true).
   */
  syncAfterConnect?: boolean;
  /** How many days of follower history to load (default 30). */
  historyDays?: number;
  /** How many top videos to load (default 5; 0 loads none). */
  videoLimit?: number;
  /** Sends the browser to TikTok; default `window.location.assign`. */
  navigate?: (url: string) => void;
  /** A client to use instead of one built from `baseUrl` and `getToken` (tests, custom fetch). */
  client?: TikTokClient;
}

/** What {@link useTikTokIntegration} returns: the guide's surface plus documented extras. */
export interface TikTokIntegration {
  /** True only when the status is `connected`. */
  isConnected: boolean;
  /** The status body; null until the first answer. */
  connectionStatus: ConnectionStatus | null;
  /** The metrics body; null when not connected (or not loaded yet). */
  metrics: Metrics | null;
  /** True while the first status check or any action is in flight. */
  loading: boolean;
  /** A sentence for the creator about the last failure (never raw JSON); null when the last action worked. */
  error: string | null;
  /** Sends the browser to TikTok's authorization page (through `auth/init`). */
  connectTikTok: () => Promise<void>;
  /** Disconnects; `{ purge: true }` also erases everything stored (videos, history, profile). */
  disconnectTikTok: (options?: { purge?: boolean }) => Promise<void>;
  /** Syncs from TikTok now, then loads fresh status and metrics. */
  refreshConnection: () => Promise<void>;
  /** Loads the status (and, with an account, metrics, history and top videos). */
  checkConnectionStatus: () => Promise<ConnectionStatus | null>;
  /** Extra: the contract's error code behind `error` (`rate_limited`, `service_unavailable`, …). */
  errorCode: string | null;
  /** Extra: seconds to wait before retrying, from `Retry-After`, with `error`. */
  retryAfter: number | null;
  /** Extra: the follower history (one point per day with a sync); null when not loaded. */
  history: MetricsHistory | null;
  /** Extra: the most viewed stored videos. */
  videos: Video[];
  /** Extra: true while a sync (refreshConnection) runs. */
  syncing: boolean;
}

/** What completing an OAuth return gave: the callback's status, and the first sync's failure if any. */
interface ReturnOutcome {
  status: ConnectionStatus;
  syncFailure: unknown;
}

/** Callback exchanges in flight in this page, by return key: a second mount awaits the first one's. */
const pendingReturns = new Map<string, Promise<ReturnOutcome>>();

interface Failure {
  error: string | null;
  errorCode: string | null;
  retryAfter: number | null;
}

const NO_FAILURE: Failure = { error: null, errorCode: null, retryAfter: null };

function failure(thrown: unknown, status?: ConnectionStatus | null): Failure {
  const e = thrown instanceof TikTokIntegrationError ? thrown : errorFromThrown(thrown);
  const message =
    e.code === "reauth_required" ? messageFor(e.code, e.retryAfter, status?.reauth_reason) : e.message;
  return { error: message, errorCode: e.code, retryAfter: e.retryAfter ?? null };
}

/** The TikTok connection of `userId`: state, creator-readable errors, and the actions of the settings card. */
export function useTikTokIntegration(options: UseTikTokIntegrationOptions): TikTokIntegration {
  const {
    userId,
    baseUrl,
    redirectUri,
    handleRedirect = true,
    syncAfterConnect = true,
    historyDays = 30,
    videoLimit = 5,
  } = options;
  const getTokenRef = useRef(options.getToken);
  getTokenRef.current = options.getToken;
  const navigateRef = useRef(options.navigate);
  navigateRef.current = options.navigate;

  const client = useMemo(
    () => options.client ?? createTikTokClient({ baseUrl, getToken: () => getTokenRef.current() }),
    [options.client, baseUrl],
  );

  const [connectionStatus, setStatus] = useState<ConnectionStatus | null>(null);
  const [metrics, setMetrics] = useState<Metrics | null>(null);
  const [history, setHistory] = useState<MetricsHistory | null>(null);
  const [videos, setVideos] = useState<Video[]>([]);
  const [fail, setFail] = useState<Failure>(NO_FAILURE);
  const [inFlight, setInFlight] = useState(1); // the first status check starts at mount
  const [syncing, setSyncing] = useState(false);
  const mounted = useRef(false);
  const firstRun = useRef(true);
  const statusRef = useRef<ConnectionStatus | null>(null);

  const begin = useCallback(() => setInFlight((n) => n + 1), []);
  const end = useCallback(() => {
    if (mounted.current) setInFlight((n) => Math.max(0, n - 1));
  }, []);

  /** Loads the status and, with an account, what the card shows; throws on a failed status read. */
  const load = useCallback(async (): Promise<ConnectionStatus> => {
    const status = await client.status(userId);
    let nextMetrics: Metrics | null = null;
    let nextHistory: MetricsHistory | null = null;
    let nextVideos: Video[] = [];
    if (status.account) {
      const from = new Date(Date.now() - historyDays * 86_400_000).toISOString().slice(0, 10);
      const [m, h, v] = await Promise.all([
        client.metrics(userId).catch(optional),
        client.history(userId, { from, interval: "day" }).catch(optional),
        videoLimit > 0
          ? client.videos(userId, { sort: "most_viewed", limit: videoLimit }).catch(optional)
          : Promise.resolve(null),
      ]);
      nextMetrics = m;
      nextHistory = h;
      nextVideos = v?.videos ?? [];
    }
    if (mounted.current) {
      statusRef.current = status;
      setStatus(status);
      setMetrics(nextMetrics);
      setHistory(nextHistory);
      setVideos(nextVideos);
    }
    return status;
  }, [client, userId, historyDays, videoLimit]);

  const checkConnectionStatus = useCallback(async (): Promise<ConnectionStatus | null> => {
    begin();
    try {
      const status = await load();
      if (mounted.current) setFail(NO_FAILURE);
      return status;
    } catch (thrown) {
      if (mounted.current) setFail(failure(thrown));
      return null;
    } finally {
      end();
    }
  }, [begin, end, load]);

  const connectTikTok = useCallback(async () => {
    begin();
    try {
      const start = await client.init(userId, redirectUri);
      const go = navigateRef.current ?? ((url: string) => window.location.assign(url));
      go(start.authorization_url);
    } catch (thrown) {
      if (mounted.current) setFail(failure(thrown));
    } finally {
      end();
    }
  }, [begin, end, client, userId, redirectUri]);

  const disconnectTikTok = useCallback(
    async (opts?: { purge?: boolean }) => {
      begin();
      try {
        const status = await client.disconnect(userId, { purge: opts?.purge === true });
        if (mounted.current) {
          statusRef.current = status;
          setStatus(status);
          setMetrics(null);
          setHistory(null);
          setVideos([]);
          setFail(NO_FAILURE);
        }
      } catch (thrown) {
        if (mounted.current) setFail(failure(thrown));
      } finally {
        end();
      }
    },
    [begin, end, client, userId],
  );

  const refreshConnection = useCallback(async () => {
    begin();
    setSyncing(true);
    let syncFailure: unknown = null;
    try {
      await client.sync(userId);
    } catch (thrown) {
      syncFailure = thrown;
    }
    try {
      const status = await load();
      if (mounted.current) setFail(syncFailure === null ? NO_FAILURE : failure(syncFailure, status));
    } catch (thrown) {
      if (mounted.current) setFail(failure(syncFailure ?? thrown, statusRef.current));
    } finally {
      if (mounted.current) setSyncing(false);
      end();
    }
  }, [begin, end, client, userId, load]);

  // At mount: complete an OAuth return once (StrictMode, reloads), clean the address bar, then load the status.
  useEffect(() => {
    mounted.current = true;
    // The initial count of 1 stands for the first run; a later run (new user, StrictMode's second) adds its own.
    if (firstRun.current) firstRun.current = false;
    else setInFlight((n) => n + 1);
    const start = async () => {
      let returnFailure: unknown = null;
      const found = handleRedirect ? readOAuthReturn(window.location.href) : null;
      // A return whose state the TikTok Shop flow issued is useTikTokShopIntegration's, not this hook's.
      const oauth = found && !isShopState(found.state) ? found : null;
      if (oauth) {
        let exchange = pendingReturns.get(oauth.key);
        if (!exchange && claimOAuthReturn(oauth.key)) {
          exchange = client.callback(userId, oauth).then(async (status): Promise<ReturnOutcome> => {
            if (!syncAfterConnect || !status.connected) return { status, syncFailure: null };
            try {
              await client.sync(userId);
              return { status, syncFailure: null };
            } catch (thrown) {
              return { status, syncFailure: thrown };
            }
          });
          pendingReturns.set(oauth.key, exchange);
          exchange.then(
            () => pendingReturns.delete(oauth.key),
            () => pendingReturns.delete(oauth.key),
          );
        }
        cleanAddressBar();
        if (exchange) {
          try {
            returnFailure = (await exchange).syncFailure;
          } catch (thrown) {
            returnFailure = thrown;
          }
        }
      }
      try {
        const status = await load();
        if (mounted.current) setFail(returnFailure === null ? NO_FAILURE : failure(returnFailure, status));
      } catch (thrown) {
        if (mounted.current) setFail(failure(returnFailure ?? thrown));
      }
    };
    void start().finally(() => {
      if (mounted.current) setInFlight((n) => Math.max(0, n - 1));
    });
    return () => {
      mounted.current = false;
    };
    // The first load belongs to this user; actions load again themselves.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [userId, client]);

  return {
    isConnected: connectionStatus?.connected === true,
    connectionStatus,
    metrics,
    loading: inFlight > 0,
    error: fail.error,
    connectTikTok,
    disconnectTikTok,
    refreshConnection,
    checkConnectionStatus,
    errorCode: fail.errorCode,
    retryAfter: fail.retryAfter,
    history,
    videos,
    syncing,
  };
}

/** A part of the card that may be missing (no video scope, not connected yet): null instead of a failure. */
function optional(thrown: unknown): null {
  if (thrown instanceof TikTokIntegrationError && thrown.status === 404) return null;
  throw thrown;
}
