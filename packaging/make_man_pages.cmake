# Writes man pages for zodarts and each of its sub-commands from their --help text,
# so the pages never drift from the program:
#   cmake -DZODARTS=path/to/zodarts -DOUT=dir -DVERSION=x.y.z -P make_man_pages.cmake
# zodarts.1 lists the sub-commands; zodarts-<sub>.1 holds `zodarts <sub> --help`.

function(help_of out_var)
  execute_process(COMMAND ${ZODARTS} ${ARGN} --help OUTPUT_VARIABLE text RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "zodarts ${ARGN} --help failed (${rc})")
  endif()
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

# roff: a backslash is \e, and a line starting with . or ' is protected by \&.
function(roff_escape out_var text)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

function(write_page name summary help see_also)
  string(TOUPPER "${name}" title)
  roff_escape(body "${help}")
  string(REPLACE "-" "\\-" roff_name "${name}")
  file(WRITE ${OUT}/${name}.1
       ".TH ${title} 1 \"\" \"zodarts ${VERSION}\" \"User Commands\"\n"
       ".SH NAME\n${roff_name} \\- ${summary}\n"
       ".SH DESCRIPTION\n.nf\n${body}\n.fi\n"
       ".SH SEE ALSO\n${see_also}\n")
endfunction()

file(MAKE_DIRECTORY ${OUT})
help_of(main)  # no sub-command: the program's own help
# Usage lines name the build path; the page names the installed command.
string(REGEX REPLACE "Usage: [^ ]*zodarts" "Usage: zodarts" main "${main}")
string(REGEX MATCH "Subcommands:\n(.*)" subs "${main}")
# A ';' would split CMake's list of lines: the summaries (NAME lines) get ',' instead.
string(REPLACE ";" "," subs "${CMAKE_MATCH_1}")
string(REGEX MATCHALL "\n  ([a-z][a-z-]*) +([^\n]*)" lines "\n${subs}")
set(see_also "")
set(names "")
foreach(line IN LISTS lines)
  string(REGEX MATCH "\n  ([a-z][a-z-]*) +([^\n]*)" _ "${line}")
  list(APPEND names ${CMAKE_MATCH_1})
  set(summary_${CMAKE_MATCH_1} "${CMAKE_MATCH_2}")
  string(APPEND see_also ".BR zodarts-${CMAKE_MATCH_1} (1)\n")
endforeach()
if(NOT names)
  message(FATAL_ERROR "no sub-commands found in `zodarts --help`")
endif()
write_page(zodarts "ZO-DARTS++ neural architecture search for medical images (headless)" "${main}"
           "${see_also}.BR zodarts-studio (1)")
foreach(sub IN LISTS names)
  help_of(text ${sub})
  string(REGEX REPLACE "Usage: [^ ]*zodarts" "Usage: zodarts" text "${text}")
  string(REGEX REPLACE "\\.$" "" summary "${summary_${sub}}")
  write_page(zodarts-${sub} "${summary}" "${text}" ".BR zodarts (1)")
endforeach()

# The desktop application's page, from its own --help (Qt, offscreen: no window).
if(STUDIO)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen ${STUDIO} --help
                  OUTPUT_VARIABLE text RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "zodarts-studio --help failed (${rc})")
  endif()
  string(REGEX REPLACE "Usage: [^ ]*zodarts-studio" "Usage: zodarts-studio" text "${text}")
  write_page(zodarts-studio "the ZO-DARTS++ Studio desktop application" "${text}" ".BR zodarts (1)")
endif()

# Installed compressed (Debian policy), reproducibly (-n: no name or time stamp).
file(GLOB pages ${OUT}/*.1)
foreach(page IN LISTS pages)
  execute_process(COMMAND gzip -9nf ${page} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cannot compress ${page}")
  endif()
endforeach()
