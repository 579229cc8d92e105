/**
 * @file Fine-tuning from the model catalog: the catalog registers a model, then opens the Train form of a dataset
 * with a pending request; the form takes it once and starts from the catalog model's architecture and weights
 * (`spec.init`). Pure apart from the one pending request, held in memory (a reload forgets it).
 */
import type { ImageFeaturization, ModelSpec, TrainSpec } from '../../protocol/train';

/** A request to fine-tune a registered model version on a dataset. */
export interface FineTuneRequest {
  /** The dataset whose Train form takes the request. */
  datasetId: string;
  /** `ModelVersionRecord.id` of the registered version whose weights the run starts from. */
  modelVersionId: string;
  /** How to name it to the user, e.g. `Iris species (MLP) v1`. */
  label: string;
  /** The column the model predicts. */
  target: string;
  /** The model the run must build for the weights to fit. */
  model: ModelSpec;
  /** For an image model: the image size and channels it reads. */
  image?: ImageFeaturization;
}

let pending: FineTuneRequest | null = null;

/** Leaves a request for the Train form of `request.datasetId` (replacing any earlier one). */
export function requestFineTune(request: FineTuneRequest): void {
  pending = request;
}

/** The pending request for this dataset's form, removed so that it applies once; null when there is none. */
export function takeFineTune(datasetId: string): FineTuneRequest | null {
  if (!pending || pending.datasetId !== datasetId) return null;
  const request = pending;
  pending = null;
  return request;
}

/** `spec` starting from the request's weights: its model (and image size) replaced, `init` set. */
export function withFineTune(spec: TrainSpec, request: FineTuneRequest): TrainSpec {
  return {
    ...spec,
    // A JSON copy: the request may hold a Svelte state proxy, which structuredClone rejects.
    model: JSON.parse(JSON.stringify(request.model)) as ModelSpec,
    featurization: request.image ? { ...spec.featurization, image: { ...request.image } } : spec.featurization,
    init: { kind: 'model-version', modelVersionId: request.modelVersionId },
  };
}
