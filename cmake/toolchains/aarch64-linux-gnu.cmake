# Cross toolchain for Debian's g++-aarch64-linux-gnu, set up the way the Android NDK's
# android.toolchain.cmake sets up a phone build, so that scripts/android/build.sh can be proven on
# a Debian machine without an NDK:
# - a sysroot that holds only the C library (the NDK's holds bionic and the Vulkan C headers), so
#   nothing from the host's /usr/include (glibc for x86-64, fmt, CLI11, nlohmann/json, Vulkan-Hpp)
#   leaks into the build unless it is passed in on purpose;
# - find_path/find_library/find_package confined to that sysroot, find_program left on the host
#   (glslangValidator and spirv-val run at build time).
# Usage: scripts/android/build.sh --toolchain cmake/toolchains/aarch64-linux-gnu.cmake
# (Debian: apt-get install g++-aarch64-linux-gnu). The result runs under qemu-aarch64; see
# scripts/android/test_arm64_emulated.sh.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

# Debian's cross compiler also searches /usr/include; a --sysroot without it removes that. The
# sysroot is a folder of links to the cross C library (/usr/aarch64-linux-gnu), made in the build
# folder and reused by CMake's try_compile projects.
if(NOT QGEMV_AARCH64_SYSROOT)
  set(QGEMV_AARCH64_SYSROOT ${CMAKE_BINARY_DIR}/aarch64-sysroot)
endif()
set(_qgemv_cross_prefix /usr/aarch64-linux-gnu)
if(NOT EXISTS ${_qgemv_cross_prefix}/include/stdio.h)
  message(FATAL_ERROR "${_qgemv_cross_prefix}/include/stdio.h not found: apt-get install g++-aarch64-linux-gnu")
endif()
if(NOT EXISTS ${QGEMV_AARCH64_SYSROOT}/usr/lib)
  file(MAKE_DIRECTORY ${QGEMV_AARCH64_SYSROOT}/usr)
  file(CREATE_LINK ${_qgemv_cross_prefix}/include ${QGEMV_AARCH64_SYSROOT}/usr/include SYMBOLIC)
  file(CREATE_LINK ${_qgemv_cross_prefix}/lib ${QGEMV_AARCH64_SYSROOT}/usr/lib SYMBOLIC)
endif()
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES QGEMV_AARCH64_SYSROOT)

set(CMAKE_SYSROOT ${QGEMV_AARCH64_SYSROOT})
set(CMAKE_FIND_ROOT_PATH ${QGEMV_AARCH64_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
