// The development settings page: Vite on port 3000 (`make run`), the API reached through this server's proxy so
// the page's own origin serves /api, /dev and /health (set TIKTOK_API_URL when the API is not on :8080).
import { defaultClientConditions, defineConfig } from "vite";
import react from "@vitejs/plugin-react";

const target = process.env.TIKTOK_API_URL ?? "http://127.0.0.1:8080";
const proxy = Object.fromEntries(
  ["/api", "/dev", "/health"].map((prefix) => [prefix, { target, changeOrigin: false, xfwd: true }]),
);

export default defineConfig({
  plugins: [react()],
  // The workspace's package is used from its sources ("source" export condition), no build step in between.
  resolve: { conditions: ["source", ...defaultClientConditions] },
  appType: "spa",
  server: { port: 3000, strictPort: true, host: "localhost", proxy },
  preview: { port: 3000, strictPort: true, host: "localhost", proxy },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
});
