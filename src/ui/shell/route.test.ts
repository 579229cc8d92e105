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

  it('survives malformed escapes and hostile text', () => {
    expect(parseRoute('#/data/%E0%A4%A')).toEqual({ name: 'dataset', datasetId: '%E0%A4%A', tab: 'preview' });
    expect(parseRoute('#/<img src=x>')).toEqual({ name: 'not-found', path: '<img src=x>' });
  });

  it('round-trips through routeHref', () => {
    const route = { name: 'dataset', datasetId: 'a/b c', tab: 'versions' } as const;
    expect(parseRoute(routeHref(route))).toEqual(route);
  });
});
