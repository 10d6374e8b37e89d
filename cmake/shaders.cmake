# Compiles every shader variant GLSL -> SPIR-V at build time, checks each module with spirv-val,
# and embeds them all in the binary. A variant is one source plus -D defines; the names it gets
# ("<kernel>.<dtype>.<storage>") are what src/kernels looks up.
set(QGEMV_SHADER_DIR ${CMAKE_SOURCE_DIR}/shaders)
set(QGEMV_SPV_DIR ${CMAKE_BINARY_DIR}/spirv)
file(MAKE_DIRECTORY ${QGEMV_SPV_DIR})
file(GLOB QGEMV_SHADER_INCLUDES CONFIGURE_DEPENDS ${QGEMV_SHADER_DIR}/*.glsl)

set(QGEMV_SPIRV_ENTRIES "")
set(QGEMV_SPIRV_FILES "")

# qgemv_shader_variant(<name> <source.comp> [DEFINE ...])
function(qgemv_shader_variant name source)
  set(spv ${QGEMV_SPV_DIR}/${name}.spv)
  set(defines "")
  foreach(d IN LISTS ARGN)
    list(APPEND defines "-D${d}")
  endforeach()
  add_custom_command(
    OUTPUT ${spv}
    COMMAND ${GLSLANG_VALIDATOR} -V --target-env vulkan1.1 -I${QGEMV_SHADER_DIR} ${defines}
            -o ${spv} ${QGEMV_SHADER_DIR}/${source}
    COMMAND ${SPIRV_VAL} --target-env vulkan1.1 ${spv}
    DEPENDS ${QGEMV_SHADER_DIR}/${source} ${QGEMV_SHADER_INCLUDES}
    COMMENT "GLSL -> SPIR-V ${name}"
    VERBATIM)
  set(QGEMV_SPIRV_ENTRIES ${QGEMV_SPIRV_ENTRIES} "${name}=${spv}" PARENT_SCOPE)
  set(QGEMV_SPIRV_FILES ${QGEMV_SPIRV_FILES} ${spv} PARENT_SCOPE)
endfunction()

set(QGEMV_DTYPES fp32 fp16)
set(QGEMV_STORAGES bb bt tt)
foreach(kernel legacy coop coop_tuned)
  string(TOUPPER ${kernel} kernel_upper)
  foreach(dtype IN LISTS QGEMV_DTYPES)
    string(TOUPPER ${dtype} dtype_upper)
    foreach(storage IN LISTS QGEMV_STORAGES)
      string(TOUPPER ${storage} storage_upper)
      qgemv_shader_variant(${kernel}.${dtype}.${storage} ${kernel}.comp
                           DTYPE_${dtype_upper} STORAGE_${storage_upper})
      # Deliberately wrong nibble order: exists only so a test can prove validation catches it.
      qgemv_shader_variant(${kernel}_swapped_nibbles.${dtype}.${storage} ${kernel}.comp
                           DTYPE_${dtype_upper} STORAGE_${storage_upper} QGEMV_SWAP_NIBBLES)
    endforeach()
  endforeach()
endforeach()

# Same-run roofline (SPEC §4): achievable read and copy bandwidth.
qgemv_shader_variant(bandwidth_read bandwidth_read.comp)
qgemv_shader_variant(bandwidth_copy bandwidth_copy.comp)

string(REPLACE ";" "|" QGEMV_SPIRV_ENTRIES_ARG "${QGEMV_SPIRV_ENTRIES}")
set(EMBEDDED_SPIRV_CPP ${CMAKE_BINARY_DIR}/generated/embedded_spirv.cpp)
add_custom_command(
  OUTPUT ${EMBEDDED_SPIRV_CPP}
  COMMAND ${CMAKE_COMMAND} "-DOUTPUT=${EMBEDDED_SPIRV_CPP}" -DFUNCTION=spirv_modules
          "-DENTRIES=${QGEMV_SPIRV_ENTRIES_ARG}" -P ${CMAKE_SOURCE_DIR}/cmake/embed_files.cmake
  DEPENDS ${QGEMV_SPIRV_FILES} ${CMAKE_SOURCE_DIR}/cmake/embed_files.cmake
  COMMENT "Embedding SPIR-V"
  VERBATIM)
add_custom_target(qgemv_shaders DEPENDS ${EMBEDDED_SPIRV_CPP})
