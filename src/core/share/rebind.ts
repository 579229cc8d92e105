/**
 * @file A shared spec on the viewer's side: pointed at the viewer's copy of the data (its own dataset and version ids,
 * the hash of what it imported), and recognised again among the viewer's runs.
 */
import type { TrainSpec } from '../../protocol/train';

/** The viewer's dataset version a re-run reads. */
export interface LocalVersion {
  datasetId: string;
  versionId: string;
  contentHash: string;
}

/** The shared spec reading `version` instead of the sharer's ids; everything else, the seed included, unchanged. */
export function rebindSpec(spec: TrainSpec, version: LocalVersion): TrainSpec {
  return { ...spec, data: { ...spec.data, datasetId: version.datasetId, versionId: version.versionId, contentHash: version.contentHash } };
}

/**
 * A key equal for two specs that differ only in which copy of the data they read (ids and hash): how a re-run of a
 * shared run is found among the viewer's runs. Specs are complete and key-ordered by the schema, so JSON compares.
 */
export function sharedSpecKey(spec: TrainSpec): string {
  return JSON.stringify(rebindSpec(spec, { datasetId: '', versionId: '', contentHash: '' }));
}
