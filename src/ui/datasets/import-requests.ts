/**
 * @file Turns what the user picked (files, a folder, a sample) into import requests.
 */
import type { ImportRequest } from '../../protocol/import';
import type { SampleDataset } from '../../core/catalog/sample-manifest';
import { detectFormat } from '../../core/ingest/detect-format';

/** Dataset name from a file name: the name without its extension. */
export function datasetNameFromFile(fileName: string): string {
  // A File's name carries no folder (browsers strip it); any slash in it is part of the name.
  const dot = fileName.lastIndexOf('.');
  const name = (dot > 0 ? fileName.slice(0, dot) : fileName).trim().slice(0, 200);
  return name || 'Untitled dataset';
}

/** A request to import one file; throws naming the accepted formats when the extension is unknown. */
export function fileToImportRequest(workspaceId: string, file: File): ImportRequest {
  const format = detectFormat(file.name);
  return { workspaceId, source: { kind: 'file', file }, datasetName: datasetNameFromFile(file.name), format };
}

/** A request to import a picked folder of images (labels from subfolder names). */
export function folderToImportRequest(workspaceId: string, files: File[]): ImportRequest {
  const entries = files.map((file) => ({ path: file.webkitRelativePath || file.name, file }));
  const root = entries[0]?.path.split('/')[0] ?? 'Images';
  // Paths are relative to the chosen folder; drop the folder's own name.
  const relative = entries.map((entry) => ({ ...entry, path: entry.path.split('/').slice(1).join('/') || entry.path }));
  return { workspaceId, source: { kind: 'files', files: relative }, datasetName: root, format: 'images' };
}

/** A request to open a shipped sample. `baseUrl` is the app's base (document.baseURI). */
export function sampleToImportRequest(workspaceId: string, sample: SampleDataset, baseUrl: string): ImportRequest {
  const url = new URL(`datasets/${sample.file}`, baseUrl).href;
  return {
    workspaceId,
    source: { kind: 'url', url, name: sample.file },
    datasetName: sample.name,
    format: sample.format === 'images' ? 'images' : 'csv',
    sampleId: sample.id,
    target: sample.target,
    description: sample.description,
  };
}
