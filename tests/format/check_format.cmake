# cmake -DCLANG_FORMAT=<program> -DSTYLE=<.clang-format> -DROOT=<folder> -P check_format.cmake
#
# Fails, naming the files, when a C++ source under ROOT's core, app, ui, tests or
# resources folders differs from what clang-format makes of it with STYLE (the
# repository's .clang-format). Fix with: clang-format -i <the files named>.
cmake_minimum_required(VERSION 3.18)
set(files "")
foreach(folder core app ui tests resources)
  file(GLOB_RECURSE found ${ROOT}/${folder}/*.h ${ROOT}/${folder}/*.cpp)
  list(APPEND files ${found})
endforeach()
# The checkers' own fixtures are deliberately off: they are checked by their tests.
list(FILTER files EXCLUDE REGEX "/tests/(layers|format)/fixture/")
if(ROOT MATCHES "/fixture$")
  file(GLOB_RECURSE files ${ROOT}/*.cpp)
endif()
list(LENGTH files count)
if(count EQUAL 0)
  message(FATAL_ERROR "no sources found under ${ROOT}")
endif()
execute_process(COMMAND ${CLANG_FORMAT} --dry-run --Werror --style=file:${STYLE} ${files}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  string(REGEX MATCHALL "[^ \n]+\\.(cpp|h):[0-9]+:[0-9]+: (error|warning): code should be clang-formatted" hits "${err}")
  set(named "")
  foreach(hit IN LISTS hits)
    string(REGEX REPLACE ":[0-9]+:[0-9]+: .*" "" path "${hit}")
    list(APPEND named ${path})
  endforeach()
  list(REMOVE_DUPLICATES named)
  list(JOIN named "\n  " text)
  message(FATAL_ERROR "not formatted as .clang-format says (fix: clang-format -i FILE):\n  ${text}")
endif()
message(STATUS "${count} files formatted as .clang-format says")
