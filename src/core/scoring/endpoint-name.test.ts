import { describe, expect, it } from 'vitest';
import { endpointNameFromPath, endpointNameProblem, invocationsPath, isEndpointName, suggestEndpointName } from './endpoint-name';

describe('endpoint names', () => {
  it('accepts URL-safe slugs only', () => {
    for (const name of ['iris', 'iris-prod', 'v2_shadow', '0day']) expect(isEndpointName(name)).toBe(true);
    for (const name of ['', 'Iris', 'a b', '-x', '_x', '../x', 'a/b', 'é', 'x'.repeat(65), '%2e']) expect(isEndpointName(name)).toBe(false);
    expect(endpointNameProblem('a b')).toMatch(/lower-case letters/);
  });

  it('suggests a slug from a model name', () => {
    expect(suggestEndpointName('Iris Classifier (v2)')).toBe('iris-classifier-v2');
    expect(suggestEndpointName('<img src=x>')).toBe('img-src-x');
    expect(suggestEndpointName('***')).toBe('endpoint');
  });

  it('reads the name from an invocations path', () => {
    expect(endpointNameFromPath(invocationsPath('iris'))).toBe('iris');
    expect(endpointNameFromPath('endpoints/iris/invocations/')).toBe('iris');
    expect(endpointNameFromPath('endpoints/a%20b/invocations')).toBe('a b');
    expect(endpointNameFromPath('endpoints/iris')).toBeUndefined();
    expect(endpointNameFromPath('endpoints/a/b/invocations')).toBeUndefined();
    expect(endpointNameFromPath('x/endpoints/iris/invocations')).toBeUndefined();
  });
});
