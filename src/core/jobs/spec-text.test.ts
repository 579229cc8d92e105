import { describe, expect, test } from 'vitest';
import { formatSpecTextIssue, parentPath, parseTrainSpecText } from './spec-text';
import { assertTrainSpec } from './train-spec';
import { column, FIXTURE_HASH, specInput } from '../../test/train-spec-fixture';

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

function issuesOf(text: string, dataset?: Parameters<typeof parseTrainSpecText>[1]) {
  const result = parseTrainSpecText(text, dataset);
  if (result.ok) throw new Error('expected the spec text to be rejected');
  return result.issues;
}

describe('parseTrainSpecText', () => {
  test('a valid spec comes back complete, like parseTrainSpec', () => {
    const result = parseTrainSpecText(pretty(specInput()));
    expect(result).toEqual({ ok: true, spec: assertTrainSpec(specInput()) });
  });

  test('a bad field names its path and points at its value', () => {
    const input = specInput();
    input.model = { family: 'mlp', layers: [{ units: 0 }] };
    const text = pretty(input);
    const [issue] = issuesOf(text);
    expect(issue).toMatchObject({ kind: 'spec', path: 'model.layers[0].units', message: 'expected an integer from 1 to 4096, got 0' });
    expect(text.slice(issue.from, issue.to)).toBe('0');
    const lines = text.split('\n');
    expect(lines[issue.line - 1].slice(issue.column - 1)).toMatch(/^0/);
    expect(formatSpecTextIssue(issue)).toBe(`${issue.line}:${issue.column} model.layers[0].units: expected an integer from 1 to 4096, got 0`);
  });

  test('an unknown field points at its key; a missing one at the key of the object that lacks it', () => {
    const input = specInput();
    input.optimizer = { name: 'adam', learningRate: 0.01, lr: 1 };
    delete input.data.target;
    const text = pretty(input);
    const issues = issuesOf(text);
    const unknown = issues.find((i) => i.path === 'optimizer.lr')!;
    expect(text.slice(unknown.from, unknown.to)).toBe('"lr"');
    const missing = issues.find((i) => i.path === 'data.target')!;
    expect(missing.message).toMatch(/required field is missing/);
    expect(text.slice(missing.from, missing.to)).toBe('"data"');
    // Sorted by position in the text: data comes before optimizer.
    expect(issues.indexOf(missing)).toBeLessThan(issues.indexOf(unknown));
  });

  test('cross-field and dataset issues are located too', () => {
    const input = specInput();
    input.data.split = { train: 0.5, validation: 0.15, test: 0.15, stratify: true };
    const text = pretty(input);
    const dataset = { columns: ['survived', 'age', 'fare'].map((n) => column(n, n === 'survived' ? 'boolean' : 'number')), contentHash: FIXTURE_HASH };
    const issues = issuesOf(text, dataset);
    const split = issues.find((i) => i.path === 'data.split')!;
    expect(text.slice(split.from, split.to)).toMatch(/^\{\s+"train": 0.5/);
    const sex = issues.find((i) => i.path === 'data.features[2]')!;
    expect(text.slice(sex.from, sex.to)).toBe('"sex"');
    expect(sex.message).toMatch(/no column "sex"/);
  });

  test('a syntax error is one issue with its line and column', () => {
    const text = '{\n  "epochs": 5,\n  "seed": 1,\n}';
    expect(issuesOf(text)).toEqual([
      {
        kind: 'syntax',
        path: '(root)',
        message: 'expected another member after the comma (JSON allows no trailing comma), found "}"',
        from: 30,
        to: 31,
        line: 4,
        column: 1,
      },
    ]);
    expect(formatSpecTextIssue(issuesOf(text)[0])).toBe('4:1 expected another member after the comma (JSON allows no trailing comma), found "}"');
  });

  test('a value that is not an object is one issue at the start', () => {
    expect(issuesOf('[1]')).toEqual([
      { kind: 'spec', path: '(root)', message: 'expected an object, got [1]', from: 0, to: 3, line: 1, column: 1 },
    ]);
  });
});

describe('parentPath', () => {
  test.each([
    ['model.layers[0].units', 'model.layers[0]'],
    ['model.layers[0]', 'model.layers'],
    ['model', '(root)'],
    ['data["my col"]', 'data'],
    ['["a.b"]', '(root)'],
    ['(root)', null],
  ])('%s -> %s', (path, parent) => {
    expect(parentPath(path)).toBe(parent);
  });
});
