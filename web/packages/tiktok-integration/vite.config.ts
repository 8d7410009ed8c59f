// Library build: only to measure the package's size (docs/performance.md); the dashboard imports the sources.
import { defineConfig } from "vite";

export default defineConfig({
  build: {
    lib: { entry: "src/index.ts", formats: ["es"], fileName: "index" },
    rollupOptions: { external: ["react", "react/jsx-runtime"] },
    outDir: "dist",
    emptyOutDir: true,
  },
});
