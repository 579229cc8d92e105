// Shared helpers of the benchmarks: Debian Chromium through playwright-core (never a downloaded browser),
// timeouts around everything that can hang, and cleanup of servers, browsers and profiles.
import { chromium } from 'playwright-core';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';

import { CHROMIUM_ARGS, CHROMIUM_PATH, withTimeout } from '../scripts/chromium.mjs';
import { serve } from '../scripts/serve.mjs';

export { CHROMIUM_ARGS, CHROMIUM_PATH, withTimeout };

/** Chromium with a fresh persistent profile (IndexedDB as for a first visit). `close()` removes the profile. */
export async function launchFresh(extraArgs = []) {
  const userDataDir = mkdtempSync(join(tmpdir(), 'benchtop-bench-'));
  let context;
  try {
    context = await withTimeout(
      chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: [...CHROMIUM_ARGS, ...extraArgs],
        viewport: { width: 1280, height: 800 },
      }),
      60_000,
      `launching ${CHROMIUM_PATH}`,
    );
  } catch (err) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw new Error(`Could not start Chromium at ${CHROMIUM_PATH} (install Debian's "chromium"; never download browsers): ${err.message}`);
  }
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await withTimeout(context.close(), 30_000, 'closing Chromium').catch(() => undefined);
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Serves a built bench page from `root` (scripts/serve.mjs: COOP/COEP), opens it in a fresh Chromium and waits until
 * the page sets `window.benchReady`. Returns `{ page, url, pageErrors, close }`: `pageErrors` collects uncaught page
 * errors as they come; `close()` closes the browser (removing its profile) and the server, also on Ctrl-C.
 */
export async function openBenchPage(root) {
  const { server, url } = await serve({ root, port: 0 });
  let browser;
  const close = async () => {
    await browser?.close();
    await closeServer(server);
  };
  process.once('SIGINT', () => void close().then(() => process.exit(130)));
  const pageErrors = [];
  try {
    browser = await launchFresh();
    const { page } = browser;
    page.on('pageerror', (err) => pageErrors.push(String(err)));
    await withTimeout(page.goto(url), 30_000, `loading the bench page ${url}`);
    await withTimeout(page.waitForFunction(() => window.benchReady === true), 30_000, 'the bench page to set window.benchReady').catch((err) => {
      throw new Error(`${err.message}${pageErrors.length ? `; page errors: ${pageErrors.join(' | ')}` : ''}`);
    });
    return { page: browser.page, url, pageErrors, close };
  } catch (err) {
    await close();
    throw err;
  }
}

let clockTicks;
/**
 * CPU seconds (user + system, with those of their reaped children) of every live descendant of `rootPid` (this
 * process by default: the browser and its renderer, GPU and utility processes), read from /proc. NaN where there is
 * no /proc. Two readings around a task give its CPU/wall ratio: about 1.0 for one busy thread that had a core to
 * itself, less when other jobs took the CPU from it, more when it used several threads (SwiftShader does).
 */
export function descendantsCpuSeconds(rootPid = process.pid) {
  try {
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    const children = new Map();
    const ticks = new Map();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // exited meanwhile
      }
      // Fields after "(comm)": state ppid ... utime(12th) stime cutime cstime.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(f[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
      ticks.set(Number(entry), Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]));
    }
    let total = 0;
    const queue = [...(children.get(rootPid) ?? [])];
    while (queue.length) {
      const pid = queue.pop();
      total += ticks.get(pid) ?? 0;
      queue.push(...(children.get(pid) ?? []));
    }
    return total / clockTicks;
  } catch {
    return NaN;
  }
}

/** "Chromium 156.0.x built on Debian ..." or the error. */
export function chromiumVersion() {
  try {
    return execFileSync(CHROMIUM_PATH, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch (err) {
    return `unknown (${err.message})`;
  }
}

/** Close an http.Server, waiting at most a few seconds. */
export async function closeServer(server) {
  server.closeAllConnections?.();
  await withTimeout(new Promise((resolve) => server.close(() => resolve())), 5_000, 'closing the static server').catch(() => undefined);
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** A fixed-width text table. */
export function table(headers, rows) {
  const cells = [headers, ...rows].map((r) => r.map((c) => String(c)));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/**
 * Extract a git ref (e.g. HEAD) into bench/.out/tree-<sha> with node_modules linked, so a benchmark can measure
 * committed code while the working tree is being edited. The bench page sources are copied from the working tree.
 * Returns { dir, sha }.
 */
export function checkoutRef(ref, outDir) {
  const sha = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { encoding: 'utf8' }).trim();
  const dir = join(outDir, `tree-${sha.slice(0, 12)}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('sh', ['-c', `git archive --format=tar ${sha} | tar -x -C "${dir}"`]);
  mkdirSync(join(dir, 'bench'), { recursive: true });
  cpSync(resolve('bench/import-page'), join(dir, 'bench/import-page'), { recursive: true });
  cpSync(resolve('bench/vite.bench.config.ts'), join(dir, 'bench/vite.bench.config.ts'));
  symlinkSync(resolve('node_modules'), join(dir, 'node_modules'), 'dir');
  return { dir, sha };
}

/** The commit of the working tree and whether it has uncommitted changes (for the record). */
export function treeState() {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'workers', 'vite.config.ts', 'index.html'], { encoding: 'utf8' }).trim() !== '';
    return `${sha}${dirty ? ' + uncommitted changes' : ''}`;
  } catch {
    return 'unknown';
  }
}
