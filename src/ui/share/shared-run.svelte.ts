/**
 * @file State of a shared run's page: where its data will come from, the file the viewer picked and whether its hash
 * matched, and the re-runs of it in this workspace. Side effects go through `shared-run-service.ts`.
 */
import type { SharePayload } from '../../core/share/payload';
import { errorText, handleError, notices } from '../shared/notices.svelte';
import { checkPickedFile, findReruns, planData, rerunShared, type DataPlan } from './shared-run-service';

/** The picked file, while and after its hash is checked. */
export type PickedFile = { status: 'checking'; file: File } | { status: 'ok'; file: File } | { status: 'bad'; file: File; message: string };

/** One shared run on the page. */
export class SharedRunState {
  readonly payload: SharePayload;
  /** This app's version, to compare with the one that made the link. */
  readonly appVersion = __APP_VERSION__;
  #plan = $state.raw<DataPlan | null>(null);
  #picked = $state.raw<PickedFile | null>(null);
  #busy = $state(false);
  #reruns = $state.raw<string[]>([]);
  #pickSerial = 0;

  constructor(payload: SharePayload) {
    this.payload = payload;
  }

  /** Where the data will come from; null while it is worked out. */
  get plan(): DataPlan | null {
    return this.#plan;
  }

  get picked(): PickedFile | null {
    return this.#picked;
  }

  /** A re-run is being started (data imported, run queued). */
  get busy(): boolean {
    return this.#busy;
  }

  /** Ids of this workspace's re-runs of the shared run, newest first. */
  get reruns(): readonly string[] {
    return this.#reruns;
  }

  /** Re-run here is possible: the data is at hand (a picked file only once its hash matched). */
  readonly canRerun = $derived.by(() => {
    const plan = this.#plan;
    if (!plan || plan.kind === 'unavailable' || this.#busy) return false;
    return plan.kind !== 'file' || this.#picked?.status === 'ok';
  });

  /** Works out the data's source and finds earlier re-runs. Reads only. */
  async load(): Promise<void> {
    try {
      this.#plan = await planData(this.payload);
    } catch (err) {
      this.#plan = { kind: 'unavailable', message: `Could not check where the data comes from: ${errorText(err)}` };
    }
    try {
      this.#reruns = (await findReruns(this.payload)).map((run) => run.id);
    } catch (err) {
      handleError(err, 'Could not look for earlier re-runs');
    }
  }

  /** The viewer picked a file: its size and SHA-256 are checked against the link's (nothing is imported). */
  async pick(file: File | null): Promise<void> {
    const serial = ++this.#pickSerial;
    if (!file) {
      this.#picked = null;
      return;
    }
    this.#picked = { status: 'checking', file };
    try {
      await checkPickedFile(this.payload, file);
      if (serial === this.#pickSerial) this.#picked = { status: 'ok', file };
    } catch (err) {
      if (serial === this.#pickSerial) this.#picked = { status: 'bad', file, message: errorText(err) };
    }
  }

  /** The viewer's click: import what is needed and queue the re-run. */
  async rerun(): Promise<void> {
    const plan = this.#plan;
    if (!plan || !this.canRerun) return;
    this.#busy = true;
    try {
      const file = this.#picked?.status === 'ok' ? this.#picked.file : undefined;
      const run = await rerunShared(this.payload, plan, file);
      this.#reruns = [run.id, ...this.#reruns.filter((id) => id !== run.id)];
      notices.push('success', `Queued “${run.name}” with the shared spec and seed`);
      // The data is in the workspace now: later re-runs need no import.
      if (plan.kind !== 'local') this.#plan = await planData(this.payload).catch(() => plan);
    } catch (err) {
      handleError(err, 'Could not re-run the shared run');
    } finally {
      this.#busy = false;
    }
  }
}
