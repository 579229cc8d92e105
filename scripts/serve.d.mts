import type { Server } from 'node:http';

/** Options of {@link serve}. */
export interface ServeOptions {
  port?: number;
  host?: string;
  base?: string;
  isolation?: boolean;
  root?: string;
}

/** Start a static server for `root` (default `dist`); resolves with the server and its URL. */
export function serve(options?: ServeOptions): Promise<{ server: Server; url: string }>;
