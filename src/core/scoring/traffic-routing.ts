/**
 * @file Which deployment answers a request, and which receive a shadow copy: a deterministic function of the
 * endpoint's request counter, so a split is exact rather than random.
 *
 * Request `n` falls on slot `(37 · n) mod 100`. 37 is coprime with 100, so any 100 consecutive requests visit every
 * slot once: a deployment owning 70 slots answers exactly 70 of every 100 consecutive requests, and its requests
 * are spread out (slots 0, 37, 74, 11, 48... interleave the deployments) rather than coming in runs. Mirroring uses
 * a second walk, `(61 · n + 17 · i) mod 100` for the i-th deployment, so shadow copies are spread the same way and
 * independently of the answering slot.
 */

/** A deployment as routing sees it. Deployments are passed in a stable order (oldest first). */
export interface RoutableDeployment {
  id: string;
  trafficPercent: number;
  mirrorPercent?: number;
}

/** Where request `n` goes. */
export interface RouteDecision {
  /** The deployment whose answer is returned; absent when no deployment has traffic. */
  primary?: string;
  /** Deployments that also score the request in the shadow (their answers are counted, not returned). */
  mirrors: string[];
}

/** The traffic slot of request `sequence` (0..99). */
export function trafficSlot(sequence: number): number {
  return (((37 * sequence) % 100) + 100) % 100;
}

/** The mirror slot of request `sequence` for the deployment at `index` (0..99). */
export function mirrorSlot(sequence: number, index: number): number {
  return (((61 * sequence + 17 * index) % 100) + 100) % 100;
}

/**
 * Routes request number `sequence` (0, 1, 2... per endpoint). Slots are dealt to deployments in order: the first
 * owns slots `[0, p₁)`, the next `[p₁, p₁ + p₂)`... A deployment with a mirror share m receives a shadow copy of the
 * requests whose mirror slot is below m, except those it answers itself.
 */
export function routeRequest(deployments: readonly RoutableDeployment[], sequence: number): RouteDecision {
  if (!Number.isSafeInteger(sequence) || sequence < 0) throw new RangeError(`Request number ${sequence} is not a whole number ≥ 0`);
  const slot = trafficSlot(sequence);
  let start = 0;
  let primary: string | undefined;
  for (const d of deployments) {
    if (slot >= start && slot < start + d.trafficPercent) {
      primary = d.id;
      break;
    }
    start += d.trafficPercent;
  }
  const mirrors = deployments.filter((d, i) => d.id !== primary && (d.mirrorPercent ?? 0) > 0 && mirrorSlot(sequence, i) < (d.mirrorPercent ?? 0)).map((d) => d.id);
  return { ...(primary === undefined ? {} : { primary }), mirrors };
}
