#!/usr/bin/env bash
# Installs what qgemv-bench needs from Debian packages (only those missing) and builds it into
# build/. Safe to run again: a second run installs nothing and rebuilds incrementally.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake g++ make git libvulkan-dev libvulkan1 glslang-tools glslc spirv-tools spirv-cross spirv-headers libcli11-dev libfmt-dev
          nlohmann-json3-dev libgtest-dev mesa-vulkan-drivers vulkan-validationlayers python3-numpy
          libbenchmark-tools libbenchmark-dev nodejs python3-scipy python3-matplotlib clang-14 libclang-rt-14-dev llvm-14)
# The Android build's proof (scripts/android/test_arm64_emulated.sh, a CTest test): Debian's arm64
# cross compiler, qemu, and arm64 Mesa lavapipe through multiarch. x86-64 hosts only;
# QGEMV_NO_ARM64=1 leaves them out (that test then reports itself skipped).
if [[ $(dpkg --print-architecture) == amd64 && ${QGEMV_NO_ARM64:-0} != 1 ]]; then
  packages+=(g++-aarch64-linux-gnu qemu-user mesa-vulkan-drivers:arm64 libvulkan1:arm64)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  if [[ " ${missing[*]}" == *:arm64* ]] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
    "${sudo_cmd[@]}" dpkg --add-architecture arm64
  fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build build -j"$(nproc)"
