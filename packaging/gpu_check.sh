#!/usr/bin/env bash
# The GPU check: on a machine with an NVIDIA GPU, a PyTorch installation (python3 -c
# "import torch" works), CMake, ninja and nvcc, but no package registry, this
#   1. unpacks the .deb files packaging/gpu_carry.sh fetched (build/gpu-carry/) into a
#      prefix: nlohmann-json, CLI11, libzip, Qt 6 Core + Test;
#   2. builds the headless engine and the CLI against that PyTorch's LibTorch (CUDA);
#   3. runs `zodarts bench --device cuda` at batch 16, 256 and 512, and each speed lever
#      alone at batch 256 (two streams, bf16, channels-last, cuDNN autotuning off);
#   4. times a 50-epoch search of the demo data at batch 64, retrains, evaluates (on
#      CUDA and, from the same files, on the CPU) and, when built with ONNX, exports it;
#   5. builds and runs the core tests (test_device_agreement compares CPU and CUDA);
#   6. with the time left, times a 50-epoch search of a 20k-image set at batch 256 and
#      repeats the demo search in bf16 (its effect on the result);
# and writes every figure and log under OUT_DIR: gpu_check.log, steps.txt, summary.json
# and results.tar.gz. Figures come before tests because a device call is short: every
# step has a time limit and all end by ZODARTS_GPU_DEADLINE (560 s). Without a GPU it
# says so and runs the same steps, shrunk, on the CPU (the rehearsal; CI runs it).
# Usage: packaging/gpu_check.sh OUT_DIR
#   ZODARTS_TORCH_ROOT   LibTorch's folder (default: that of python3's torch)
#   ZODARTS_CARRY        the .deb folder (default: build/gpu-carry)
#   ZODARTS_GPU_BUILD    the build folder (default: build/gpu-check; kept between runs)
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
OUT="${1:?usage: packaging/gpu_check.sh OUT_DIR}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
# Work happens outside OUT_DIR (a device call returns only a few files from it); at the
# end it is packed into results.tar.gz.
WORK="${TMPDIR:-/tmp}/zodarts-gpu-check-$$"
rm -rf "$WORK"
mkdir -p "$WORK"
exec > >(tee "$OUT/gpu_check.log") 2>&1
START=$(date +%s)
say() { printf '[gpu_check %4ds] %s\n' "$(( $(date +%s) - START ))" "$*"; }
# Everything ends by this many seconds after the start (a device call may run 600 s).
DEADLINE="${ZODARTS_GPU_DEADLINE:-560}"
# step NAME LIMIT_S COMMAND...: runs it with a time limit (cut to what the deadline
# leaves), logs to $WORK/NAME.log and records its exit status and seconds.
step() {
  local name="$1" limit="$2"
  shift 2
  local left=$(( DEADLINE - ($(date +%s) - START) ))
  if [ $left -lt 15 ]; then
    say "$name: SKIPPED (the ${DEADLINE} s deadline is reached)"
    echo "$name skipped 0" >> "$WORK/steps.txt"
    return 124
  fi
  [ "$limit" -gt "$left" ] && limit=$left
  say "$name (at most ${limit} s): $*"
  local t0=$(date +%s)
  timeout --kill-after=10 "$limit" "$@" > "$WORK/$name.log" 2>&1
  local rc=$?
  echo "$name $rc $(( $(date +%s) - t0 ))" >> "$WORK/steps.txt"
  tail -n 4 "$WORK/$name.log" | sed "s/^/    /"
  [ $rc -eq 0 ] || say "$name: FAILED (exit $rc; $WORK/$name.log)"
  return $rc
}

# --- the machine
CARRY="${ZODARTS_CARRY:-build/gpu-carry}"
BUILD="${ZODARTS_GPU_BUILD:-build/gpu-check}"
PREFIX="$WORK/prefix"
PY="$(command -v python3 || true)"
TORCH_ROOT="${ZODARTS_TORCH_ROOT:-}"
if [ -z "$TORCH_ROOT" ] && [ -n "$PY" ]; then
  TORCH_ROOT="$("$PY" -c 'import os, torch; print(os.path.dirname(torch.__file__))' 2>/dev/null || true)"
