/**
 * The TikTok Shop card of the Integrations tab, beside the TikTok card: the seller's shops and, per shop and
 * currency, the last 30 days' orders, revenue, top products and orders by status. Everything comes from
 * `useTikTokShopIntegration`; money is shown from the service's decimal strings, never through a float, and
 * amounts of different currencies are never added.
 */
import { useId } from "react";
import {
  SHOP_NOT_CONFIGURED_MESSAGE,
  SHOP_REAUTH_MESSAGE,
  formatMoney,
  shopDisconnectMessage,
  useTikTokShopIntegration,
  type ShopConnectionStatus,
  type ShopCurrencyFigures,
  type ShopFigures,
  type ShopMoney,
  type ShopSummary,
} from "@creator-platform/tiktok-integration";
import { DisconnectButton } from "./DisconnectButton";
import { formatCount, formatDate, formatDateTime } from "./format";

/** Props of {@link TikTokShopCard}. */
export interface TikTokShopCardProps {
  userId: string;
  getToken: () => Promise<string>;
  /** Where the service lives; default the page's origin (the development server's proxy). */
  baseUrl?: string;
}

/** "AWAITING_SHIPMENT" → "Awaiting shipment": TikTok Shop's order statuses, readable. */
export function orderStatusLabel(status: string): string {
  const words = status.toLowerCase().replace(/_/g, " ").trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : status;
}

/** The TikTok Shop card. */
export function TikTokShopCard({ userId, getToken, baseUrl }: TikTokShopCardProps) {
  const shop = useTikTokShopIntegration({ userId, getToken, baseUrl });
  const { connectionStatus: status, metrics, loading, error, errorCode, notConfigured } = shop;
  const headingId = useId();
  const seller = status?.seller ?? null;
  // Not configured is a calm notice below, and the reconnect notice already says why a sync was refused.
  const shownError = notConfigured || (errorCode === "reauth_required" && status?.status === "reauth_required") ? null : error;

  return (
    <article className="card" aria-labelledby={headingId} aria-busy={loading}>
      <header className="card-header">
        <h2 id={headingId}>TikTok Shop</h2>
        <StatusBadge status={status} />
      </header>

      <div aria-live="polite">
        {shownError && (
          <div className="notice notice-error" role="alert">
            <p>{shownError}</p>
            {(errorCode === "service_unavailable" || errorCode === "network_offline" || !status) && (
              <button type="button" onClick={() => void shop.checkConnectionStatus()} disabled={loading}>
                Try again
              </button>
            )}
          </div>
        )}
        {notConfigured && (
          <p className="notice notice-info" role="status">
            {SHOP_NOT_CONFIGURED_MESSAGE}
          </p>
        )}
      </div>

      {!status && !notConfigured && loading && <p className="muted">Checking your TikTok Shop connection…</p>}

      {status?.status === "not_connected" && (
        <div className="card-body">
          {status.disconnect_reason === "seller_deauthorized" && (
            <div className="notice notice-warning" role="status">
              <p>{shopDisconnectMessage(status.disconnect_reason)} Reconnect to keep your orders and revenue up to date.</p>
            </div>
          )}
          <p>Connect your TikTok Shop seller account to show your shops, orders, revenue and best-selling products.</p>
          <button type="button" className="primary" onClick={() => void shop.connectShop()} disabled={loading}>
            {status.disconnect_reason === "seller_deauthorized" ? "Reconnect TikTok Shop" : "Connect TikTok Shop"}
          </button>
        </div>
      )}

      {status?.status === "reauth_required" && (
        <div className="notice notice-warning" role="status">
          <p>{SHOP_REAUTH_MESSAGE}</p>
          <button type="button" className="primary" onClick={() => void shop.connectShop()} disabled={loading}>
            Reconnect TikTok Shop
          </button>
        </div>
      )}

      {status && seller && (
        <div className="card-body">
          <p className="display-name">{seller.seller_name}</p>
          <p className="muted">Seller region {seller.seller_base_region}</p>

          {status.status === "connected" && status.reauth_due_at && (
            <div className="notice notice-warning" role="status">
              <p>
                Your TikTok Shop authorization ends on {formatDate(status.reauth_due_at)}. Reconnect before then to
                keep syncing.
              </p>
              <button type="button" onClick={() => void shop.connectShop()} disabled={loading}>
                Reconnect TikTok Shop
              </button>
            </div>
          )}

          {status.shops.length === 0 ? (
            <p className="muted">This seller has authorized no shop.</p>
          ) : (
            status.shops.map((s) => (
              <ShopSection key={s.shop_id} shop={s} figures={metrics?.shops.find((f) => f.shop_id === s.shop_id) ?? null} />
            ))
          )}

          <p className="muted" data-testid="shop-last-sync">
            Last sync:{" "}
            {status.last_sync_at ? <time dateTime={status.last_sync_at}>{formatDateTime(status.last_sync_at)}</time> : "never"}
          </p>

          {status.status === "connected" && (
            <div className="actions">
              <button type="button" onClick={() => void shop.refreshShop()} disabled={loading}>
                {shop.syncing ? "Syncing…" : "Sync now"}
              </button>
              <DisconnectButton
                title="Disconnect TikTok Shop?"
                explanation="Your dashboard stops showing new orders and revenue. TikTok Shop offers no way for us to revoke the authorization: remove the app in Seller Center as well if you want it gone there. You can connect again at any time."
                purgeLabel="Also erase everything stored (orders, products and figures)"
                disabled={loading}
                onConfirm={(purge) => shop.disconnectShop({ purge })}
              />
            </div>
          )}
        </div>
      )}
    </article>
  );
}

