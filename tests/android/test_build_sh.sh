#!/usr/bin/env bash
# Tests that scripts/android/build.sh refuses, with a clear message and exit code 2, what cannot
# build a phone binary: ANDROID_NDK unset, missing or not an NDK, an API level below 29, missing
# host headers. (The build itself is proven by scripts/android/test_arm64_emulated.sh.)
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build_sh=$repo/scripts/android/build.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

# expect_refusal <name> <text the message must hold> <env assignments...> -- <build.sh args...>
expect_refusal() {
  local name=$1 text=$2
  shift 2
  local env_args=()
  while (($#)) && [[ $1 != -- ]]; do env_args+=("$1"); shift; done
  shift
  local out code
  out=$(env -u ANDROID_NDK -u ANDROID_NDK_HOME -u ANDROID_NDK_ROOT ${env_args[@]+"${env_args[@]}"} \
        bash "$build_sh" --build-dir "$tmp/build" "$@" 2>&1)
  code=$?
  if ((code != 2)); then
    echo "FAIL: $name: expected exit code 2, got $code"; printf '  %s\n' "$out"; failed=$((failed + 1))
  elif [[ $out != *"$text"* ]]; then
    echo "FAIL: $name: expected the message to contain: $text"; printf '  %s\n' "$out"; failed=$((failed + 1))
  elif [[ -e $tmp/build/CMakeCache.txt ]]; then
    echo "FAIL: $name: CMake ran"; failed=$((failed + 1))
  else
    echo "PASS: $name"; passed=$((passed + 1))
  fi
}

mkdir -p "$tmp/not-an-ndk" "$tmp/no-properties/build/cmake"
touch "$tmp/no-properties/build/cmake/android.toolchain.cmake"
fake_ndk=$here/fake-ndk

expect_refusal "ANDROID_NDK unset" "ANDROID_NDK is not set" --
expect_refusal "ANDROID_NDK missing" "no such folder" ANDROID_NDK="$tmp/nowhere" --
expect_refusal "ANDROID_NDK not an NDK" "is not an Android NDK" ANDROID_NDK="$tmp/not-an-ndk" --
expect_refusal "NDK without source.properties" "no Pkg.Revision" ANDROID_NDK="$tmp/no-properties" --
expect_refusal "API level 28" "API level 29 or higher" ANDROID_NDK="$fake_ndk" -- --api 28
expect_refusal "host headers missing" "vulkan/vulkan_raii.hpp not found" ANDROID_NDK="$fake_ndk" QGEMV_HOST_INCLUDE="$tmp/nowhere" --
expect_refusal "unknown argument" "unknown argument: --abi" ANDROID_NDK="$fake_ndk" -- --abi x86_64
expect_refusal "--toolchain file missing" "no such file" -- --toolchain "$tmp/nothing.cmake"
# ANDROID_NDK_HOME is honoured when ANDROID_NDK is unset (it gets as far as the API check).
expect_refusal "ANDROID_NDK_HOME fallback" "API level 29 or higher" ANDROID_NDK_HOME="$fake_ndk" -- --api 21

echo "$passed passed, $failed failed"
((failed == 0))
