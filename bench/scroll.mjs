#!/usr/bin/env node
// npm run bench:scroll [-- --rows 1000000]
// Imports a generated N-row x 10-column CSV into the built lab (dist/, built first) through the UI, then scrolls
// the preview table and reports frame times (requestAnimationFrame deltas) side by side with an idle baseline
// measured in the same page: the ratio p50(scrolling) / p50(idle) is what to read, absolute times drift.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { serve } from '../scripts/serve.mjs';
import { chromiumVersion, closeServer, launchFresh, table, withTimeout } from './lib.mjs';

const args = process.argv.slice(2);
const ROWS = args.includes('--rows') ? Number(args[args.indexOf('--rows') + 1]) : 1_000_000;
const OUT = resolve('bench/.out');
const FILE = join(OUT, `scroll-${ROWS}x10.csv`);
const STEPS = [0, 100, 2000];

function generate() {
  if (existsSync(FILE)) return;
  mkdirSync(OUT, { recursive: true });
  const lines = ['id,a,b,c,d,e,cat,flag,when,note'];
  for (let i = 0; i < ROWS; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    lines.push(`${i},${((i * 0.731) % 100).toFixed(3)},${i % 1000},${(i * 7) % 13},${Math.sin(i).toFixed(4)},${i % 50},k${i % 20},${i % 2 ? 'true' : 'false'},2024-01-${day},n${i % 997}`);
  }
  writeFileSync(FILE, lines.join('\n'));
}

generate();
await build({ logLevel: 'warn' });
const { server, url } = await serve({ port: 0 });
const browser = await launchFresh();
try {
  const { page } = browser;
  await page.goto(url);
  await page.getByRole('heading', { name: 'Data', level: 1 }).waitFor();
  const started = Date.now();
  await page.getByTestId('import.file-input').setInputFiles(FILE);
  await page.waitForURL(/#\/data\/[^/]+\/profile/, { timeout: 600_000 });
  const importSeconds = (Date.now() - started) / 1000;
  await page.getByRole('tab', { name: 'Preview' }).click();
  await page.getByTestId('virtual-table.row').first().waitFor();
  const rows = [];
  for (const step of STEPS) {
    const frames = await withTimeout(
      page.evaluate(async (px) => {
        const el = document.querySelector('[data-testid="virtual-table"]');
        el.scrollTop = 0;
        await new Promise((r) => setTimeout(r, 300));
        const deltas = [];
        let last = performance.now();
        for (let i = 0; i < 150; i++) {
          el.scrollTop += px;
          await new Promise((r) => requestAnimationFrame(r));
          const now = performance.now();
          deltas.push(now - last);
          last = now;
        }
        return deltas.sort((a, b) => a - b);
      }, step),
      60_000,
      `scrolling ${step} px per frame`,
    );
    const at = (q) => frames[Math.min(frames.length - 1, Math.floor(q * frames.length))].toFixed(1);
    rows.push([step === 0 ? 'idle (baseline)' : `${step} px per frame`, at(0.5), at(0.95), at(1)]);
  }
  const base = Number(rows[0][1]);
  console.log(`\n${chromiumVersion()}; ${ROWS.toLocaleString()} rows imported through the UI in ${importSeconds.toFixed(1)} s\n`);
  console.log(table(['scrolling', 'p50 ms', 'p95 ms', 'max ms'], rows));
  for (const row of rows.slice(1)) console.log(`${row[0]}: p50 ${(Number(row[1]) / base).toFixed(2)}x the idle frame`);
} finally {
  await browser.close();
  await closeServer(server);
}
