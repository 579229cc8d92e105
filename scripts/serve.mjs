#!/usr/bin/env node
// Serves the built lab (dist/) as a static host would. Prints the URL.
//   node scripts/serve.mjs [--port 4173] [--host 127.0.0.1] [--base /sub/path/] [--no-isolation-headers]
// --base mounts dist/ under a sub-path (like a GitHub Pages project site);
// --no-isolation-headers leaves out COOP/COEP, like a host that cannot send them.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const MEDIA_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.csv': 'text/csv; charset=utf-8',
  '.zip': 'application/zip',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.onnx': 'application/octet-stream',
  '.bin': 'application/octet-stream',
};

/** Parse `--flag value` options. */
function parseArgs(argv) {
  const options = { port: 4173, host: '127.0.0.1', base: '/', isolation: true, root: 'dist' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--port') options.port = Number(argv[++i]);
    else if (arg === '--host') options.host = argv[++i];
    else if (arg === '--base') options.base = argv[++i];
    else if (arg === '--root') options.root = argv[++i];
    else if (arg === '--no-isolation-headers') options.isolation = false;
    else throw new Error(`Unknown option "${arg}"; expected --port, --host, --base, --root or --no-isolation-headers`);
  }
  if (!options.base.startsWith('/')) options.base = `/${options.base}`;
  if (!options.base.endsWith('/')) options.base += '/';
  return options;
}

/**
 * Start a static server for `root`. Resolves with the server and its URL.
 * @param {{port?: number, host?: string, base?: string, isolation?: boolean, root?: string}} opts
 */
export async function serve(opts = {}) {
  const options = { port: 4173, host: '127.0.0.1', base: '/', isolation: true, root: 'dist', ...opts };
  const root = resolve(options.root);
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      let path = decodeURIComponent(url.pathname);
      if (!path.startsWith(options.base)) {
        if (path === options.base.slice(0, -1)) {
          res.writeHead(301, { Location: options.base });
          res.end();
          return;
        }
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('Not found');
        return;
      }
      path = path.slice(options.base.length);
      let file = normalize(join(root, path));
      if (file !== root && !file.startsWith(root + sep)) {
        res.writeHead(403);
        res.end();
        return;
      }
      let info = await stat(file).catch(() => null);
      if (info?.isDirectory()) {
        file = join(file, 'index.html');
        info = await stat(file).catch(() => null);
      }
      if (!info) {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('Not found');
        return;
      }
      const headers = {
        'Content-Type': MEDIA_TYPES[extname(file)] ?? 'application/octet-stream',
        'Content-Length': info.size,
        'Cache-Control': file.endsWith('sw.js') || file.endsWith('.html') ? 'no-cache' : 'public, max-age=0',
        'Cross-Origin-Resource-Policy': 'same-origin',
      };
      if (options.isolation) {
        headers['Cross-Origin-Opener-Policy'] = 'same-origin';
        headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
      }
      res.writeHead(200, headers);
      if (req.method === 'HEAD') res.end();
      else res.end(await readFile(file));
    } catch (err) {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String(err));
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port, options.host, ok);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { server, url: `http://${options.host}:${port}${options.base}` };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const options = parseArgs(process.argv.slice(2));
  const { url } = await serve(options);
  console.log(`Benchtop is being served at ${url}`);
  if (!options.isolation) console.log('(without COOP/COEP headers: the service worker supplies them)');
  console.log('Press Ctrl+C to stop.');
}
