# cmake -DTABLE=<layers table> -DROOT=<source root> -P check_layers.cmake
#
# Fails when a file of a layer includes a header of a layer it does not build on.
# TABLE sets LAYERS (lowest first; each layer's files are under core/<layer>, or
# <layer>/ for ui and app) and USES_<layer> (the layers it builds on directly); the
# build writes it from core/CMakeLists.txt's table, so the order is written once.
cmake_minimum_required(VERSION 3.18)
include(${TABLE})

# What each layer may include: itself and, transitively, what it builds on.
foreach(layer IN LISTS LAYERS)
  set(allowed_${layer} ${layer})
  foreach(lower IN LISTS USES_${layer})
    if(NOT DEFINED allowed_${lower})
      message(FATAL_ERROR "layer table: ${layer} uses ${lower}, which is not listed before it")
    endif()
    list(APPEND allowed_${layer} ${allowed_${lower}})
  endforeach()
  list(REMOVE_DUPLICATES allowed_${layer})
endforeach()

function(layer_folder layer out)
  if(layer STREQUAL "ui" OR layer STREQUAL "app")
    set(${out} ${layer} PARENT_SCOPE)
  else()
    set(${out} core/${layer} PARENT_SCOPE)
  endif()
endfunction()

set(problems "")
# Every folder of the engine must be a layer of the table.
file(GLOB engine_folders LIST_DIRECTORIES true RELATIVE ${ROOT}/core ${ROOT}/core/*)
foreach(folder IN LISTS engine_folders)
  if(IS_DIRECTORY ${ROOT}/core/${folder} AND NOT folder IN_LIST LAYERS)
    list(APPEND problems "core/${folder} is in no layer of the table")
  endif()
endforeach()

set(checked 0)
foreach(layer IN LISTS LAYERS)
  layer_folder(${layer} folder)
  file(GLOB_RECURSE files RELATIVE ${ROOT} ${ROOT}/${folder}/*.h ${ROOT}/${folder}/*.cpp)
  foreach(file IN LISTS files)
    math(EXPR checked "${checked} + 1")
    file(STRINGS ${ROOT}/${file} includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"(core/[a-z_]+|ui|app)/")
    foreach(line IN LISTS includes)
      string(REGEX MATCH "\"[^\"]+\"" header "${line}")
      string(REPLACE "\"" "" header "${header}")
      if(header MATCHES "^core/([a-z_]+)/")
        set(target_layer ${CMAKE_MATCH_1})
      else()
        string(REGEX MATCH "^[a-z]+" target_layer "${header}")
      endif()
      if(NOT target_layer IN_LIST allowed_${layer})
        list(JOIN allowed_${layer} ", " may)
        list(APPEND problems "${file} includes ${header}: ${layer} may include only ${may}")
      endif()
    endforeach()
  endforeach()
endforeach()

if(problems)
  list(JOIN problems "\n  " text)
  message(FATAL_ERROR "include arrows that run against the layers (core/CMakeLists.txt):\n  ${text}")
endif()
message(STATUS "${checked} files, every include follows the layers")
