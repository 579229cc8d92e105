import { describe, expect, it } from 'vitest';
import { fetchSnippet, fieldValue, fileAsBase64, testRequestBody, type TestField } from './test-request';

const FIELDS: TestField[] = [
  { name: 'sepal length (cm)', type: 'number' },
  { name: 'count', type: 'integer' },
  { name: 'colour', type: 'category' },
  { name: 'ok', type: 'boolean' },
  { name: 'when', type: 'datetime' },
];

describe('test request', () => {
  it('gives each value its column’s JSON type, blanks as null', () => {
    const values = new Map([
      ['sepal length (cm)', '5.1'],
      ['count', ''],
      ['colour', 'red'],
      ['ok', 'true'],
      ['when', '2024-05-01T12:00Z'],
    ]);
    expect(JSON.parse(testRequestBody(FIELDS, values))).toEqual({
      dataframe_split: { columns: FIELDS.map((f) => f.name), data: [[5.1, null, 'red', true, '2024-05-01T12:00:00.000Z']] },
    });
    expect(fieldValue(FIELDS[0], 'abc')).toBe('abc');
  });

  it('writes a fetch snippet that is valid JavaScript with the body inline', () => {
    const snippet = fetchSnippet('https://lab.test/endpoints/iris/invocations', '{"instances":[[1,2]]}');
    expect(snippet).toContain('fetch("https://lab.test/endpoints/iris/invocations"');
    expect(snippet).toContain('body: JSON.stringify({"instances":[[1,2]]})');
    expect(() => new Function(`return (async () => {\n${snippet}\n})`)).not.toThrow();
  });

  it('reads a file as base64', async () => {
    expect(await fileAsBase64(new Blob([Uint8Array.of(0x89, 0x50, 0x4e, 0x47)]))).toBe('iVBORw==');
  });
});
