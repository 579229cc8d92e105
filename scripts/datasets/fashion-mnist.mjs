/**
 * @file A balanced Fashion-MNIST subset from Debian's dataset-fashion-mnist:
 * the first N images of each class in the test set's file order, as
 * `fashion-mnist/<class>/<test index>.png` (28×28 grayscale).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { debianSource } from './sources.mjs';
import { encodeGrayPng } from './png.mjs';
import { zipImages } from './image-zip.mjs';

const PKG = 'dataset-fashion-mnist';
/** Class names by label index, as folder names ("/" and spaces replaced). */
const CLASS_NAMES = ['T-shirt_top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle_boot'];

/** The payload of an idx file, checking its magic number and returning its dimensions. */
function readIdx(path, magic) {
  const raw = readFileSync(path);
  const bytes = path.endsWith('.gz') ? gunzipSync(raw) : raw;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) !== magic) throw new Error(`${path}: idx magic ${view.getUint32(0)}; expected ${magic}`);
  const rank = magic & 0xff;
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  return { dims, data: bytes.subarray(4 + 4 * rank) };
}

/** Builder for the Fashion-MNIST subset with `perClass` images per class. */
export function fashionMnistDataset(perClass) {
  const imagesSource = debianSource(PKG, 't10k-images-idx3-ubyte.gz');
  const labelsSource = debianSource(PKG, 't10k-labels-idx1-ubyte.gz');
  const { dims: [count, height, width], data: pixels } = readIdx(imagesSource.absolutePath, 0x803);
  const { dims: [labelCount], data: labels } = readIdx(labelsSource.absolutePath, 0x801);
  if (count !== labelCount) throw new Error(`Fashion-MNIST test set: ${count} images but ${labelCount} labels`);
  const taken = new Array(CLASS_NAMES.length).fill(0);
  const images = [];
  for (let i = 0; i < count && images.length < perClass * CLASS_NAMES.length; i++) {
    const label = labels[i];
    if (taken[label] >= perClass) continue;
    taken[label]++;
    const png = encodeGrayPng(width, height, pixels.subarray(i * width * height, (i + 1) * width * height));
    images.push({ label: CLASS_NAMES[label], name: `${String(i).padStart(5, '0')}.png`, png });
  }
  if (taken.some((n) => n < perClass)) throw new Error(`Fashion-MNIST test set has fewer than ${perClass} images of some class: ${taken.join(', ')}`);
  return {
    entry: {
      id: 'fashion-mnist', name: `Fashion-MNIST (${images.length} images)`, file: `fashion-mnist-${images.length}.zip`, format: 'images', task: 'image-classification', target: 'label',
      description: `${images.length} 28×28 grayscale photos of clothing in 10 classes (${perClass} each), in folders named by class.`,
      attribution: 'H. Xiao, K. Rasul, R. Vollgraf (2017), "Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine Learning Algorithms", arXiv:1708.07747; Zalando Research.',
      notes: `Subset: the first ${perClass} images per class of the 10,000-image test set, in file order. Images fashion-mnist/<class>/<test index>.png; the label is the parent folder ("T-shirt/top" and "Ankle boot" written T-shirt_top and Ankle_boot).`,
      licence: 'MIT',
      columns: ['image', 'label', 'path', 'width', 'height'],
      rows: images.length,
      source: { ...imagesSource, path: `${imagesSource.path}, ${labelsSource.path}` },
    },
    bytes: zipImages('fashion-mnist', images),
  };
}
