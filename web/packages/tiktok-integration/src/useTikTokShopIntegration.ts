/**
 * `useTikTokShopIntegration`: the TikTok Shop seller connection of one creator, as the dashboard shows it, in the
 * style of `useTikTokIntegration` (same options, same creator-readable errors, same once-only callback).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { errorFromThrown } from "./client";
import { claimOAuthReturn } from "./callback";
import { TikTokIntegrationError } from "./errors";
import { createTikTokShopClient, type TikTokShopClient } from "./shopClient";
import { shopMessageFor } from "./shopErrors";
import { cleanShopReturn, readShopReturn, rememberShopState } from "./shopFlow";
import type {
  ShopConnectionStatus,
  ShopMetrics,
  ShopOrderPage,
  ShopOrdersQuery,
  ShopProductPage,
  ShopProductsQuery,
} from "./shopTypes";

/** Options of {@link useTikTokShopIntegration}. */
export interface UseTikTokShopIntegrationOptions {
  /** The product user id of the signed-in creator. */
  userId: string;
  /** Returns the platform's JWT; called before every request, so a renewed token is always used. */
  getToken: () => string | null | undefined | Promise<string | null | undefined>;
  /** Where the service lives; default `""` (the page's origin). */
  baseUrl?: string;
  /**
   * Complete a TikTok Shop return found in the address bar (default true: mount the hook on the page TikTok
   * Shop sends the seller back to). Only returns whose `state` this tab's Shop flow issued are taken; the
   * account flow's are left to `useTikTokIntegration`.
   */
  handleRedirect?: boolean;
  /** After a successful return, sync once at once so that orders and revenue show without waiting (default true). */
  syncAfterConnect?: boolean;
  /** Sends the browser to TikTok Shop; default `window.location.assign`. */
  navigate?: (url: string) => void;
  /** A client to use instead of one built from `baseUrl` and `getToken` (tests, custom fetch). */
  client?: TikTokShopClient;
}

/** What {@link useTikTokShopIntegration} returns. */
export interface TikTokShopIntegration {
  /** True only when the status is `connected`. */
  isConnected: boolean;
  /** The status body (seller, shops, last sync); null until the first answer, or when Shop is not configured. */
  connectionStatus: ShopConnectionStatus | null;
  /** The stored figures per shop and currency; null when there is no seller (or not loaded yet). */
  metrics: ShopMetrics | null;
  /** True while the first status check or any action is in flight. */
  loading: boolean;
  /** True while a sync runs. */
  syncing: boolean;
  /** True when the service has no TikTok Shop app configured (`503 shop_not_configured`): not a failure to shout. */
  notConfigured: boolean;
  /** A sentence for the creator about the last failure (never raw JSON); null when the last action worked. */
  error: string | null;
  /** The contract's error code behind `error` (`rate_limited`, `shop_not_configured`, …). */
  errorCode: string | null;
  /** Seconds to wait before retrying, from `Retry-After`, with `error`. */
  retryAfter: number | null;
  /** Sends the browser to the TikTok Shop authorization page (through `auth/init`). */
  connectShop: () => Promise<void>;
  /** Disconnects (TikTok Shop has no revoke endpoint: the tokens are forgotten here); `purge` erases the data. */
  disconnectShop: (options?: { purge?: boolean }) => Promise<void>;
  /** Syncs from TikTok Shop now, then loads fresh status and figures. */
  refreshShop: () => Promise<void>;
  /** Loads the status (and, with a seller, the figures). */
  checkConnectionStatus: () => Promise<ShopConnectionStatus | null>;
  /** One page of stored orders (newest first); null on failure, which `error` then tells. */
  loadOrders: (query?: ShopOrdersQuery) => Promise<ShopOrderPage | null>;
  /** One page of stored products with their SKUs; null on failure, which `error` then tells. */
  loadProducts: (query?: ShopProductsQuery) => Promise<ShopProductPage | null>;
}

interface Failure {
  error: string | null;
  errorCode: string | null;
  retryAfter: number | null;
}

const NO_FAILURE: Failure = { error: null, errorCode: null, retryAfter: null };

function failure(thrown: unknown): Failure {
  const e = thrown instanceof TikTokIntegrationError ? thrown : errorFromThrown(thrown, shopMessageFor);
  return { error: e.message, errorCode: e.code, retryAfter: e.retryAfter ?? null };
}

/** Shop callback exchanges in flight in this page, by return key: a second mount awaits the first one's. */
const pendingReturns = new Map<string, Promise<unknown>>();

/** The figures are optional beside the status: none stored yet (404) is not a failure. */
function optional(thrown: unknown): null {
  if (thrown instanceof TikTokIntegrationError && thrown.status === 404) return null;
  throw thrown;
}

