/**
 * The TikTok card of the Integrations tab: everything it shows comes from `useTikTokIntegration`.
 */
import { useId, useState } from "react";
import {
  disconnectMessage,
  messageFor,
  reauthMessage,
  useTikTokIntegration,
  type ConnectionStatus,
  type Metrics,
} from "@creator-platform/tiktok-integration";
import { DisconnectButton } from "./DisconnectButton";
import { FollowersChart } from "./FollowersChart";
import { formatCount, formatDate, formatDateTime, formatPercent } from "./format";

/** Props of {@link TikTokCard}. */
export interface TikTokCardProps {
  userId: string;
  getToken: () => Promise<string>;
}

const MISSING_DATA: Record<string, string> = {
  videos: "Grant video access to see your videos and their views.",
  stats: "Grant access to your stats to see followers, likes and videos.",
  profile: "Grant access to your profile to see your username.",
};

/** The TikTok card. */
export function TikTokCard({ userId, getToken }: TikTokCardProps) {
  const tiktok = useTikTokIntegration({ userId, getToken });
  const { connectionStatus: status, metrics, loading, error, errorCode } = tiktok;
  const headingId = useId();
  const account = status?.account ?? null;
  // The reconnect notice already says why; the same sentence twice would only be noise.
  const shownError = errorCode === "reauth_required" && status?.status === "reauth_required" ? null : error;

  return (
    <article className="card" aria-labelledby={headingId} aria-busy={loading}>
      <header className="card-header">
        <h2 id={headingId}>TikTok</h2>
        <StatusBadge status={status} />
      </header>

      <div aria-live="polite">
        {shownError && (
          <div className="notice notice-error" role="alert">
            <p>{shownError}</p>
            {(errorCode === "service_unavailable" || errorCode === "network_offline" || !status) && (
              <button type="button" onClick={() => void tiktok.checkConnectionStatus()} disabled={loading}>
                Try again
              </button>
            )}
          </div>
        )}
      </div>

      {!status && loading && <p className="muted">Checking your TikTok connection…</p>}

      {status?.status === "not_connected" && (
        <div className="card-body">
          {status.disconnect_reason && (
            <p className="notice notice-warning" role="status">
              {disconnectMessage(status.disconnect_reason)} Connect again to keep your stats up to date.
            </p>
          )}
          <p>Connect your TikTok account to show your followers, likes and top videos on your dashboard.</p>
          <button type="button" className="primary" onClick={() => void tiktok.connectTikTok()} disabled={loading}>
            Connect TikTok
          </button>
        </div>
      )}

      {status?.status === "reauth_required" && (
        <div className="notice notice-warning" role="status">
          <p>{reauthMessage(status.reauth_reason)}</p>
          <button type="button" className="primary" onClick={() => void tiktok.connectTikTok()} disabled={loading}>
            Reconnect TikTok
          </button>
        </div>
      )}

      {account && (
        <div className="card-body">
          <div className="profile">
            <Avatar url={account.avatar_url} />
            <div>
              <p className="display-name">{account.display_name ?? "TikTok creator"}</p>
              {account.username && <p className="muted">@{account.username}</p>}
            </div>
          </div>

          {status?.status === "connected" && status.reauth_due_at && (
            <div className="notice notice-warning" role="status">
              <p>
                Your TikTok connection ends on {formatDate(status.reauth_due_at)}. Reconnect before then to keep
                syncing.
              </p>
              <button type="button" onClick={() => void tiktok.connectTikTok()} disabled={loading}>
                Reconnect TikTok
              </button>
            </div>
          )}

          {status?.status === "connected" && status.missing_data.length > 0 && (
            <div className="notice notice-info" role="status">
              <ul>
                {status.missing_data.map((m) => (
                  <li key={m.data}>{MISSING_DATA[m.data] ?? `Grant ${m.scope} to see your ${m.data}.`}</li>
                ))}
              </ul>
              <button type="button" onClick={() => void tiktok.connectTikTok()} disabled={loading}>
                Reconnect TikTok
              </button>
            </div>
          )}

          <dl className="counts" aria-label="TikTok counts">
            <Count label="Followers" value={metrics?.follower_count} />
            <Count label="Following" value={metrics?.following_count} />
            <Count label="Likes" value={metrics?.like_count} />
            <Count label="Videos" value={metrics?.video_count} />
          </dl>

          {metrics && <Analytics metrics={metrics} />}

          <p className="muted" data-testid="last-sync">
            Last sync:{" "}
            {account.last_sync_at ? <time dateTime={account.last_sync_at}>{formatDateTime(account.last_sync_at)}</time> : "never"}
          </p>
          {status?.last_sync_error && !(status.status === "reauth_required" && status.last_sync_error.code === "reauth_required") && (
            <p className="notice notice-error" role="status">
              The last sync failed on {formatDateTime(status.last_sync_error.at)}:{" "}
              {messageFor(status.last_sync_error.code)}
            </p>
          )}

          {status?.status === "connected" && (
            <div className="actions">
              <button type="button" onClick={() => void tiktok.refreshConnection()} disabled={loading}>
                {tiktok.syncing ? "Syncing…" : "Sync now"}
              </button>
              <DisconnectButton
                title="Disconnect TikTok?"
                explanation="Your dashboard stops showing new TikTok stats. You can connect again at any time."
                purgeLabel="Also erase everything stored (videos, history and profile)"
                disabled={loading}
                onConfirm={(purge) => tiktok.disconnectTikTok({ purge })}
              />
            </div>
          )}

          <FollowersChart history={tiktok.history} />

          <section aria-labelledby={`${headingId}-videos`}>
            <h3 id={`${headingId}-videos`}>Top videos</h3>
            {tiktok.videos.length === 0 ? (
              <p className="muted">No videos to show.</p>
            ) : (
              <ol className="videos">
                {tiktok.videos.map((v) => (
                  <li key={v.id}>
                    <span className="video-title">{v.title || v.description || "Untitled video"}</span>
                    <span className="muted">{formatCount(v.view_count)} views</span>
                  </li>
                ))}
              </ol>
            )}
          </section>
        </div>
      )}
    </article>
  );
}

