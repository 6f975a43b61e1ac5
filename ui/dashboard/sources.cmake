# Sources of ui/dashboard (paths relative to ui/).
target_sources(zodarts_ui PRIVATE
  dashboard/accuracy_size_plot.cpp
  dashboard/architecture_panel.cpp
  dashboard/count_ticker.cpp
  dashboard/distribution_heat_map.cpp
  dashboard/edge_history_plot.cpp
  dashboard/loss_accuracy_plot.cpp
  dashboard/plot_legend.cpp
  dashboard/run_dashboard.cpp
  dashboard/run_model.cpp
  dashboard/run_plot_data.cpp
  dashboard/run_progress_panel.cpp
  dashboard/schedule_plot.cpp
  dashboard/training_curves_plot.cpp
)