/** The TikTok Shop connection of `userId`: state, creator-readable errors, and the actions of the Shop card. */
export function useTikTokShopIntegration(options: UseTikTokShopIntegrationOptions): TikTokShopIntegration {
  const { userId, baseUrl, handleRedirect = true, syncAfterConnect = true } = options;
  const getTokenRef = useRef(options.getToken);
  getTokenRef.current = options.getToken;
  const navigateRef = useRef(options.navigate);
  navigateRef.current = options.navigate;

  const client = useMemo(
    () => options.client ?? createTikTokShopClient({ baseUrl, getToken: () => getTokenRef.current() }),
    [options.client, baseUrl],
  );

  const [connectionStatus, setStatus] = useState<ShopConnectionStatus | null>(null);
  const [metrics, setMetrics] = useState<ShopMetrics | null>(null);
  const [fail, setFail] = useState<Failure>(NO_FAILURE);
  const [inFlight, setInFlight] = useState(1); // the first status check starts at mount
  const [syncing, setSyncing] = useState(false);
  const mounted = useRef(false);
  const firstRun = useRef(true);
  // The return this component found (its outcome: null or the failure to show), for StrictMode's second run,
  // which finds the address bar already cleaned.
  const foundReturn = useRef<{ userId: string; outcome: Promise<unknown> } | null>(null);

  const begin = useCallback(() => setInFlight((n) => n + 1), []);
  const end = useCallback(() => {
    if (mounted.current) setInFlight((n) => Math.max(0, n - 1));
  }, []);
  const report = useCallback((thrown: unknown) => {
    if (mounted.current) setFail(failure(thrown));
  }, []);

  /** Loads the status and, with a seller, the figures; throws on a failed status read. */
  const load = useCallback(async (): Promise<ShopConnectionStatus> => {
    const status = await client.status(userId);
    const figures = status.seller ? await client.metrics(userId).catch(optional) : null;
    if (mounted.current) {
      setStatus(status);
      setMetrics(figures);
    }
    return status;
  }, [client, userId]);

  const checkConnectionStatus = useCallback(async (): Promise<ShopConnectionStatus | null> => {
    begin();
    try {
      const status = await load();
      if (mounted.current) setFail(NO_FAILURE);
      return status;
    } catch (thrown) {
      report(thrown);
      return null;
    } finally {
      end();
    }
  }, [begin, end, load, report]);

  const connectShop = useCallback(async () => {
    begin();
    try {
      const start = await client.init(userId);
      // The state travels in the authorize URL; it marks the return as the Shop's (see shopFlow.ts).
      const state = new URL(start.authorization_url).searchParams.get("state");
      if (state) rememberShopState(state);
      const go = navigateRef.current ?? ((url: string) => window.location.assign(url));
      go(start.authorization_url);
    } catch (thrown) {
      report(thrown);
    } finally {
      end();
    }
  }, [begin, end, client, userId, report]);

  const disconnectShop = useCallback(
    async (opts?: { purge?: boolean }) => {
      begin();
      try {
        const status = await client.disconnect(userId, { purge: opts?.purge === true });
        if (mounted.current) {
          setStatus(status);
          setMetrics(null);
          setFail(NO_FAILURE);
        }
      } catch (thrown) {
        report(thrown);
      } finally {
        end();
      }
    },
    [begin, end, client, userId, report],
  );

  const refreshShop = useCallback(async () => {
    begin();
    setSyncing(true);
    let syncFailure: unknown = null;
    try {
      await client.sync(userId);
    } catch (thrown) {
      syncFailure = thrown;
    }
    try {
      await load();
      if (mounted.current) setFail(syncFailure === null ? NO_FAILURE : failure(syncFailure));
    } catch (thrown) {
      report(syncFailure ?? thrown);
    } finally {
      if (mounted.current) setSyncing(false);
      end();
    }
  }, [begin, end, client, userId, load, report]);

  const loadOrders = useCallback(
    async (query?: ShopOrdersQuery) => {
      try {
        return await client.orders(userId, query);
      } catch (thrown) {
        report(thrown);
        return null;
      }
    },
    [client, userId, report],
  );

  const loadProducts = useCallback(
    async (query?: ShopProductsQuery) => {
      try {
        return await client.products(userId, query);
      } catch (thrown) {
        report(thrown);
        return null;
      }
    },
    [client, userId, report],
  );

  // At mount: complete a Shop return once (StrictMode, reloads), clean the address bar, then load the status.
  useEffect(() => {
    mounted.current = true;
    if (firstRun.current) firstRun.current = false;
    else setInFlight((n) => n + 1);
    const start = async () => {
      const shopReturn = handleRedirect ? readShopReturn(window.location.href) : null;
      if (shopReturn?.kind === "unbound") {
        // An install from Seller Center's app store carries no state: it cannot be tied to this creator.
        cleanShopReturn();
        const refused = new TikTokIntegrationError({ code: "invalid_state", message: shopMessageFor("invalid_state") });
        foundReturn.current = { userId, outcome: Promise.resolve(refused) };
      } else if (shopReturn) {
        let exchange = pendingReturns.get(shopReturn.key);
        if (!exchange && claimOAuthReturn(shopReturn.key)) {
          const params =
            shopReturn.kind === "code"
              ? { code: shopReturn.code, state: shopReturn.state }
              : { error: shopReturn.error, state: shopReturn.state };
          exchange = client.callback(userId, params).then(
            async (status) => {
              if (!syncAfterConnect || !status.connected) return null;
              // A failed first sync is shown, but the connection stands.
              return client.sync(userId).then(
                () => null,
                (thrown: unknown) => thrown,
              );
            },
            (thrown: unknown) => thrown,
          );
          pendingReturns.set(shopReturn.key, exchange);
          const forget = () => pendingReturns.delete(shopReturn.key);
          void exchange.then(forget);
        }
        cleanShopReturn();
        if (exchange) foundReturn.current = { userId, outcome: exchange };
      }
      const found = foundReturn.current?.userId === userId ? foundReturn.current.outcome : null;
      const returnFailure: unknown = found ? await found : null;
      try {
        await load();
        if (mounted.current) setFail(returnFailure === null ? NO_FAILURE : failure(returnFailure));
      } catch (thrown) {
        report(returnFailure ?? thrown);
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

  const notConfigured = fail.errorCode === "shop_not_configured";
  return {
    isConnected: connectionStatus?.connected === true && connectionStatus.status === "connected",
    connectionStatus,
    metrics,
    loading: inFlight > 0,
    syncing,
    notConfigured,
    error: fail.error,
    errorCode: fail.errorCode,
    retryAfter: fail.retryAfter,
    connectShop,
    disconnectShop,
    refreshShop,
    checkConnectionStatus,
    loadOrders,
    loadProducts,
  };
}
