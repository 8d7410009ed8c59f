/**
 * The API reference: Swagger UI (bundled from swagger-ui-dist, no CDN) reading the document the service serves.
 */
import { useEffect, useRef } from "react";
import SwaggerUIBundle from "swagger-ui-dist/swagger-ui-bundle.js";
import "swagger-ui-dist/swagger-ui.css";

/** The page at /creator-dashboard/api-reference. */
export default function ApiReference() {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current) return;
    SwaggerUIBundle({ url: "/api/v1/openapi.json", domNode: box.current, deepLinking: true });
  }, []);
  return (
    <div className="page">
      <header className="page-header">
        <p className="brand">Creator dashboard</p>
        <nav aria-label="Developer">
          <a href="/creator-dashboard/settings">Settings</a>
        </nav>
      </header>
      <main>
        <h1>TikTok integration API</h1>
        <div ref={box} />
      </main>
    </div>
  );
}
