/**
 * @file The traffic split being edited on an endpoint page: a draft share per deployment, checked as it changes
 * (the same rule storage enforces), replaced by storage's split while the user has not touched it.
 */
import { trafficSplitProblem } from '../../core/scoring/traffic-split';
import type { DeploymentShare, DeploymentView } from '../../storage/endpoints';

/** One row of the draft. */
export interface DraftShare {
  deploymentId: string;
  label: string;
  trafficPercent: number;
  mirrorPercent: number;
}

/** The split editor's state. */
export class TrafficDraft {
  #rows = $state<DraftShare[]>([]);
  #edited = $state(false);
  readonly problem = $derived(trafficSplitProblem(this.#rows.map((r) => ({ label: r.label, trafficPercent: r.trafficPercent, mirrorPercent: r.mirrorPercent }))));
  readonly total = $derived(this.#rows.reduce((sum, r) => sum + (Number.isFinite(r.trafficPercent) ? r.trafficPercent : 0), 0));

  get rows(): readonly DraftShare[] {
    return this.#rows;
  }

  /** True once the user changed a share (storage updates no longer replace the draft). */
  get edited(): boolean {
    return this.#edited;
  }

  /** Takes storage's split, unless the user is editing (a deployment added or removed always resets). */
  sync(deployments: readonly DeploymentView[]): void {
    const same = deployments.length === this.#rows.length && deployments.every((d, i) => d.deployment.id === this.#rows[i]?.deploymentId);
    if (this.#edited && same) return;
    this.#edited = false;
    this.#rows = deployments.map((d) => ({ deploymentId: d.deployment.id, label: d.label, trafficPercent: d.deployment.trafficPercent, mirrorPercent: d.deployment.mirrorPercent ?? 0 }));
  }

  /** Sets one share (a blank field reads as NaN, which the check refuses). */
  set(deploymentId: string, field: 'trafficPercent' | 'mirrorPercent', value: number): void {
    this.#rows = this.#rows.map((r) => (r.deploymentId === deploymentId ? { ...r, [field]: value } : r));
    this.#edited = true;
  }

  /** The shares to save. */
  shares(): DeploymentShare[] {
    return this.#rows.map((r) => ({ deploymentId: r.deploymentId, trafficPercent: r.trafficPercent, mirrorPercent: r.mirrorPercent }));
  }

  /** Forgets the edits (the next sync takes storage's split). */
  discard(): void {
    this.#edited = false;
  }
}
