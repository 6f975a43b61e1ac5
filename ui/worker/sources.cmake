# Sources of ui/worker (paths relative to ui/).
target_sources(zodarts_ui PRIVATE
  worker/background_task.h
  worker/job_worker.cpp
  worker/job_worker.h
)