fi
if [ -z "$TORCH_ROOT" ] || [ ! -d "$TORCH_ROOT/share/cmake/Torch" ]; then
  say "no LibTorch found (python3 cannot import torch, and ZODARTS_TORCH_ROOT is not set)"
  exit 1
fi
NVCC="$(command -v nvcc || true)"
[ -z "$NVCC" ] && [ -x /usr/local/cuda/bin/nvcc ] && NVCC=/usr/local/cuda/bin/nvcc
{
  echo "date: $(date -u +%FT%TZ)"
  echo "host: $(uname -a)"
  echo "cpus: $(nproc)"
  echo "torch: $TORCH_ROOT ($(cat "$TORCH_ROOT/version.py" 2>/dev/null | grep -E "^__version__|^cuda" | tr '\n' ' '))"
  echo "nvcc: ${NVCC:-none} $("${NVCC:-true}" --version 2>/dev/null | tail -n 1)"
  echo "cmake: $(cmake --version | head -n 1)"
  nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv 2>&1 || echo "nvidia-smi: none"
} | tee "$WORK/machine.txt"
GPU=0
if [ -n "$PY" ] && "$PY" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  GPU=1
elif nvidia-smi -L >/dev/null 2>&1; then
  GPU=1  # a GPU, though this python3 cannot tell (ZODARTS_TORCH_ROOT given)
fi
if [ $GPU -eq 1 ]; then
  DEV=cuda
  say "GPU found: the figures below are CUDA figures"
else
  DEV=cpu
  say "NO GPU: falling back to the CPU with shrunk settings; nothing below is a GPU figure"
fi
[ -z "$NVCC" ] && { say "no nvcc: LibTorch's CMake files need the CUDA compiler"; exit 1; }

# --- 1. the carried packages
# unpack DEB DIR: dpkg-deb where there is one, else ar and tar (a .deb is an ar archive).
unpack() {
  mkdir -p "$2"
  if command -v dpkg-deb >/dev/null; then
    dpkg-deb -x "$1" "$2"
  else
    local member flag
    member="$(ar t "$1" | grep '^data\.tar')"
    case "$member" in *.xz) flag=-J ;; *.gz) flag=-z ;; *.zst) flag=--zstd ;; *) flag= ;; esac
    ar p "$1" "$member" | tar -x $flag -C "$2" -f -
  fi
}
if ls "$CARRY"/*.deb >/dev/null 2>&1; then
  rm -rf "$PREFIX"
  mkdir -p "$PREFIX"
  for deb in "$CARRY"/*.deb; do unpack "$deb" "$PREFIX"; done
  say "unpacked $(ls "$CARRY"/*.deb | wc -l) packages from $CARRY into $PREFIX"
else
  say "no .deb files in $CARRY (packaging/gpu_carry.sh fetches them): relying on what this machine has"
fi
LIBDIR="$PREFIX/usr/lib/x86_64-linux-gnu"
export LD_LIBRARY_PATH="$LIBDIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
missing="$(for lib in "$LIBDIR"/libzip.so.4 "$LIBDIR"/libQt6Core.so.6; do [ -e "$lib" ] && ldd "$lib"; done | grep "not found" | sort -u)"
if [ -n "$missing" ] && ls "$CARRY"/fallback/*.deb >/dev/null 2>&1; then
  say "this machine lacks: $(echo "$missing" | awk '{print $1}' | tr '\n' ' ')— using the carried copies"
  for deb in "$CARRY"/fallback/*.deb; do unpack "$deb" "$PREFIX/fallback"; done
  export LD_LIBRARY_PATH="$LD_LIBRARY_PATH:$PREFIX/fallback/usr/lib/x86_64-linux-gnu:$PREFIX/fallback/lib/x86_64-linux-gnu"
fi

# --- 2. the build
TESTS=ON
QT_ARGS=()
if [ -f "$LIBDIR/cmake/Qt6/Qt6Config.cmake" ]; then
  QT_ARGS=(-DQt6_DIR="$LIBDIR/cmake/Qt6")
elif ! ls /usr/lib/*/cmake/Qt6/Qt6Config.cmake >/dev/null 2>&1; then
  TESTS=OFF
  say "no Qt 6 (carried or installed): the core tests cannot be built"
