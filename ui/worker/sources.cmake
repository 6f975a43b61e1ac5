# Sources of ui/worker (paths relative to ui/).
target_sources(zodarts_ui PRIVATE
  worker/background_task.h
  worker/search_worker.cpp
  worker/search_worker.h
)
