# Compiles every shader variant GLSL -> SPIR-V at build time, checks each module with spirv-val,
# and embeds them in the binary (test-only variants in the test build only), together with the
# kernel declarations they come from (cmake/kernels.cmake). A variant is one source plus -D
# defines; its name ("<kernel>.<dtype>.<storage>[.<flavour>]") is what src/kernels looks up.
set(QGEMV_SHADER_DIR ${CMAKE_SOURCE_DIR}/shaders)
set(QGEMV_SPV_DIR ${CMAKE_BINARY_DIR}/spirv)
file(MAKE_DIRECTORY ${QGEMV_SPV_DIR})
file(GLOB QGEMV_SHADER_INCLUDES CONFIGURE_DEPENDS ${QGEMV_SHADER_DIR}/*.glsl)

find_program(GLSLC glslc REQUIRED)
set(QGEMV_SPIRV_ENTRIES "")
set(QGEMV_SPIRV_FILES "")
set(QGEMV_TEST_SPIRV_ENTRIES "")
set(QGEMV_TEST_SPIRV_FILES "")

find_program(SPIRV_OPT spirv-opt REQUIRED)

# qgemv_shader_variant(<name> <source.comp> <compiler> <set> [DEFINE ...]): <compiler> is
# "glslangValidator -V", "glslc -O" or "spirv-opt -O" (glslangValidator -V, then spirv-opt -O);
# <set> is QGEMV_SPIRV (shipped) or QGEMV_TEST_SPIRV (tests).
function(qgemv_shader_variant name source compiler set)
  set(spv ${QGEMV_SPV_DIR}/${name}.spv)
  set(defines "")
  foreach(d IN LISTS ARGN)
    list(APPEND defines "-D${d}")
  endforeach()
  set(optimize "")
  if(compiler STREQUAL "glslc -O")
    set(compile ${GLSLC} -O --target-env=vulkan1.1 -fshader-stage=compute)
  elseif(compiler STREQUAL "glslangValidator -V")
    set(compile ${GLSLANG_VALIDATOR} -V --target-env vulkan1.1)
  elseif(compiler STREQUAL "spirv-opt -O")
    set(compile ${GLSLANG_VALIDATOR} -V --target-env vulkan1.1)
    set(optimize COMMAND ${SPIRV_OPT} -O --target-env=vulkan1.1 ${spv} -o ${spv})
  else()
    message(FATAL_ERROR "shader ${name}: unknown compiler \"${compiler}\"")
  endif()
  add_custom_command(
    OUTPUT ${spv}
    COMMAND ${compile} -I${QGEMV_SHADER_DIR} ${defines} -o ${spv} ${QGEMV_SHADER_DIR}/${source}
    ${optimize}
    COMMAND ${SPIRV_VAL} --target-env vulkan1.1 ${spv}
    DEPENDS ${QGEMV_SHADER_DIR}/${source} ${QGEMV_SHADER_INCLUDES}
    COMMENT "GLSL -> SPIR-V ${name} (${compiler})"
    VERBATIM)
  set(${set}_ENTRIES ${${set}_ENTRIES} "${name}=${spv}" PARENT_SCOPE)
  set(${set}_FILES ${${set}_FILES} ${spv} PARENT_SCOPE)
endfunction()

include(${CMAKE_SOURCE_DIR}/cmake/kernels.cmake)

# Same-run roofline: achievable read and copy bandwidth.
qgemv_shader_variant(bandwidth_read bandwidth_read.comp "glslangValidator -V" QGEMV_SPIRV)
qgemv_shader_variant(bandwidth_copy bandwidth_copy.comp "glslangValidator -V" QGEMV_SPIRV)
# Where the driver keeps cooperative-matrix fragment elements (coopmat's layout check).
qgemv_shader_variant(coopmat_fragment_probe coopmat_fragment_probe.comp "glslangValidator -V" QGEMV_SPIRV)

string(REPLACE ";" "|" QGEMV_SPIRV_ENTRIES_ARG "${QGEMV_SPIRV_ENTRIES}")
set(EMBEDDED_SPIRV_CPP ${CMAKE_BINARY_DIR}/generated/embedded_spirv.cpp)
add_custom_command(
  OUTPUT ${EMBEDDED_SPIRV_CPP}
  COMMAND ${CMAKE_COMMAND} "-DOUTPUT=${EMBEDDED_SPIRV_CPP}" -DFUNCTION=spirv_modules
          "-DENTRIES=${QGEMV_SPIRV_ENTRIES_ARG}" -P ${CMAKE_SOURCE_DIR}/cmake/embed_files.cmake
  DEPENDS ${QGEMV_SPIRV_FILES} ${CMAKE_SOURCE_DIR}/cmake/embed_files.cmake
  COMMENT "Embedding SPIR-V"
  VERBATIM)

string(REPLACE ";" "|" QGEMV_TEST_SPIRV_ENTRIES_ARG "${QGEMV_TEST_SPIRV_ENTRIES}")
set(EMBEDDED_TEST_SPIRV_CPP ${CMAKE_BINARY_DIR}/generated/embedded_test_spirv.cpp)
add_custom_command(
  OUTPUT ${EMBEDDED_TEST_SPIRV_CPP}
  COMMAND ${CMAKE_COMMAND} "-DOUTPUT=${EMBEDDED_TEST_SPIRV_CPP}" -DFUNCTION=test_spirv_modules
          "-DENTRIES=${QGEMV_TEST_SPIRV_ENTRIES_ARG}" -P ${CMAKE_SOURCE_DIR}/cmake/embed_files.cmake
  DEPENDS ${QGEMV_TEST_SPIRV_FILES} ${CMAKE_SOURCE_DIR}/cmake/embed_files.cmake
  COMMENT "Embedding test-only SPIR-V"
  VERBATIM)

string(REPLACE ";" "|" QGEMV_KERNEL_DECLARATION_ENTRIES_ARG "${QGEMV_KERNEL_DECLARATION_ENTRIES}")
set(EMBEDDED_KERNELS_CPP ${CMAKE_BINARY_DIR}/generated/embedded_kernels.cpp)
add_custom_command(
  OUTPUT ${EMBEDDED_KERNELS_CPP}
  COMMAND ${CMAKE_COMMAND} "-DOUTPUT=${EMBEDDED_KERNELS_CPP}" -DFUNCTION=kernel_declarations
          "-DENTRIES=${QGEMV_KERNEL_DECLARATION_ENTRIES_ARG}" -P ${CMAKE_SOURCE_DIR}/cmake/embed_files.cmake
  DEPENDS ${QGEMV_KERNEL_DECLARATIONS} ${CMAKE_SOURCE_DIR}/cmake/embed_files.cmake
  COMMENT "Embedding kernel declarations"
  VERBATIM)
add_custom_target(qgemv_shaders DEPENDS ${EMBEDDED_SPIRV_CPP} ${EMBEDDED_KERNELS_CPP})
add_custom_target(qgemv_test_shaders DEPENDS ${EMBEDDED_TEST_SPIRV_CPP})
