#!/usr/bin/env bash
# Runs bench/gpu/gpu-bench.mjs on the lent GPU machine (no Node, no npm, no network there). Prepared here by
# bench/gpu/pack.sh: .gpu/node.xz (this machine's Node binary), .gpu/nm.tar.xz (bench/gpu/node_modules, trimmed),
# bench/gpu/lab.bundle.mjs, and .gl/*.deb (Vulkan/GL loaders). The device tool's call carries .gpu, .gl and
# bench/gpu/lab.bundle.mjs and runs `bash bench/gpu/device-run.sh`; logs and JSON go to $OUT.
set -u
OUT=${OUT:-/tmp/gpu-out}
mkdir -p "$OUT"
exec > >(tee "$OUT/device.log") 2>&1
echo "== $(date -u +%FT%TZ)"
node -v 2>/dev/null || echo 'no node on the machine'
nvidia-smi -L
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader
ls /usr/local/nvidia/share/vulkan/icd.d 2>&1
if [ -z "${SKIP_GL:-}" ]; then for f in .gl/*.deb; do dpkg -x "$f" /; done; ldconfig; fi
ldconfig -p | grep -i libvulkan || echo 'no libvulkan after unpacking .gl'
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -f "$icd" ] && export VK_DRIVER_FILES=$icd
mkdir -p /tmp/gpunode
xz -dc .gpu/node.xz > /tmp/gpunode/node && chmod +x /tmp/gpunode/node
tar xJf .gpu/nm.tar.xz -C bench/gpu
/tmp/gpunode/node -v
timeout "${BENCH_TIMEOUT_S:-330}" /tmp/gpunode/node bench/gpu/gpu-bench.mjs --budget "${BENCH_BUDGET_MS:-1500}" \
  --part-timeout "${BENCH_PART_TIMEOUT_S:-75}" --out "$OUT/gpu-bench.json" ${BENCH_PARTS:+--parts "$BENCH_PARTS"}
echo "== exit $? at $(date -u +%FT%TZ)"
