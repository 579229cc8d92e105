/**
 * @file Vite config of the training-benchmark page only (bench/train-page -> bench/.out/dist-train). Never part of the app build.
 */
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('./train-page', import.meta.url)),
  base: './',
  logLevel: 'warn',
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    outDir: fileURLToPath(new URL('./.out/dist-train', import.meta.url)),
    emptyOutDir: true,
  },
});
