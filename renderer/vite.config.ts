import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// Relative asset paths: the app loads the page from file://. No plugin: esbuild compiles the TSX.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    // Everything in files: nothing inline, which the strict CSP would refuse.
    assetsInlineLimit: 0,
  },
});
