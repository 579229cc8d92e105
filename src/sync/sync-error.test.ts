import { describe, expect, it } from 'vitest';
import { kindOf, redactSecret, SyncError } from './sync-error';

describe('redactSecret', () => {
  it('removes the secret as is, URL-encoded and base64-encoded', () => {
    const secret = 'canary-TOKEN-123/+';
    const text = `a ${secret} b ${encodeURIComponent(secret)} c ${btoa(secret)}`;
    expect(redactSecret(text, secret)).toBe('a [redacted] b [redacted] c [redacted]');
  });

  it('leaves text alone without a secret or with a very short one', () => {
    expect(redactSecret('abc', undefined)).toBe('abc');
    expect(redactSecret('a b c', 'b')).toBe('a b c');
  });

  it('redacts every text field of an error', () => {
    const error = new SyncError({ kind: 'server', message: 'x secret-1234', code: 'secret-1234', request: 'GET /secret-1234', status: 500 }).redacted('secret-1234');
    expect([error.message, error.code, error.request]).toEqual(['x [redacted]', '[redacted]', 'GET /[redacted]']);
    expect(error.retryable).toBe(true);
  });
});

describe('kindOf', () => {
  it('uses the MLflow code, unless the status says more', () => {
    expect(kindOf('RESOURCE_ALREADY_EXISTS', 400)).toBe('conflict');
    expect(kindOf('RESOURCE_DOES_NOT_EXIST', 404)).toBe('not-found');
    expect(kindOf('ENDPOINT_NOT_FOUND', 404)).toBe('unsupported');
    expect(kindOf('INVALID_PARAMETER_VALUE', 400)).toBe('invalid');
    expect(kindOf('BAD_REQUEST', 401)).toBe('auth');
    expect(kindOf(undefined, 429)).toBe('rate-limited');
    expect(kindOf(undefined, 502)).toBe('server');
    expect(kindOf('UserError', 418)).toBe('invalid');
  });
});
