import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer alone, for serve mode and the browser tests; Electron builds it through
// electron.vite.config.ts. base './' keeps every asset URL relative, which serve mode relies
// on to carry its token in the asset path.
export default defineConfig({
  // Vite substitutes import.meta.dirname when it bundles this config; no node:* import needed.
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: {
    outDir: `${import.meta.dirname}/../out/renderer`,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Keep the build free of inline scripts so the strict CSP holds.
    modulePreload: { polyfill: false },
  },
});
