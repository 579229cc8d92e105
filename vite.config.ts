import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';

/** Headers for cross-origin isolation (multi-threaded wasm). The service worker adds them where a static host cannot. */
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

/** The shipped model catalog (models/ at the repo root, built by `npm run models`): served in dev, copied into dist/models/. */
function modelCatalog(): Plugin {
  const root = new URL('./models/', import.meta.url);
  const files = (): string[] =>
    readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => relative(fileURLToPath(root), join(e.parentPath, e.name)).split(sep).join('/'));
  return {
    name: 'benchtop-model-catalog',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = decodeURIComponent((req.url ?? '').split('?')[0]).replace(/^\//, '');
        const rel = path.startsWith('models/') ? path.slice('models/'.length) : '';
        if (!files().includes(rel)) return next();
        res.setHeader('Content-Type', rel.endsWith('.json') ? 'application/json' : 'application/octet-stream');
        res.end(readFileSync(new URL(rel, root)));
      });
    },
    generateBundle() {
      for (const rel of files()) this.emitFile({ type: 'asset', fileName: `models/${rel}`, source: readFileSync(new URL(rel, root)) });
    },
  };
}

const packageJson = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  define: { __APP_VERSION__: JSON.stringify(packageJson.version) },
  // Relative base: the built dist/ works from any static host and any sub-path.
  base: './',
  plugins: [
    svelte(),
    modelCatalog(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      registerType: 'prompt',
      // src/runtime/pwa.ts registers the worker itself (relative URL, update prompt, isolation reload).
      injectRegister: false,
      // The glob below already lists the icons, and the plugin adds manifest.webmanifest itself.
      includeManifestIcons: false,
      manifest: {
        name: 'Benchtop',
        short_name: 'Benchtop',
        description: 'A machine-learning lab that runs entirely in a browser tab.',
        theme_color: '#1f3b57',
        background_color: '#f7f8fa',
        display: 'standalone',
        start_url: './',
        scope: './',
        icons: [
          { src: 'icons/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
        ],
      },
      injectManifest: {
        // Precache the app shell only; large wasm, models and datasets are cached on first use.
        // The sample list (a few KB) is part of the shell, so the Data page lists samples offline on a second visit.
        globPatterns: ['**/*.{js,css,html,svg,png}', 'datasets/manifest.json'],
        globIgnores: ['**/datasets/*.{csv,zip}', '**/datasets/*.md', '**/models/**', '**/ort/**', '**/*.wasm'],
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
      },
      devOptions: { enabled: false },
    }),
  ],
  worker: { format: 'es' },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  build: { target: 'es2022', sourcemap: true },
  test: {
    include: ['src/**/*.test.ts', 'workers/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['src/test/setup.ts'],
  },
});
