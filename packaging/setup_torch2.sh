#!/usr/bin/env bash
# The second LibTorch flavour: current LibTorch 2.x with CUDA, from PyTorch's pinned
# wheel, for machines with an NVIDIA GPU (it also runs on the CPU of a machine without one).
#   1. installs the Debian packages the headless build needs (only those missing);
#   2. installs torch==$ZODARTS_TORCH_VERSION (default below) with its CUDA libraries into
#      the venv build/torch2/venv (ignored by git; ~4.6 GB; once);
#   3. configures build/torch2 (preset torch2: engine, CLI and the core tests; no GUI)
#      with Torch_DIR inside that venv, CUDA enabled, and builds it incrementally.
# Usage: packaging/setup_torch2.sh [cmake --build target ...]   (as root, or with sudo)
# Then:  cd build/torch2 && ctest          (the core tests, on the CPU when there is no GPU)
#        build/torch2/app/zodarts search --device cuda …
# Needs a CUDA toolkit with nvcc (LibTorch's CMake files enable the CUDA language):
# CUDA 12.x or 13.x under /usr/local/cuda, or nvcc on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

# 2.11.0 is built for CUDA 13.0 (PyPI's default wheel): the same as this project's
# build machines' nvcc and the GPU machines' PyTorch.
TORCH_VERSION="${ZODARTS_TORCH_VERSION:-2.11.0}"
VENV=build/torch2/venv
BUILD=build/torch2

PACKAGES=(
  g++ cmake ninja-build pkg-config ccache git
  nlohmann-json3-dev libcli11-dev libzip-dev
  qt6-base-dev             # Qt Test: the harness of the core tests
  python3 python3-venv     # the venv that holds the wheel
)
source packaging/install_missing.sh
install_missing setup_torch2 "${PACKAGES[@]}"

NVCC="$(command -v nvcc || true)"
[ -z "$NVCC" ] && [ -x /usr/local/cuda/bin/nvcc ] && NVCC=/usr/local/cuda/bin/nvcc
if [ -z "$NVCC" ]; then
  echo "setup_torch2: no CUDA toolkit found (nvcc is neither on PATH nor in /usr/local/cuda/bin)." >&2
  echo "  LibTorch's CMake files need one to configure a CUDA build; install CUDA 12 or 13 from NVIDIA." >&2
  exit 1
fi

installed_version() {
  "$VENV/bin/python" -c "import importlib.metadata as m; print(m.version('torch'))" 2>/dev/null || true
}
if [ "$(installed_version)" != "$TORCH_VERSION" ]; then
  echo "setup_torch2: installing torch==$TORCH_VERSION into $VENV (a few GB, once)"
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --disable-pip-version-check --no-cache-dir -q "torch==$TORCH_VERSION"
fi

TORCH_ROOT="$(cd "$(echo "$VENV"/lib/python3*/site-packages/torch)" && pwd)"
# CMAKE_PREFIX_PATH first: with Torch_DIR alone, the wheel's TorchConfig finds its
# libraries with find_library(... PATHS), which searches the system first and would
# link Debian's /usr/lib/x86_64-linux-gnu/libtorch.so when libtorch-dev is installed.
if [ ! -f "$BUILD/build.ninja" ] || ! grep -q "^Torch_DIR:[A-Z]*=$TORCH_ROOT/share/cmake/Torch$" "$BUILD/CMakeCache.txt"; then
  cmake --preset torch2 -DCMAKE_PREFIX_PATH="$TORCH_ROOT" -DTorch_DIR="$TORCH_ROOT/share/cmake/Torch" \
        -DCMAKE_CUDA_COMPILER="$NVCC" ${ZODARTS_CMAKE_ARGS:-} >/dev/null
fi
JOBS="${ZODARTS_JOBS:-$(nproc)}"
echo "setup_torch2: building $BUILD against LibTorch $TORCH_VERSION (incremental)"
cmake --build "$BUILD" -j "$JOBS" ${1:+--target "$@"}
