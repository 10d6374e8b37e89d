# Reads every kernel declaration (shaders/<kernel>.kernel.json, docs/kernels.md) and turns it into
# SPIR-V variants: one per dtype x storage x flavour, plus the test-only twins' variants, which go
# into a separate list that only the test build embeds. The declaration is the one place that
# names a kernel's source, compiler, bindings and specialization-constant ids; this file passes
# the last two to the shader as -D defines, and the binary parses the same JSON at startup.
option(QGEMV_REPRODUCED_GLSLC_O
       "Build kernels declared with \"compiler\": \"glslc -O\" that way (as ExecuTorch does); OFF builds them with glslangValidator -V for a before/after"
       ON)
# Our own kernels (those that reproduce nothing) are built as their declaration says; this overrides
# that for a measured comparison of compilers (docs/kernels.md, "How the kernels are built").
set(QGEMV_OWN_KERNELS_COMPILER "" CACHE STRING
    "Build our own kernels with \"glslangValidator -V\", \"glslc -O\" or \"spirv-opt -O\" instead of as declared")
option(QGEMV_TEST_SLOW_COOP
       "Test only: coop does 4x its work (still correct), so a regression gate has a real slowdown to catch"
       OFF)

# out = the elements of the JSON array at <path...> of `json` (empty when the key is absent).
function(qgemv_json_array out json)
  string(JSON length ERROR_VARIABLE missing LENGTH "${json}" ${ARGN})
  set(items "")
  if(NOT missing AND length GREATER 0)
    math(EXPR last "${length} - 1")
    foreach(i RANGE ${last})
      string(JSON item GET "${json}" ${ARGN} ${i})
      list(APPEND items "${item}")
    endforeach()
  endif()
  set(${out} "${items}" PARENT_SCOPE)
endfunction()

# out = "<PREFIX><MEMBER>=<value><SUFFIX>" defines, member names upper-cased, for the object at <key>.
function(qgemv_json_member_defines out json key prefix suffix)
  string(JSON length ERROR_VARIABLE missing LENGTH "${json}" ${key})
  set(defines "")
  if(NOT missing AND length GREATER 0)
    math(EXPR last "${length} - 1")
    foreach(i RANGE ${last})
      string(JSON member MEMBER "${json}" ${key} ${i})
      string(JSON value GET "${json}" ${key} ${member})
      string(TOUPPER "${member}" upper)
      list(APPEND defines "${prefix}${upper}${suffix}=${value}")
    endforeach()
  endif()
  set(${out} "${defines}" PARENT_SCOPE)
endfunction()

file(GLOB QGEMV_KERNEL_DECLARATIONS CONFIGURE_DEPENDS ${QGEMV_SHADER_DIR}/*.kernel.json)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${QGEMV_KERNEL_DECLARATIONS})
set(QGEMV_KERNEL_DECLARATION_ENTRIES "")
foreach(declaration IN LISTS QGEMV_KERNEL_DECLARATIONS)
  file(READ ${declaration} json)
  string(JSON kernel GET "${json}" name)
  string(JSON source GET "${json}" source)
  string(JSON compiler GET "${json}" compiler)
  list(APPEND QGEMV_KERNEL_DECLARATION_ENTRIES "${kernel}=${declaration}")
  string(JSON reproduces ERROR_VARIABLE own GET "${json}" reproduces)
  if(NOT own)
    if(compiler STREQUAL "glslc -O" AND NOT QGEMV_REPRODUCED_GLSLC_O)
      set(compiler "glslangValidator -V")
    endif()
  elseif(QGEMV_OWN_KERNELS_COMPILER)
    set(compiler "${QGEMV_OWN_KERNELS_COMPILER}")
  endif()

  qgemv_json_member_defines(binding_defines "${json}" bindings "BINDING_" "")
  qgemv_json_member_defines(constant_defines "${json}" specialization "" "_ID")
  qgemv_json_array(kernel_defines "${json}" defines)
  if(QGEMV_TEST_SLOW_COOP AND kernel STREQUAL "coop")
    list(APPEND kernel_defines QGEMV_TEST_SLOW_COOP)
  endif()
  qgemv_json_array(dtypes "${json}" dtypes)
  qgemv_json_array(storages "${json}" storages)
  qgemv_json_array(flavours "${json}" flavours)
  if(NOT flavours)
    set(flavours "{\"name\": \"\"}")
  endif()
  qgemv_json_array(twins "${json}" test_only_twins)

  foreach(dtype IN LISTS dtypes)
    string(TOUPPER ${dtype} dtype_upper)
    foreach(storage IN LISTS storages)
      string(TOUPPER ${storage} storage_upper)
      foreach(flavour IN LISTS flavours)
        string(JSON flavour_name GET "${flavour}" name)
        qgemv_json_array(flavour_defines "${flavour}" defines)
        set(suffix "${dtype}.${storage}")
        if(flavour_name)
          set(suffix "${suffix}.${flavour_name}")
        endif()
        set(defines DTYPE_${dtype_upper} STORAGE_${storage_upper} ${binding_defines} ${constant_defines}
                    ${kernel_defines} ${flavour_defines})
        qgemv_shader_variant(${kernel}.${suffix} ${source} "${compiler}" QGEMV_SPIRV ${defines})
        foreach(twin IN LISTS twins)
          string(JSON twin_name GET "${twin}" name)
          qgemv_json_array(twin_defines "${twin}" defines)
          qgemv_shader_variant(${twin_name}.${suffix} ${source} "${compiler}" QGEMV_TEST_SPIRV ${defines}
                               ${twin_defines})
        endforeach()
      endforeach()
    endforeach()
  endforeach()
endforeach()
