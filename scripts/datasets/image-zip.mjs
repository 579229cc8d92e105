/**
 * @file Deterministic zips of labelled images: `<root>/<label>/<name>.png`,
 * entries sorted by path, fixed timestamps, PNGs stored (they are already compressed).
 */
import { zipSync } from 'fflate';

// fflate writes DOS times from the Date's local fields; the local-time constructor keeps them fixed in every time zone.
const FIXED_MTIME = new Date(2000, 0, 1, 0, 0, 0);

/** Zip bytes for `images` ({ label, name, png }) under `root`/label/name. */
export function zipImages(root, images) {
  const entries = images.map((img) => [`${root}/${img.label}/${img.name}`, img.png]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const files = {};
  for (const [path, png] of entries) {
    if (path in files) throw new Error(`Duplicate image path in zip: ${path}`);
    files[path] = [png, { level: 0, mtime: FIXED_MTIME }];
  }
  return zipSync(files, { level: 0, mtime: FIXED_MTIME });
}
