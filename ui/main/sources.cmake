# Sources of ui/main (paths relative to ui/).
target_sources(zodarts_ui PRIVATE
  main/main_window.cpp
  main/main_window.h
  main/screenshot_tour.cpp
  main/screenshot_tour.h
)
