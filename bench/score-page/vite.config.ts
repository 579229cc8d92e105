/**
 * @file Vite config of the scoring-benchmark page only (bench/score-page -> bench/.out/dist-score). Never part of the
 * app build. The catalog model read by the page is copied into the output by bench/score.mjs.
 */
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  publicDir: false,
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    outDir: fileURLToPath(new URL('../.out/dist-score', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 8000,
  },
});
