// The retraining's learning curves as a file any plotting tool reads (curves.csv
// in the run directory, rewritten after every epoch).
#pragma once

#include "core/job/job_events.h"

#include <filesystem>
#include <vector>

namespace zd {

// CSV of the curves, header "epoch,lr,train_loss,train_accuracy,val_loss,
// val_accuracy,best_epoch,best_val_accuracy,seconds" and one row per epoch (epochs
// 1-based as printed), written atomically; throws IoError naming the file.
void writeCurvesCsv(const std::filesystem::path& path, const std::vector<TrainEpochFinished>& curves);

// Reads writeCurvesCsv's file back; throws DataError naming the file and line.
std::vector<TrainEpochFinished> readCurvesCsv(const std::filesystem::path& path);

}  // namespace zd
