// Small plots on the dashboard and the Results page keep their legend in a row
// below the axes, so it never hides the curves it explains.
#pragma once

class QCustomPlot;

// Shows `plot`'s legend below its axis rect, `columns` entries per row, small and frameless.
void placeLegendBelow(QCustomPlot* plot, int columns);
