import { describe, expect, it } from 'vitest';
import { datasetNameFromFile, folderToImportRequest } from './import-requests';

describe('datasetNameFromFile', () => {
  it('drops the extension only', () => {
    expect(datasetNameFromFile('iris.csv')).toBe('iris');
    expect(datasetNameFromFile('<b>hostile</b>.csv')).toBe('<b>hostile</b>');
    expect(datasetNameFromFile('.csv')).toBe('.csv');
    expect(datasetNameFromFile('   .')).toBe('Untitled dataset');
  });
});

describe('folderToImportRequest', () => {
  it('names the dataset after the folder and strips it from paths', () => {
    const file = (path: string) => Object.assign(new File(['x'], path.split('/').pop()!), { webkitRelativePath: path });
    const request = folderToImportRequest('ws', [file('pets/cat/1.png'), file('pets/dog/2.png')]);
    expect(request.datasetName).toBe('pets');
    expect(request.source).toMatchObject({ kind: 'files', files: [{ path: 'cat/1.png' }, { path: 'dog/2.png' }] });
  });
});
