# Sources of ui/study (paths relative to ui/).
target_sources(zodarts_ui PRIVATE
  study/compare_page.cpp
  study/compare_page.h
  study/study_launch.cpp
  study/study_launch.h
  study/study_view.cpp
  study/study_view.h
)
