import { describe, expect, it } from 'vitest';
import { parseRoute, routeHref } from './route';

describe('parseRoute', () => {
  it('maps the empty hash to the data page', () => {
    expect(parseRoute('')).toEqual({ name: 'data' });
    expect(parseRoute('#/')).toEqual({ name: 'data' });
    expect(parseRoute('#/data')).toEqual({ name: 'data' });
  });

  it('parses dataset pages and tabs', () => {
    expect(parseRoute('#/data/abc')).toEqual({ name: 'dataset', datasetId: 'abc', tab: 'preview' });
    expect(parseRoute('#/data/abc/profile')).toEqual({ name: 'dataset', datasetId: 'abc', tab: 'profile' });
    expect(parseRoute('#/data/abc/bogus')).toEqual({ name: 'dataset', datasetId: 'abc', tab: 'preview' });
  });

  it('parses the runs list and run pages', () => {
    expect(parseRoute('#/runs')).toEqual({ name: 'runs' });
    expect(parseRoute('#/runs/')).toEqual({ name: 'runs' });
    expect(parseRoute('#/runs/r-1')).toEqual({ name: 'run', runId: 'r-1' });
    expect(parseRoute('#/runs/r-1/extra')).toEqual({ name: 'not-found', path: 'runs/r-1/extra' });
    expect(routeHref({ name: 'run', runId: 'a/b' })).toBe('#/runs/a%2Fb');
    expect(parseRoute(routeHref({ name: 'run', runId: 'a/b' }))).toEqual({ name: 'run', runId: 'a/b' });
  });

  it('parses the compare page of the runs list', () => {
    expect(parseRoute('#/runs/compare/a,b,c')).toEqual({ name: 'runs', compare: ['a', 'b', 'c'] });
    expect(parseRoute('#/runs/compare/a,,a,b/')).toEqual({ name: 'runs', compare: ['a', 'b'] });
    const route = { name: 'runs', compare: ['x,y', 'a/b', '<b>'] } as const;
    expect(routeHref({ ...route, compare: [...route.compare] })).toBe('#/runs/compare/x%2Cy,a%2Fb,%3Cb%3E');
    expect(parseRoute(routeHref({ ...route, compare: [...route.compare] }))).toEqual({ name: 'runs', compare: ['x,y', 'a/b', '<b>'] });
    expect(parseRoute('#/runs/compare')).toEqual({ name: 'run', runId: 'compare' });
  });

  it('parses the Train form of a dataset and of a cloned run', () => {
    expect(parseRoute('#/train/ds-1')).toEqual({ name: 'train', datasetId: 'ds-1' });
    expect(parseRoute('#/train/ds-1/')).toEqual({ name: 'train', datasetId: 'ds-1' });
    expect(parseRoute('#/train')).toEqual({ name: 'not-found', path: 'train' });
    expect(parseRoute('#/train/a/b')).toEqual({ name: 'not-found', path: 'train/a/b' });
    expect(parseRoute('#/runs/r-1/clone')).toEqual({ name: 'train', cloneOf: 'r-1' });
    expect(parseRoute('#/runs/r-1/clone/x')).toEqual({ name: 'not-found', path: 'runs/r-1/clone/x' });
    // "compare" is the compare page, never a run to clone
    expect(parseRoute('#/runs/compare/clone')).toEqual({ name: 'runs', compare: ['clone'] });
    expect(routeHref({ name: 'train', datasetId: 'a/b c' })).toBe('#/train/a%2Fb%20c');
    expect(routeHref({ name: 'train', cloneOf: 'r/1' })).toBe('#/runs/r%2F1/clone');
    for (const route of [{ name: 'train', datasetId: 'a/b c' }, { name: 'train', cloneOf: 'r/1?x#y' }] as const) {
      expect(parseRoute(routeHref(route))).toEqual(route);
    }
  });

  it('parses the models list and model pages, with an optional version', () => {
    expect(parseRoute('#/models')).toEqual({ name: 'models' });
    expect(parseRoute('#/models/')).toEqual({ name: 'models' });
    expect(parseRoute('#/models/m-1')).toEqual({ name: 'model', modelId: 'm-1' });
    expect(parseRoute('#/models/m-1/3')).toEqual({ name: 'model', modelId: 'm-1', version: 3 });
    expect(parseRoute('#/models/m-1/0')).toEqual({ name: 'not-found', path: 'models/m-1/0' });
    expect(parseRoute('#/models/m-1/v2')).toEqual({ name: 'not-found', path: 'models/m-1/v2' });
    expect(parseRoute('#/models/m-1/2/x')).toEqual({ name: 'not-found', path: 'models/m-1/2/x' });
    expect(routeHref({ name: 'models' })).toBe('#/models');
    expect(routeHref({ name: 'model', modelId: '<img src=x>', version: 2 })).toBe('#/models/%3Cimg%20src%3Dx%3E/2');
    for (const route of [{ name: 'model', modelId: 'a/b c' }, { name: 'model', modelId: 'x?y#z', version: 12 }] as const) {
      expect(parseRoute(routeHref(route))).toEqual(route);
    }
  });

  it('parses sweep pages and the new-sweep form of a dataset and of a run', () => {
    expect(parseRoute('#/sweeps/s-1')).toEqual({ name: 'sweep', sweepId: 's-1' });
    expect(parseRoute('#/sweeps/new/ds-1')).toEqual({ name: 'new-sweep', datasetId: 'ds-1' });
    expect(parseRoute('#/runs/r-1/sweep')).toEqual({ name: 'new-sweep', fromRun: 'r-1' });
    expect(parseRoute('#/sweeps/new')).toEqual({ name: 'not-found', path: 'sweeps/new' });
    expect(parseRoute('#/sweeps')).toEqual({ name: 'not-found', path: 'sweeps' });
    expect(parseRoute('#/sweeps/s-1/x')).toEqual({ name: 'not-found', path: 'sweeps/s-1/x' });
    expect(parseRoute('#/runs/compare/sweep')).toEqual({ name: 'runs', compare: ['sweep'] });
    for (const route of [
      { name: 'sweep', sweepId: 'a/b c' },
      { name: 'new-sweep', datasetId: 'd/1' },
      { name: 'new-sweep', fromRun: 'r?x#y' },
    ] as const) {
      expect(parseRoute(routeHref(route))).toEqual(route);
    }
    expect(routeHref({ name: 'new-sweep', fromRun: 'r/1' })).toBe('#/runs/r%2F1/sweep');
  });

  it('parses the AutoML form of a dataset and an AutoML job page', () => {
    expect(parseRoute('#/automl/new/ds-1')).toEqual({ name: 'new-automl', datasetId: 'ds-1' });
    expect(parseRoute('#/automl/r-1')).toEqual({ name: 'automl', runId: 'r-1' });
    expect(parseRoute('#/automl/new')).toEqual({ name: 'not-found', path: 'automl/new' });
    expect(parseRoute('#/automl')).toEqual({ name: 'not-found', path: 'automl' });
    expect(parseRoute('#/automl/r-1/x')).toEqual({ name: 'not-found', path: 'automl/r-1/x' });
    for (const route of [
      { name: 'automl', runId: 'a/b c' },
      { name: 'new-automl', datasetId: 'd?1#x' },
    ] as const) {
      expect(parseRoute(routeHref(route))).toEqual(route);
    }
  });

  it('survives malformed escapes and hostile text', () => {
    expect(parseRoute('#/data/%E0%A4%A')).toEqual({ name: 'dataset', datasetId: '%E0%A4%A', tab: 'preview' });
    expect(parseRoute('#/<img src=x>')).toEqual({ name: 'not-found', path: '<img src=x>' });
  });

  it('round-trips through routeHref', () => {
    const route = { name: 'dataset', datasetId: 'a/b c', tab: 'versions' } as const;
    expect(parseRoute(routeHref(route))).toEqual(route);
  });
});

