# Stand-in for the Android NDK's build/cmake/android.toolchain.cmake, so that
# scripts/android/build.sh runs its NDK path unchanged on Debian, where no NDK exists
# (ANDROID_NDK=tests/android/fake-ndk; scripts/android/test_arm64_emulated.sh does that).
# It insists on the variables an arm64 phone build must pass, then builds with Debian's
# g++-aarch64-linux-gnu through cmake/toolchains/aarch64-linux-gnu.cmake, which confines CMake's
# find_* to a C-library-only sysroot as the NDK does. c++_static maps to static libstdc++.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES ANDROID_ABI ANDROID_PLATFORM ANDROID_STL)
if(NOT ANDROID_ABI STREQUAL "arm64-v8a")
  message(FATAL_ERROR "fake NDK: ANDROID_ABI is '${ANDROID_ABI}', expected arm64-v8a")
endif()
if(NOT ANDROID_PLATFORM MATCHES "^android-([0-9]+)$" OR CMAKE_MATCH_1 LESS 29)
  message(FATAL_ERROR "fake NDK: ANDROID_PLATFORM is '${ANDROID_PLATFORM}', expected android-29 or higher")
endif()
if(NOT ANDROID_STL STREQUAL "c++_static")
  message(FATAL_ERROR "fake NDK: ANDROID_STL is '${ANDROID_STL}', expected c++_static")
endif()
include(${CMAKE_CURRENT_LIST_DIR}/../../../../../cmake/toolchains/aarch64-linux-gnu.cmake)
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static-libstdc++ -static-libgcc")
