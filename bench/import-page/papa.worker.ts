/**
 * @file Baseline of the import benchmark: papaparse alone, streaming a File in a worker with a chunk
 * callback and discarding the rows. Papaparse's own File streamer, default chunk size (10 MB).
 */
import Papa from 'papaparse';

self.onmessage = (event: MessageEvent<{ file: File }>) => {
  const { file } = event.data;
  let rows = 0;
  const started = performance.now();
  Papa.parse<string[]>(file, {
    chunk: (results) => {
      rows += results.data.length; // rows are discarded
    },
    complete: () => self.postMessage({ ok: true, rows, ms: performance.now() - started }),
    error: (err) => self.postMessage({ ok: false, error: String(err) }),
  });
};
