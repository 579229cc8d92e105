#!/usr/bin/env node
// The `benchtop` command (`npx benchtop ...`, `npm run benchtop -- ...`). It runs the TypeScript sources directly,
// without a build step: Vite's SSR loader transforms src/cli/main.ts and what it imports on the fly (as Vitest
// does), while npm packages (TF.js, Dexie, fake-indexeddb...) load natively. No config file, no file watcher, no
// HMR socket, no dependency pre-bundling: the server only transforms modules, and is closed when the command ends.
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const server = await createServer({
  root,
  configFile: false,
  envFile: false,
  logLevel: 'error',
  appType: 'custom',
  clearScreen: false,
  server: { middlewareMode: true, hmr: false, watch: null, ws: false },
  optimizeDeps: { noDiscovery: true, include: [] },
});

const controller = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  // First Ctrl-C cancels the run after its current batch; a second one exits at once.
  if (++interrupts > 1) process.exit(130);
  process.stderr.write('Canceling after the current batch (Ctrl-C again to quit now)\n');
  controller.abort();
});

let code = 1;
try {
  const { main } = await server.ssrLoadModule('/src/cli/main.ts');
  code = await main(process.argv.slice(2), { signal: controller.signal });
} catch (err) {
  process.stderr.write(`benchtop: could not start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
} finally {
  await server.close();
}
process.exitCode = code;
