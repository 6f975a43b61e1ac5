# Sources of ui/cell_view (paths relative to ui/).
target_sources(zodarts_ui PRIVATE
  cell_view/cell_canvas.cpp
  cell_view/cell_graph.cpp
  cell_view/cell_painter.cpp
  cell_view/cell_viewer.cpp
)
