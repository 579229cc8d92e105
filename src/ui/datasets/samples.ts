/**
 * @file Loads the manifest of shipped sample datasets (same origin; cached by the service worker for offline use).
 */
import { parseSampleManifest, type SampleManifest } from '../../core/catalog/sample-manifest';

let cached: Promise<SampleManifest> | undefined;

/** The sample manifest, fetched once per page. */
export function loadSampleManifest(): Promise<SampleManifest> {
  cached ??= fetch(new URL('datasets/manifest.json', document.baseURI))
    .then((response) => {
      if (!response.ok) throw new Error(`datasets/manifest.json answered ${response.status}`);
      return response.json();
    })
    .then(parseSampleManifest)
    .catch((err) => {
      cached = undefined;
      throw err;
    });
  return cached;
}
