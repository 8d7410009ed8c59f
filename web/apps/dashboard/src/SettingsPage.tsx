/**
 * The creator dashboard's settings page (development build): a development sign-in, then the tabs, the
 * Integrations tab holding the TikTok card and the TikTok Shop card.
 */
import { useCallback, useId, useRef, useState, type KeyboardEvent } from "react";
import { TikTokCard } from "./TikTokCard";
import { TikTokShopCard } from "./TikTokShopCard";
import { devToken } from "./devAuth";

const TABS = ["Profile", "Integrations"] as const;
type Tab = (typeof TABS)[number];

/** The development user: `?as=<id>` (remembered), else the last one chosen, else 42. */
function initialUser(): string {
  const asked = new URLSearchParams(window.location.search).get("as");
  if (asked) window.localStorage.setItem("dev-user-id", asked);
  return asked ?? window.localStorage.getItem("dev-user-id") ?? "42";
}

const DEFAULT_USER = initialUser();

/** The settings page with its development sign-in. */
export function SettingsPage() {
  const [userId, setUserId] = useState(DEFAULT_USER);
  const [draft, setDraft] = useState(DEFAULT_USER);
  const [tab, setTab] = useState<Tab>("Integrations");
  const [signInError, setSignInError] = useState<string | null>(null);
  const tabRefs = useRef<(HTMLButtonElement | null)[]>([]);
  const idBase = useId();

  const getToken = useCallback(async () => {
    try {
      const token = await devToken(userId);
      setSignInError(null);
      return token;
    } catch (error) {
      setSignInError(error instanceof Error ? error.message : String(error));
      throw error;
    }
  }, [userId]);

  const onTabKey = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next = (index + step + TABS.length) % TABS.length;
    setTab(TABS[next] ?? "Integrations");
    tabRefs.current[next]?.focus();
  };

  return (
    <div className="page">
      <header className="page-header">
        <p className="brand">Creator dashboard</p>
        <nav aria-label="Developer">
          <a href="/creator-dashboard/api-reference">API reference</a>
        </nav>
      </header>
      <main>
        <h1>Settings</h1>
        <form
          className="dev-sign-in"
          aria-label="Development sign-in"
          onSubmit={(event) => {
            event.preventDefault();
            const next = draft.trim();
            if (next) {
              window.localStorage.setItem("dev-user-id", next);
              setUserId(next);
            }
          }}
        >
          <label htmlFor={`${idBase}-user`}>Signed in as user id (development)</label>
          <input
            id={`${idBase}-user`}
            name="user_id"
            value={draft}
            autoComplete="off"
            pattern="[A-Za-z0-9._:@\-]{1,128}"
            onChange={(event) => setDraft(event.target.value)}
          />
          <button type="submit">Switch user</button>
        </form>
        {signInError && (
          <p className="notice notice-error" role="alert">
            {signInError}
          </p>
        )}
        <div role="tablist" aria-label="Settings sections" className="tabs">
          {TABS.map((name, index) => (
            <button
              key={name}
              ref={(el) => {
                tabRefs.current[index] = el;
              }}
              role="tab"
              id={`${idBase}-tab-${name}`}
              aria-selected={tab === name}
              aria-controls={`${idBase}-panel-${name}`}
              tabIndex={tab === name ? 0 : -1}
              onClick={() => setTab(name)}
              onKeyDown={(event) => onTabKey(event, index)}
            >
              {name}
            </button>
          ))}
        </div>
        {TABS.map((name) => (
          <section
            key={name}
            role="tabpanel"
            id={`${idBase}-panel-${name}`}
            aria-labelledby={`${idBase}-tab-${name}`}
            hidden={tab !== name}
            tabIndex={0}
          >
            {name === "Profile" ? (
              <p>Your profile settings live in the platform; this development page shows the integrations.</p>
            ) : (
              <div className="cards">
                <TikTokCard key={userId} userId={userId} getToken={getToken} />
                <TikTokShopCard key={`shop-${userId}`} userId={userId} getToken={getToken} />
              </div>
            )}
          </section>
        ))}
      </main>
    </div>
  );
}
