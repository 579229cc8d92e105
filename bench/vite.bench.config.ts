/**
 * @file Vite config of the import-benchmark page only (bench/import-page -> bench/.out/dist). Never part of the app build.
 */
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('./import-page', import.meta.url)),
  base: './',
  logLevel: 'warn',
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // bench/import.mjs sets these: a separate unminified copy is built for CPU profiles (readable names).
    outDir: process.env.BENCH_OUT_DIR ?? fileURLToPath(new URL('./.out/dist', import.meta.url)),
    minify: process.env.BENCH_MINIFY !== '0',
    emptyOutDir: true,
    sourcemap: process.env.BENCH_MINIFY === '0',
  },
});
