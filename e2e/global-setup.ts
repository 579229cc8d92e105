import type { TestProject } from 'vitest/node';
import { serve } from '../scripts/serve.mjs';

/** Serves dist/ twice: at the root with COOP/COEP headers, and under a sub-path without them (a static host). */
export default async function setup(project: TestProject) {
  const root = await serve({ port: 0 });
  const subPath = await serve({ port: 0, base: '/benchtop/lab/', isolation: false });
  project.provide('baseUrl', root.url);
  project.provide('subPathUrl', subPath.url);
  return async () => {
    root.server.close();
    subPath.server.close();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    subPathUrl: string;
  }
}
