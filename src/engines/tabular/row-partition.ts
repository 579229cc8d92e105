/**
 * @file Splitting a node's rows between its children, in place, keeping their order (rows stay ascending, so reads
 * of the column-major bins stay close together).
 */

/**
 * Stable in-place partition of `rows[start..end)`: rows going left first. Returns where the right rows start.
 * A row goes left when its bin (at `binned[row · rowStride + at]`) is at most `bin`, or it is missing and missing
 * values go left.
 */
export function partition(
  rows: Uint32Array,
  scratch: Uint32Array,
  start: number,
  end: number,
  binned: Uint8Array,
  rowStride: number,
  at: number,
  bin: number,
  missingBin: number,
  missingLeft: boolean,
): number {
  let l = start;
  let r = 0;
  for (let i = start; i < end; i++) {
    const row = rows[i];
    const b = binned[row * rowStride + at];
    if (b <= bin || (missingLeft && b === missingBin)) rows[l++] = row;
    else scratch[r++] = row;
  }
  rows.set(scratch.subarray(0, r), l);
  return l;
}
