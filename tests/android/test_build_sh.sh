#!/usr/bin/env bash
# Tests that scripts/android/build.sh finds the NDK where Android Studio and the NDK variables put
# it (newest ndk/<version> of the SDK, ndk-bundle, the variables first), and refuses, with a clear
# message and exit code 2, what cannot build a phone binary: no NDK anywhere (the message lists
# where it looked), a missing folder or not an NDK, an API level below 29, missing host headers.
# (The build itself is proven by scripts/android/test_arm64_emulated.sh.)
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
  out=$(env -u ANDROID_NDK -u ANDROID_NDK_HOME -u ANDROID_NDK_ROOT -u ANDROID_HOME -u ANDROID_SDK_ROOT \
        HOME="$tmp/home" ${env_args[@]+"${env_args[@]}"} \
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

expect_refusal "no NDK anywhere" "no Android NDK found (looked at: ANDROID_NDK, ANDROID_NDK_HOME, ANDROID_NDK_ROOT: not set; ANDROID_HOME: not set; ANDROID_SDK_ROOT: not set; $tmp/home/Android/Sdk/ndk/<version>; $tmp/home/Library/Android/sdk/ndk/<version>; $tmp/home/Android/Sdk/ndk-bundle; $tmp/home/Library/Android/sdk/ndk-bundle)" --
mkdir -p "$tmp/empty-sdk/ndk/26.1.10909125"  # a version folder without the NDK inside
expect_refusal "SDK without a usable NDK" "looked at: ANDROID_NDK, ANDROID_NDK_HOME, ANDROID_NDK_ROOT: not set; ANDROID_SDK_ROOT: not set; $tmp/empty-sdk/ndk/<version>;" ANDROID_HOME="$tmp/empty-sdk" --
expect_refusal "ANDROID_NDK missing" "no such folder" ANDROID_NDK="$tmp/nowhere" --
expect_refusal "ANDROID_NDK not an NDK" "is not an Android NDK" ANDROID_NDK="$tmp/not-an-ndk" --
expect_refusal "NDK without source.properties" "no Pkg.Revision" ANDROID_NDK="$tmp/no-properties" --
expect_refusal "API level 28" "API level 29 or higher" ANDROID_NDK="$fake_ndk" -- --api 28
expect_refusal "host headers missing" "vulkan/vulkan_raii.hpp not found" ANDROID_NDK="$fake_ndk" QGEMV_HOST_INCLUDE="$tmp/nowhere" --
expect_refusal "unknown argument" "unknown argument: --abi" ANDROID_NDK="$fake_ndk" -- --abi x86_64
expect_refusal "--toolchain file missing" "no such file" -- --toolchain "$tmp/nothing.cmake"
# ANDROID_NDK_HOME is honoured when ANDROID_NDK is unset (it gets as far as the API check).
expect_refusal "ANDROID_NDK_HOME fallback" "API level 29 or higher" ANDROID_NDK_HOME="$fake_ndk" -- --api 21

# expect_ndk <name> <the NDK folder expected> <env assignments...>: what --print-ndk chooses.
expect_ndk() {
  local name=$1 expected=$2
  shift 2
  local out code
  out=$(env -u ANDROID_NDK -u ANDROID_NDK_HOME -u ANDROID_NDK_ROOT -u ANDROID_HOME -u ANDROID_SDK_ROOT \
        HOME="$tmp/home" "$@" bash "$build_sh" --build-dir "$tmp/build" --print-ndk 2>&1)
  code=$?
  if ((code != 0)); then
    echo "FAIL: $name: exit code $code"; printf '  %s\n' "$out"; failed=$((failed + 1))
  elif [[ $(tail -n1 <<<"$out") != "$expected" ]]; then
    echo "FAIL: $name: expected $expected"; printf '  %s\n' "$out"; failed=$((failed + 1))
  elif [[ -e $tmp/build/CMakeCache.txt ]]; then
    echo "FAIL: $name: CMake ran"; failed=$((failed + 1))
  else
    echo "PASS: $name"; passed=$((passed + 1))
  fi
}

# SDK folders as Android Studio's SDK Manager leaves them: ndk/<version>, one of them incomplete.
sdk=$tmp/sdk
mkdir -p "$sdk/ndk/28.0.0-broken" "$tmp/sdk-root/ndk" "$tmp/old-sdk" "$tmp/home/Android/Sdk/ndk"
for version in 9.0.5 25.2.9519653 26.1.10909125 26.1.9; do ln -s "$fake_ndk" "$sdk/ndk/$version"; done
ln -s "$fake_ndk" "$tmp/sdk-root/ndk/27.0.12077973"
ln -s "$fake_ndk" "$tmp/old-sdk/ndk-bundle"
ln -s "$fake_ndk" "$tmp/home/Android/Sdk/ndk/25.1.8937393"
expect_ndk "newest ndk/<version> of ANDROID_HOME" "$sdk/ndk/26.1.10909125" ANDROID_HOME="$sdk"
expect_ndk "newest across ANDROID_HOME and ANDROID_SDK_ROOT" "$tmp/sdk-root/ndk/27.0.12077973" \
  ANDROID_HOME="$sdk" ANDROID_SDK_ROOT="$tmp/sdk-root"
expect_ndk "ANDROID_SDK_ROOT alone" "$tmp/sdk-root/ndk/27.0.12077973" ANDROID_SDK_ROOT="$tmp/sdk-root"
expect_ndk "Android Studio's ~/Android/Sdk" "$tmp/home/Android/Sdk/ndk/25.1.8937393"
expect_ndk "ANDROID_HOME's ndk-bundle before ~/Android/Sdk" "$tmp/old-sdk/ndk-bundle" ANDROID_HOME="$tmp/old-sdk"
expect_ndk "ANDROID_NDK before the SDK" "$fake_ndk" ANDROID_NDK="$fake_ndk" ANDROID_HOME="$sdk"
expect_ndk "ANDROID_NDK_ROOT before the SDK" "$fake_ndk" ANDROID_NDK_ROOT="$fake_ndk" ANDROID_HOME="$sdk"
# The NDK found in the SDK goes on through the same checks (here: the API level).
expect_refusal "SDK's NDK, API level 21" "API level 29 or higher" ANDROID_HOME="$sdk" -- --api 21

echo "$passed passed, $failed failed"
((failed == 0))