function StatusBadge({ status }: { status: ShopConnectionStatus | null }) {
  if (!status) return null;
  const label =
    status.status === "connected" ? "Connected" : status.status === "reauth_required" ? "Reconnect needed" : "Not connected";
  return <span className={`badge badge-${status.status}`}>{label}</span>;
}

/** One shop: its name and, per currency, the last 30 days. */
function ShopSection({ shop, figures }: { shop: ShopSummary; figures: ShopFigures | null }) {
  const headingId = useId();
  return (
    <section className="shop" aria-labelledby={headingId}>
      <h3 id={headingId}>{shop.name}</h3>
      <p className="muted">
        {shop.region} · shop code {shop.code}
        {figures && <> · {formatCount(figures.active_products)} active products</>}
      </p>
      {!figures || figures.currencies.length === 0 ? (
        <p className="muted">No orders in the last 30 days yet.</p>
      ) : (
        figures.currencies.map((c) => <CurrencyFigures key={c.currency} shopName={shop.name} figures={c} />)
      )}
    </section>
  );
}

/** How many of the (at most ten) top products the card lists per shop and currency. */
const TOP_PRODUCTS_SHOWN = 5;

/** An amount as sent (decimal string and currency), shown exactly. */
function money(value: ShopMoney): string {
  return formatMoney(value.amount, value.currency);
}

/** The figures of one currency of one shop (never added to another currency's). */
function CurrencyFigures({ shopName, figures }: { shopName: string; figures: ShopCurrencyFigures }) {
  const statuses = Object.entries(figures.orders_by_status).sort(([a], [b]) => a.localeCompare(b));
  const topId = useId();
  return (
    <div className="shop-currency" data-currency={figures.currency}>
      <dl className="counts" aria-label={`${shopName}, ${figures.currency}, last 30 days`}>
        <div>
          <dt>Orders (30 days)</dt>
          <dd>{formatCount(figures.last_30_days.orders)}</dd>
        </div>
        <div>
          <dt>Revenue (30 days)</dt>
          <dd>{money(figures.last_30_days.revenue)}</dd>
        </div>
        <div>
          <dt>Units sold (30 days)</dt>
          <dd>{formatCount(figures.last_30_days.units)}</dd>
        </div>
        <div>
          <dt>Revenue (7 days)</dt>
          <dd>{money(figures.last_7_days.revenue)}</dd>
        </div>
      </dl>
      <h4 id={topId}>Top products by units ({figures.currency})</h4>
      {figures.top_products.length === 0 ? (
        <p className="muted">No products sold in the last 30 days.</p>
      ) : (
        <ol className="videos" aria-labelledby={topId}>
          {figures.top_products.slice(0, TOP_PRODUCTS_SHOWN).map((p) => (
            <li key={p.product_id}>
              <span className="video-title">{p.product_name || "Unnamed product"}</span>
              <span className="muted">{formatCount(p.units)} units</span>
            </li>
          ))}
        </ol>
      )}
      {statuses.length > 0 && (
        <table className="statuses">
          <caption>Orders by status, last 30 days ({figures.currency})</caption>
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Orders</th>
            </tr>
          </thead>
          <tbody>
            {statuses.map(([name, count]) => (
              <tr key={name}>
                <th scope="row">{orderStatusLabel(name)}</th>
                <td>{formatCount(count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
