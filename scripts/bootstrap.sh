#!/usr/bin/env bash
# Installs what qgemv-bench needs from Debian packages (only those missing) and builds it into
# build/. Safe to run again: a second run installs nothing and rebuilds incrementally.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake g++ make git libvulkan-dev libvulkan1 glslang-tools spirv-tools libcli11-dev libfmt-dev
          nlohmann-json3-dev libgtest-dev mesa-vulkan-drivers vulkan-validationlayers python3-numpy)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build build -j"$(nproc)"