describe('the shared-run route', () => {
  it('takes the payload after #/shared/ as is, trailing slashes dropped', () => {
    expect(parseRoute('#/shared/abc-_123')).toEqual({ name: 'shared', payload: 'abc-_123' });
    expect(parseRoute('#/shared/abc//')).toEqual({ name: 'shared', payload: 'abc' });
    expect(parseRoute('#/shared/')).toEqual({ name: 'shared', payload: '' });
    expect(parseRoute('/shared/x')).toEqual({ name: 'shared', payload: 'x' });
    expect(routeHref({ name: 'shared', payload: 'abc' })).toBe('#/shared/abc');
    expect(parseRoute(routeHref({ name: 'shared', payload: 'A-b_9' }))).toEqual({ name: 'shared', payload: 'A-b_9' });
  });

  it('parses a 512 K payload, and hostile long hashes, in linear time', () => {
    const payload = 'A'.repeat(512 * 1024);
    const started = performance.now();
    expect(parseRoute(`#/shared/${payload}`)).toEqual({ name: 'shared', payload });
    // Thousands of slashes before a non-slash would make /\/+$/ quadratic: long ordinary hashes are not parsed.
    const slashes = `#/${'/'.repeat(200_000)}x`;
    expect(parseRoute(slashes)).toEqual({ name: 'not-found', path: `${slashes.slice(1, 81)}…` });
    expect(parseRoute(`#/shared/${'/'.repeat(200_000)}x`)).toEqual({ name: 'shared', payload: `${'/'.repeat(200_000)}x` });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
