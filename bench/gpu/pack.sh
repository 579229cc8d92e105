#!/usr/bin/env bash
# Prepares what bench/gpu/device-run.sh needs on a machine without Node or a registry (run from the repo root, after
# `npm install && npm run bundle` in bench/gpu): .gpu/node.xz and .gpu/nm.tar.xz, a trimmed copy of
# bench/gpu/node_modules (no source maps, no other platforms' Dawn builds, only the ORT bundles and wasm binaries the
# bench loads, only TF.js's Node builds). Both under .gpu/ (add `/.gpu/` to .git/info/exclude). About 39 MB.
set -eu
repo=$(pwd)
mkdir -p .gpu
[ -f .gpu/node.xz ] || xz -T2 -9 -c "$(command -v node)" > .gpu/node.xz
tmp=$(mktemp -d)
cp -a bench/gpu/node_modules "$tmp/"
cd "$tmp/node_modules"
find . -name '*.map' -delete
rm -rf webgpu/dist/darwin-universal webgpu/dist/win32-* webgpu/dist/linux-arm64 @types core-js yargs
find onnxruntime-web/dist -type f ! -name ort.bundle.min.mjs ! -name ort.webgpu.bundle.min.mjs ! -name ort.node.min.js \
  ! -name ort-wasm-simd-threaded.jsep.wasm ! -name ort-wasm-simd-threaded.asyncify.wasm -delete
for p in @tensorflow/*; do find "$p/dist" -mindepth 1 -maxdepth 1 ! -name '*.node.js' ! -name '*.wasm' -exec rm -rf {} +; done
cd "$tmp"
tar cf - node_modules | xz -T2 -6 > "$repo/.gpu/nm.tar.xz"
cd "$repo"
rm -rf "$tmp"
ls -la .gpu