/** The profile picture; a plain circle when there is none or it does not load (signed CDN links expire). */
function Avatar({ url }: { url: string | null | undefined }) {
  const [failed, setFailed] = useState<string | null>(null);
  if (!url || failed === url) return <span className="avatar avatar-empty" aria-hidden="true" />;
  return (
    <img
      className="avatar"
      src={url}
      alt=""
      width={56}
      height={56}
      referrerPolicy="no-referrer"
      onError={() => setFailed(url)}
    />
  );
}

/** Follower growth over 7 days and the 30-day engagement rate, when the data supports them. */
function Analytics({ metrics }: { metrics: Metrics }) {
  const week = metrics.growth.d7 ?? metrics.growth.d1;
  const days = metrics.growth.d7 ? 7 : 1;
  if (!week && metrics.engagement_rate_30d == null) return null;
  return (
    <p className="muted">
      {week && (
        <span>
          Followers {week.absolute >= 0 ? "+" : "−"}
          {formatCount(Math.abs(week.absolute))} in {days} day{days === 1 ? "" : "s"}
        </span>
      )}
      {week && metrics.engagement_rate_30d != null && " · "}
      {metrics.engagement_rate_30d != null && <span>Engagement (30 days) {formatPercent(metrics.engagement_rate_30d)}</span>}
    </p>
  );
}

function StatusBadge({ status }: { status: ConnectionStatus | null }) {
  if (!status) return null;
  const label =
    status.status === "connected" ? "Connected" : status.status === "reauth_required" ? "Reconnect needed" : "Not connected";
  return <span className={`badge badge-${status.status}`}>{label}</span>;
}

function Count({ label, value }: { label: string; value: number | null | undefined }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{formatCount(value)}</dd>
    </div>
  );
}
