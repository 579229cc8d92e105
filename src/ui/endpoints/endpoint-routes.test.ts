import { describe, expect, it } from 'vitest';
import { parseRoute, routeHref } from '../shell/route';

describe('endpoint routes', () => {
  it('parses the endpoints list and an endpoint page, and round-trips ids', () => {
    expect(parseRoute('#/endpoints')).toEqual({ name: 'endpoints' });
    expect(parseRoute('#/endpoints/')).toEqual({ name: 'endpoints' });
    expect(parseRoute('#/endpoints/e-1')).toEqual({ name: 'endpoint', endpointId: 'e-1' });
    expect(parseRoute('#/endpoints/e-1/x')).toEqual({ name: 'not-found', path: 'endpoints/e-1/x' });
    expect(routeHref({ name: 'endpoints' })).toBe('#/endpoints');
    const hostile = { name: 'endpoint', endpointId: 'a/b?c#<d>' } as const;
    expect(routeHref(hostile)).toBe('#/endpoints/a%2Fb%3Fc%23%3Cd%3E');
    expect(parseRoute(routeHref(hostile))).toEqual(hostile);
  });
});
