// Debian Chromium for tests and benchmarks: its path and the launch flags known to work headless as root here
// (see ../shared/ENVIRONMENT.md). One list, shared by e2e/ and bench/.

/** Path of the browser; never a downloaded one. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags: WebGPU on (SwiftShader here), no background network traffic on a closed network. */
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
]);

/** Reject after `ms` milliseconds: a hang in the page raises no error of its own. */
export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    Promise.resolve(promise).finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]);
}
