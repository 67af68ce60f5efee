import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The standalone map demo (synthetic points), built for the browser tests and the frame benchmark.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: {
    outDir: `${import.meta.dirname}/../../out/map-demo`,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    rollupOptions: { input: `${import.meta.dirname}/demo.html` },
    modulePreload: { polyfill: false },
    // three.js alone is ~600 kB; the demo is a single page, so one chunk is fine.
    chunkSizeWarningLimit: 2000,
  },
  logLevel: 'warn',
});
