#!/usr/bin/env bash
# Builds qgemv-bench for Android phones (arm64-v8a) with the Android NDK.
#
#   scripts/android/build.sh                  # -> build-android/qgemv-bench
#
# The NDK is found as find_ndk below says: ANDROID_NDK, ANDROID_NDK_HOME, ANDROID_NDK_ROOT, then
# the newest ndk/<version> of the SDK (ANDROID_HOME, ANDROID_SDK_ROOT, Android Studio's default
# ~/Android/Sdk or ~/Library/Android/sdk), then the SDK's old ndk-bundle.
#
# The result is one executable: shaders and shapes files are embedded, libc++ is linked statically
# (ANDROID_STL=c++_static), and Vulkan is opened at run time from the phone's libvulkan.so, so
# `adb push` of this one file is all a phone needs (scripts/android/run.sh does that).
#
# Host side: the build runs glslangValidator and spirv-val on this machine, and takes the
# header-only libraries (Vulkan-Hpp with its matching Vulkan C headers, fmt, CLI11, nlohmann/json)
# from the host's include folder (default /usr/include; Debian: scripts/bootstrap.sh installs them).
# Only those header folders are handed to CMake, through a folder of links in the build folder,
# never the host's /usr/include as a whole (its glibc headers would shadow bionic's) nor any host
# library.
#
# --toolchain FILE builds with another CMake toolchain file instead of the NDK's, through the same
# steps (used to prove this script on Debian, where no NDK exists:
# --toolchain cmake/toolchains/aarch64-linux-gnu.cmake, see scripts/android/test_arm64_emulated.sh).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)

usage() {
  cat <<EOF
usage: scripts/android/build.sh [--build-dir DIR] [--api LEVEL] [--jobs N] [--toolchain FILE]
                                [-- EXTRA_CMAKE_ARGS...]
  Builds qgemv-bench for arm64-v8a Android with \$ANDROID_NDK/build/cmake/android.toolchain.cmake,
  ANDROID_PLATFORM=android-LEVEL (default 29, the minimum), ANDROID_STL=c++_static, tests off.
  --build-dir DIR   build folder (default build-android in the repository)
  --api LEVEL       Android API level, 29 or higher (default 29)
  --jobs N          parallel compile jobs (default: number of cores)
  --toolchain FILE  use this CMake toolchain file instead of the NDK's (no NDK needed)
  --print-ndk       print the NDK folder the build would use, and stop
environment:
  ANDROID_NDK         the NDK's root folder; when unset: ANDROID_NDK_HOME, ANDROID_NDK_ROOT, the
                      newest ndk/<version> under ANDROID_HOME, ANDROID_SDK_ROOT, ~/Android/Sdk or
                      ~/Library/Android/sdk, then their ndk-bundle
  QGEMV_HOST_INCLUDE  where the host's header-only libraries are (default /usr/include)
EOF
}

die() {
  echo "android/build.sh: error: $*" >&2
  exit 2
}