fi
if [ ! -f "$BUILD/build.ninja" ]; then
  step configure 300 cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DZODARTS_WITH_GUI=OFF -DZODARTS_WITH_OPENCV=OFF -DZODARTS_WITH_DICOM=OFF -DZODARTS_WITH_ONNX=OFF \
    -DZODARTS_WITH_NIFTI=OFF -DBUILD_TESTING=$TESTS \
    -DCMAKE_PREFIX_PATH="$TORCH_ROOT;$PREFIX/usr" -DTorch_DIR="$TORCH_ROOT/share/cmake/Torch" \
    -DCMAKE_DISABLE_FIND_PACKAGE_PkgConfig=ON -DCMAKE_CUDA_COMPILER="$NVCC" "${QT_ARGS[@]}" || exit 1
fi
# The CLI first: the figures need it; the tests are built after the runs (step 3).
step build_cli 360 cmake --build "$BUILD" -j "$(nproc)" --target zodarts || exit 1
ZODARTS="$ROOT/$BUILD/app/zodarts"
[[ "$BUILD" = /* ]] && ZODARTS="$BUILD/app/zodarts"

# --- 4. the benchmark (10 timed steps a setting: the device time is short)
if [ $GPU -eq 1 ]; then
  for b in 16 256 512; do
    step "bench_b$b" 90 "$ZODARTS" bench --device cuda --batch "$b" --train-batch "$b" --steps 10 --json
  done
  # Each lever alone against the defaults, at batch 256 (phase 2: the dense step).
  LEVER=("$ZODARTS" bench --device cuda --batch 256 --only phase2 --steps 10 --json)
  step lever_base 45 "${LEVER[@]}"
  step lever_streams 45 "${LEVER[@]}" --parallel-copies on
  step lever_bf16 45 "${LEVER[@]}" --precision bf16
  step lever_channels_last 45 "${LEVER[@]}" --memory-format channels_last
  step lever_no_cudnn_benchmark 45 "${LEVER[@]}" --no-cudnn-benchmark
else
  step bench_b16 300 "$ZODARTS" bench --device cpu --batch 16 --steps 2 --channels 4 --cells 1 --json
fi

# --- 5. real runs: search, retraining, evaluation, export of the demo data
DEMO=resources/demo/brain_regions_28.npz
if [ $GPU -eq 1 ]; then
  step search_demo 150 "$ZODARTS" search --data "$DEMO" --out "$WORK/demo" --device cuda --epochs 50 --batch 64 \
    --budget medium
  step train_demo 90 "$ZODARTS" train "$WORK/demo" --device cuda --epochs 15
  step evaluate_demo 30 "$ZODARTS" evaluate "$WORK/demo" --device cuda
  step evaluate_demo_on_cpu 60 "$ZODARTS" evaluate "$WORK/demo" --device cpu
else
  step search_demo 300 "$ZODARTS" search --data "$DEMO" --out "$WORK/demo" --device cpu --epochs 2 --switch-epoch 1 \
    --batch 64 --channels 4 --cells 1 --budget medium
  step train_demo 200 "$ZODARTS" train "$WORK/demo" --device cpu --epochs 1 --batch 64
  step evaluate_demo 60 "$ZODARTS" evaluate "$WORK/demo" --device cpu
fi
if "$ZODARTS" --help | grep -Eq "^ +export "; then
  step export_demo 60 "$ZODARTS" export "$WORK/demo" --device "$DEV"
else
  say "export: this build has no ONNX module (libonnx-dev and OpenCV are not carried); the run's model.pt" \
      "and model.json are in results.tar.gz for \`zodarts export\` on another machine"
fi

# --- 3. the core tests (built now: the figures came first)
if [ "$TESTS" = ON ]; then
  step build_tests 300 cmake --build "$BUILD" -j "$(nproc)" &&
    (cd "$BUILD" && step tests 180 ctest --output-on-failure -j "$(( $(nproc) > 8 ? 8 : $(nproc) ))")
  grep -E "tests passed|Skipped|\*\*\*Failed|Not Run|Timeout" "$WORK/tests.log" 2>/dev/null | sed "s/^/    /"
fi

# --- 6. with the time that is left: a 20k-image search, and bf16's effect on a search
if [ $GPU -eq 1 ]; then
  # The demo's images repeated with random shifts of up to 2 pixels: only the time matters here.
  "$PY" - "$DEMO" "$WORK/set20k.npz" <<'PYEOF' || say "could not write the 20k-image set (numpy?)"
import sys, numpy as np
d = np.load(sys.argv[1]); rng = np.random.default_rng(0)
def grow(x, y, n):
    i = rng.integers(0, len(x), n)
    return np.stack([np.roll(np.roll(x[j], rng.integers(-2, 3), 0), rng.integers(-2, 3), 1) for j in i]), y[i]
out = {}
for split, n in (("train", 20000), ("val", 2000), ("test", 2000)):
    out[split + "_images"], out[split + "_labels"] = grow(d[split + "_images"], d[split + "_labels"], n)
np.savez(sys.argv[2], **out)
PYEOF
  [ -f "$WORK/set20k.npz" ] && step search_20k 240 "$ZODARTS" search --data "$WORK/set20k.npz" --out "$WORK/set20k" \
    --device cuda --epochs 50 --batch 256 --budget medium
  # The same demo search in bf16: what autocast does to the result (derived architecture, accuracy).
  step search_demo_bf16 150 "$ZODARTS" search --data "$DEMO" --out "$WORK/demo_bf16" --device cuda --epochs 50 \
    --batch 64 --budget medium --precision bf16
fi

# --- the results
say "steps (name, exit status, seconds):"
cp "$WORK/steps.txt" "$OUT/steps.txt"
sed "s/^/    /" "$OUT/steps.txt"
"${PY:-python3}" - "$WORK" "$OUT/summary.json" "$GPU" <<'PYEOF' || say "summary.json could not be written"
import json, os, sys, glob
work, out, gpu = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
s = {"gpu": gpu, "steps": {}}
for line in open(os.path.join(work, "steps.txt")):
    name, rc, secs = line.split()
    s["steps"][name] = {"exit": rc, "seconds": int(secs)}
for f in sorted(glob.glob(os.path.join(work, "bench_*.log")) + glob.glob(os.path.join(work, "lever_*.log"))):
    try:
        text = open(f).read()
        j = json.loads(text[text.index("{"):])
    except Exception:
        continue
    keep = {k: j[k] for k in ("gpu_name", "peak_gpu_mem_mib", "roofline_gmac_per_s", "sparse_vs_phase2_time",
                              "phase1_vs_roofline", "phase2_vs_roofline", "peak_rss_mib") if k in j}
    for phase in ("phase1", "phase2", "sparse", "train"):
        if phase in j:
            keep[phase] = {k: j[phase][k] for k in ("images_per_s", "ms_per_step", "gmac_per_s") if k in j[phase]}
    s[os.path.basename(f)[:-4]] = keep
base = s.get("lever_base", {}).get("phase2", {}).get("images_per_s")
if base:
    s["levers_vs_base"] = {k[len("lever_"):]: round(v["phase2"]["images_per_s"] / base, 3)
                           for k, v in s.items() if k.startswith("lever_") and "phase2" in v}
for name in ("search_demo", "search_20k", "search_demo_bf16", "train_demo", "evaluate_demo", "evaluate_demo_on_cpu",
             "export_demo"):
    path = os.path.join(work, name + ".log")
    if os.path.exists(path):
        s[name + "_last_lines"] = [l.rstrip() for l in open(path, errors="replace").readlines()[-12:]]
json.dump(s, open(out, "w"), indent=2)
PYEOF
# The run folders without their checkpoints (large, and of no use elsewhere).
tar -C "$WORK" --exclude='*checkpoint*.pt' --exclude='prefix' --exclude='*.npz' -czf "$OUT/results.tar.gz" . \
  && rm -rf "$WORK"
failed="$(awk '$2 != "0" && $2 != "skipped" {print $1}' "$OUT/steps.txt" | tr '\n' ' ')"
say "done in $(( $(date +%s) - START )) s: $OUT/gpu_check.log, summary.json, results.tar.gz"
if [ -n "$failed" ]; then
  say "FAILED steps: $failed"
  exit 1
fi
