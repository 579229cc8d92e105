/**
 * @file Exporting a run's model to ONNX from the run page: the ONNX worker converts and checks it (the client is
 * loaded on first use, so pages that never export never load it), and the page saves the file.
 */
import type { OnnxExportResult } from '../../protocol/onnx';
import { workspaceState } from '../settings/workspace-state.svelte';

/** The run's model as a checked ONNX file (see `OnnxWorkerApi.exportRun`). */
export async function exportRunToOnnx(runId: string): Promise<OnnxExportResult> {
  const workspaceId = workspaceState.current?.id;
  if (!workspaceId) throw new Error('No workspace is open');
  const { getOnnxClient } = await import('../../runtime/onnx-client');
  return getOnnxClient().exportRun(workspaceId, runId);
}

/** Saves `bytes` as a download named `fileName`. */
export function saveOnnxFile(bytes: Uint8Array, fileName: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** `2.4e-7` style, for the check's difference. */
export function formatDifference(value: number): string {
  return value === 0 ? '0' : value.toExponential(1);
}
