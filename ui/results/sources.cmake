# Sources of ui/results (paths relative to ui/).
target_sources(zodarts_ui PRIVATE
  results/confusion_matrix_view.cpp
  results/confusion_matrix_view.h
  results/export_job.h
  results/results_panel.cpp
  results/results_panel.h
  results/retrain_curves_plot.cpp
  results/retrain_curves_plot.h
  results/retrain_dialog.cpp
  results/retrain_dialog.h
  results/search_outcome.cpp
  results/search_outcome.h
  results/test_metrics.cpp
  results/test_metrics.h
)
