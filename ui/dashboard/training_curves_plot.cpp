#include "ui/dashboard/training_curves_plot.h"

TrainingCurvesPlot::TrainingCurvesPlot(QWidget* parent)
    : LossAccuracyPlot(tr("epoch"), tr("weight half"), tr("architecture half"), Qt::gray, parent) {}

void TrainingCurvesPlot::refresh(const RunPlotData& data) {
  setCurves(data.epoch, data.trainLoss, data.archLoss, data.trainAccuracy, data.archAccuracy, data.epochs,
            data.phaseChangeEpoch);
}
