#!/usr/bin/env bash
# Proves the Android build path on a Debian x86-64 machine, without an NDK or a phone:
#  1. scripts/android/build.sh, unchanged, with ANDROID_NDK=tests/android/fake-ndk: a stand-in
#     NDK toolchain file that checks ANDROID_ABI=arm64-v8a, ANDROID_PLATFORM>=android-29 and
#     ANDROID_STL=c++_static, then compiles with Debian's aarch64 cross compiler against a
#     C-library-only sysroot (so the header-only libraries reach it only as build.sh stages them);
#  2. runs the arm64 binary under qemu-aarch64 on Debian's arm64 Mesa lavapipe (multiarch) with
#     --shapes smoke.json and checks: exit code 0, both kernels present, every case ok.
#
#   scripts/android/test_arm64_emulated.sh [--build-dir DIR] [--jobs N]
#
# Needs (Debian, as root; scripts/bootstrap.sh installs them on x86-64):
#   dpkg --add-architecture arm64 && apt-get update
#   apt-get install g++-aarch64-linux-gnu qemu-user mesa-vulkan-drivers:arm64 libvulkan1:arm64
# Exit code 77 (CTest: skipped) when one is missing, or 1 when CI is set (CI must not skip it).
set -uo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=$repo/build-arm64
jobs=2
while (($#)); do
  case $1 in
    --build-dir) build_dir=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "test_arm64_emulated.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

icd=/usr/share/vulkan/icd.d/lvp_icd.aarch64.json
missing=()
command -v aarch64-linux-gnu-g++ >/dev/null || missing+=(g++-aarch64-linux-gnu)
command -v qemu-aarch64 >/dev/null || missing+=(qemu-user)
[[ -f $icd ]] || missing+=(mesa-vulkan-drivers:arm64)
[[ -e /usr/lib/aarch64-linux-gnu/libvulkan.so.1 ]] || missing+=(libvulkan1:arm64)
command -v python3 >/dev/null || missing+=(python3)
if ((${#missing[@]})); then
  echo "test_arm64_emulated.sh: missing ${missing[*]}:" >&2
  echo "  dpkg --add-architecture arm64 && apt-get update && apt-get install ${missing[*]}" >&2
  [[ -n ${CI:-} && ${CI:-} != false ]] && exit 1
  exit 77
fi

start=$SECONDS
echo "== cross build (scripts/android/build.sh with the stand-in NDK) into $build_dir"
ANDROID_NDK=$repo/tests/android/fake-ndk bash "$repo/scripts/android/build.sh" --build-dir "$build_dir" --jobs "$jobs" ||
  { echo "FAIL: the arm64 build failed"; exit 1; }
build_seconds=$((SECONDS - start))
binary=$build_dir/qgemv-bench

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run_arm64() {
  VK_ICD_FILENAMES=$icd VK_DRIVER_FILES=$icd qemu-aarch64 "$binary" "$@"
}
echo "== qemu-aarch64 $binary list-devices"
run_arm64 list-devices || { echo "FAIL: list-devices under qemu-aarch64"; exit 1; }
echo "== qemu-aarch64 $binary --shapes smoke.json"
run_start=$SECONDS
run_arm64 --shapes smoke.json --out "$out/smoke.json"
code=$?
run_seconds=$((SECONDS - run_start))
((code == 0)) || { echo "FAIL: qgemv-bench (arm64, emulated) exited with $code"; exit 1; }
python3 - "$out/smoke.json" <<'EOF' || exit 1
import json, sys
doc = json.load(open(sys.argv[1]))
results = doc["results"]
problems = []
if doc.get("complete") is not True:
    problems.append("complete is not true")
for kernel in ("legacy", "coop"):
    if not any(r["kernel"] == kernel for r in results):
        problems.append(f"no {kernel} case")
for r in results:
    if r["status"] != "ok" or not (r["validation"] and r["validation"]["passed"]):
        problems.append(f"{r['shape']} {r['kernel']} {r['dtype']} {r['storage']}: {r['status']} {r['message']}")
if problems:
    print("FAIL:\n  " + "\n  ".join(problems))
    sys.exit(1)
device = doc["context"]["device"]
print(f"PASS: {len(results)} cases ok on {device['name']} ({device['driver_info']}), arm64 under qemu")
EOF
echo "arm64 build ${build_seconds}s, emulated smoke run ${run_seconds}s, total $((SECONDS - start))s"
echo "1 passed, 0 failed"
