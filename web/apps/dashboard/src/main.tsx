import { StrictMode, Suspense, lazy } from "react";
import { createRoot } from "react-dom/client";
import { SettingsPage } from "./SettingsPage";
import "./styles.css";

const ApiReference = lazy(() => import("./ApiReference"));

/** The two pages of the development dashboard, by path. */
function App() {
  const path = window.location.pathname.replace(/\/+$/, "");
  if (path === "/creator-dashboard/api-reference") {
    return (
      <Suspense fallback={<p className="page">Loading the API reference…</p>}>
        <ApiReference />
      </Suspense>
    );
  }
  if (path !== "/creator-dashboard/settings") {
    window.history.replaceState(null, "", `/creator-dashboard/settings${window.location.search}`);
  }
  return <SettingsPage />;
}

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
