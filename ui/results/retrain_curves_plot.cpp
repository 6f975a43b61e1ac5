#include "ui/results/retrain_curves_plot.h"

RetrainCurvesPlot::RetrainCurvesPlot(QWidget* parent)
    : LossAccuracyPlot(tr("retraining epoch"), tr("training (mixed, smoothed)"), tr("validation"), QColor(0, 140, 60),
                       parent) {
  setMinimumHeight(220);
}

void RetrainCurvesPlot::refresh(const RunPlotData& data) {
  // The kept epoch: its weights are the model that is evaluated and exported.
  const double kept = data.retrainEpoch.isEmpty() ? -1 : data.retrainBestEpoch;
  setCurves(data.retrainEpoch, data.retrainLoss, data.retrainValLoss, data.retrainAccuracy, data.retrainValAccuracy,
            data.retrainEpochs, kept);
}