# find_ndk: prints the NDK folder to use, or fails listing every place it looked. A variable that
# names the NDK wins even when wrong (the checks after this say what is wrong with it); then the
# SDK folders the variables name, then Android Studio's default SDK folders: in each group the
# newest ndk/<version> (as the SDK Manager installs NDKs), else the old ndk-bundle.
ndk_looked=()
newest_ndk_in() {  # newest_ndk_in <sdk...>: prints the newest ndk/<version> or the first ndk-bundle
  local sdk dir version newest="" newest_version=""
  for sdk in "$@"; do
    for dir in "$sdk"/ndk/*/; do
      dir=${dir%/}
      [[ -f $dir/build/cmake/android.toolchain.cmake ]] || continue
      version=${dir##*/}
      # Newest by version number, field by field (26.1.10909125 after 25.2.9519653 and 9.0.5).
      if [[ -z $newest ]] || [[ $(printf '%s\n%s\n' "$newest_version" "$version" |
                                  sort -t. -k1,1n -k2,2n -k3,3n | tail -n1) == "$version" ]]; then
        newest=$dir newest_version=$version
      fi
    done
    ndk_looked+=("$sdk/ndk/<version>")
  done
  if [[ -n $newest ]]; then printf '%s\n' "$newest"; return 0; fi
  for sdk in "$@"; do
    if [[ -f $sdk/ndk-bundle/build/cmake/android.toolchain.cmake ]]; then printf '%s\n' "$sdk/ndk-bundle"; return 0; fi
    ndk_looked+=("$sdk/ndk-bundle")
  done
  return 1
}
find_ndk() {
  local var sdks=() list="" place
  for var in ANDROID_NDK ANDROID_NDK_HOME ANDROID_NDK_ROOT; do
    if [[ -n ${!var:-} ]]; then printf '%s\n' "${!var}"; return 0; fi
  done
  ndk_looked+=("ANDROID_NDK, ANDROID_NDK_HOME, ANDROID_NDK_ROOT: not set")
  for var in ANDROID_HOME ANDROID_SDK_ROOT; do
    if [[ -z ${!var:-} ]]; then ndk_looked+=("$var: not set")
    elif ((${#sdks[@]} == 0)) || [[ ${sdks[0]} != "${!var}" ]]; then sdks+=("${!var}"); fi
  done
  if ((${#sdks[@]})) && newest_ndk_in "${sdks[@]}"; then return 0; fi
  if [[ -n ${HOME:-} ]] && newest_ndk_in "$HOME/Android/Sdk" "$HOME/Library/Android/sdk"; then return 0; fi
  for place in "${ndk_looked[@]}"; do list+="${list:+; }$place"; done
  die "no Android NDK found (looked at: $list): install one with Android Studio's SDK Manager (SDK Tools > NDK) or set ANDROID_NDK=/path/to/android-ndk (the folder holding build/cmake/android.toolchain.cmake)"
}

build_dir=$repo/build-android
api=29
jobs=$(nproc 2>/dev/null || echo 2)
toolchain=""
print_ndk=0
extra=()
while (($#)); do
  case $1 in
    --build-dir) [[ $# -ge 2 ]] || die "--build-dir needs a folder"; build_dir=$2; shift 2 ;;
    --api) [[ $# -ge 2 ]] || die "--api needs a level"; api=$2; shift 2 ;;
    --jobs|-j) [[ $# -ge 2 ]] || die "--jobs needs a number"; jobs=$2; shift 2 ;;
    --toolchain) [[ $# -ge 2 ]] || die "--toolchain needs a file"; toolchain=$2; shift 2 ;;
    --print-ndk) print_ndk=1; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; extra=("$@"); break ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "--jobs $jobs: not a positive number"

command -v cmake >/dev/null || die "cmake not found (Debian: apt-get install cmake)"

if [[ -z $toolchain ]]; then
  ndk=$(find_ndk) || exit 2
  [[ -d $ndk ]] || die "ANDROID_NDK=$ndk: no such folder"
  toolchain=$ndk/build/cmake/android.toolchain.cmake
  [[ -f $toolchain ]] || die "ANDROID_NDK=$ndk is not an Android NDK: $toolchain is missing"
  revision=$(sed -n 's/^Pkg\.Revision *= *//p' "$ndk/source.properties" 2>/dev/null || true)
  [[ -n $revision ]] || die "ANDROID_NDK=$ndk is not an Android NDK: no Pkg.Revision in $ndk/source.properties"
  if ((print_ndk)); then echo "$ndk"; exit 0; fi
  { [[ $api =~ ^[0-9]+$ ]] && ((api >= 29)); } || die "--api $api: Android API level 29 or higher is required"
  echo "android/build.sh: NDK $revision at $ndk, arm64-v8a, android-$api, c++_static"
  toolchain_args=(-DCMAKE_TOOLCHAIN_FILE="$toolchain" -DANDROID_ABI=arm64-v8a
                  -DANDROID_PLATFORM="android-$api" -DANDROID_STL=c++_static)
  readelf_candidates=("$ndk"/toolchains/llvm/prebuilt/*/bin/llvm-readelf readelf)
else
  [[ -f $toolchain ]] || die "--toolchain $toolchain: no such file"
  toolchain=$(cd "$(dirname "$toolchain")" && pwd)/$(basename "$toolchain")
  echo "android/build.sh: toolchain file $toolchain (not the NDK)"
  # Static libstdc++/libgcc: like c++_static on Android, the binary needs only the C library.
  toolchain_args=(-DCMAKE_TOOLCHAIN_FILE="$toolchain" -DQGEMV_STATIC_RUNTIME=ON)
  readelf_candidates=(readelf)
fi

mkdir -p "$build_dir"
build_dir=$(cd "$build_dir" && pwd)

# A build folder configured with another toolchain would keep it (CMake ignores a changed
# CMAKE_TOOLCHAIN_FILE in an existing cache): refuse rather than build the wrong thing.
if [[ -f $build_dir/CMakeCache.txt ]]; then
  cached=$(sed -n 's/^CMAKE_TOOLCHAIN_FILE:[A-Z]*=//p' "$build_dir/CMakeCache.txt")
  [[ $cached == "$toolchain" ]] || die "$build_dir was configured with toolchain '${cached:-none}'; remove it or pass another --build-dir"
fi

# The header-only libraries, staged as links so that only these folders reach the compiler.
host_include=${QGEMV_HOST_INCLUDE:-/usr/include}
deps=$build_dir/host-deps
rm -rf "$deps"
mkdir -p "$deps/include" "$deps/cmake/nlohmann_json" "$deps/cmake/CLI11"
need_header() {  # need_header <file under host_include> <Debian package>
  [[ -f $host_include/$1 ]] || die "$host_include/$1 not found (Debian: apt-get install $2, or run scripts/bootstrap.sh; elsewhere set QGEMV_HOST_INCLUDE)"
}
need_header vulkan/vulkan_raii.hpp libvulkan-dev
need_header vulkan/vulkan_core.h libvulkan-dev
need_header fmt/format.h libfmt-dev
need_header CLI/CLI.hpp libcli11-dev
need_header nlohmann/json.hpp nlohmann-json3-dev
need_header spirv/unified1/spirv.hpp spirv-headers
# vulkan/ with its own C headers (Vulkan-Hpp checks VK_HEADER_VERSION, so the NDK's older
# vulkan_core.h must not be mixed in; these links come before the sysroot in the search order).
for dir in vulkan vk_video fmt CLI nlohmann spirv; do
  [[ -d $host_include/$dir ]] && ln -s "$host_include/$dir" "$deps/include/$dir"
done

header_define() {  # header_define <file> <macro>: the macro's value, quotes removed
  sed -n "s/^#define $2[[:space:]]\{1,\}\"\{0,1\}\([0-9.]*\)\"\{0,1\}.*/\1/p" "$1" | head -n1
}
write_package() {  # write_package <name> <target> <version>
  local name=$1 target=$2 version=$3
  [[ -n $version ]] || version=0
  cat >"$deps/cmake/$name/${name}Config.cmake" <<EOF
# Generated by scripts/android/build.sh: the host's header-only $name, include folder only.
if(NOT TARGET $target)
  add_library($target INTERFACE IMPORTED)
  set_target_properties($target PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "$deps/include")
endif()
EOF
  cat >"$deps/cmake/$name/${name}ConfigVersion.cmake" <<EOF
set(PACKAGE_VERSION "$version")
if(PACKAGE_VERSION VERSION_LESS PACKAGE_FIND_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
else()
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
  if(PACKAGE_FIND_VERSION STREQUAL PACKAGE_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
endif()
EOF
}
nl_macros=$host_include/nlohmann/detail/abi_macros.hpp
[[ -f $nl_macros ]] || nl_macros=$host_include/nlohmann/json.hpp
nl_version="$(header_define "$nl_macros" NLOHMANN_JSON_VERSION_MAJOR).$(header_define "$nl_macros" NLOHMANN_JSON_VERSION_MINOR).$(header_define "$nl_macros" NLOHMANN_JSON_VERSION_PATCH)"
[[ $nl_version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || nl_version=3.0.0
write_package nlohmann_json nlohmann_json::nlohmann_json "$nl_version"
cli_version=$(header_define "$host_include/CLI/Version.hpp" CLI11_VERSION 2>/dev/null || true)
write_package CLI11 CLI11::CLI11 "$cli_version"

cmake -S "$repo" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DQGEMV_BUILD_TESTS=OFF \
  "${toolchain_args[@]}" \
  -DVULKAN_HPP_INCLUDE_DIR="$deps/include" -DFMT_INCLUDE_DIR="$deps/include" -DSPIRV_HEADERS_INCLUDE_DIR="$deps/include" \
  -Dnlohmann_json_DIR="$deps/cmake/nlohmann_json" -DCLI11_DIR="$deps/cmake/CLI11" \
  ${extra[@]+"${extra[@]}"}
cmake --build "$build_dir" -j"$jobs" --target qgemv-bench

binary=$build_dir/qgemv-bench
[[ -x $binary ]] || die "the build finished without $binary"
readelf_tool=""
for candidate in "${readelf_candidates[@]}"; do
  if command -v "$candidate" >/dev/null 2>&1; then readelf_tool=$candidate; break; fi
done
if [[ -n $readelf_tool ]]; then
  machine=$("$readelf_tool" -h "$binary" | sed -n 's/^ *Machine: *//p')
  needed=$("$readelf_tool" -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | xargs)
  [[ $machine == *AArch64* ]] || die "$binary is for '$machine', not AArch64"
  for lib in $needed; do
    case $lib in
      libvulkan*|libc++_shared*|libstdc++*|libfmt*) die "$binary links $lib; it must need only the C library" ;;
    esac
  done
  echo "android/build.sh: built $binary (AArch64; needs only: $needed)"
else
  echo "android/build.sh: built $binary (no readelf found to check it)"
fi
