#include "core/run/run_evaluate.h"

#include "core/common/atomic_file.h"
#include "core/common/device.h"
#include "core/common/error.h"
#include "core/data/batch_augment.h"
#include "core/run/run_directory.h"
#include "core/run/run_report.h"
#include "core/run/run_search.h"
#include "core/run/run_train.h"
#include "core/train/curves_csv.h"
#include "core/train/inference.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

namespace zd {
namespace fs = std::filesystem;

EvaluationOutcome evaluateRun(const fs::path& run_dir, const std::string& device_spec, int threads,
                              const std::function<void(const std::string&)>& status) {
  const RunDirectory dir = RunDirectory::open(run_dir);
  RunConfig config = dir.readConfig();
  if (!device_spec.empty()) config.device = device_spec;
  if (threads >= 0) config.threads = threads;
  configureThreads(config.threads);
  const auto device = resolveDevice(config.device);
  configureCudnn(config.cudnn_benchmark);

  TrainedModel model = loadTrainedModel(dir.path());
  const ModelCard& card = model.card;
  const Dataset dataset = loadRunDataset(config);
  const std::string source = config.data.path;
  if (dataset.channels() != card.network.in_channels)
    throw DataError(source + ": images have " + std::to_string(dataset.channels()) + " channel(s), the model expects " +
                    std::to_string(card.network.in_channels));
  if (dataset.numClasses() != card.network.classes)
    throw DataError(source + ": " + std::to_string(dataset.numClasses()) + " classes, the model was trained on " +
                    std::to_string(card.network.classes));
  if (dataset.imageSize() != card.data_size)
    throw DataError(source + ": images load at " + std::to_string(dataset.imageSize()) + "×" +
                    std::to_string(dataset.imageSize()) + ", the model was trained on " +
                    std::to_string(card.data_size) + "×" + std::to_string(card.data_size));
  if (dataset.test.size() == 0) throw DataError(source + ": no test images to evaluate on");

  // Evaluation at the training resolution (§7: not at the raw size, as the reference did).
  const ImageSet test = card.input_size != dataset.test.height() ? resizeImages(dataset.test, card.input_size)
                                                                 : dataset.test;
  if (status)
    status("evaluating " + std::to_string(test.size()) + " test images at " + std::to_string(card.input_size) + "×" +
           std::to_string(card.input_size) + " on " + describeDevice(device));
  model.network->to(device);
  const auto logits = predictLogits(model.network, test.images, config.train.batch, device);
  const auto probabilities = torch::softmax(logits.to(torch::kDouble), 1);

  EvaluationOutcome out;
  out.card = card;
  out.test_images = test.size();
  out.metrics = computeMetrics(probabilities, test.labels);
  out.metrics_path = dir.path() / "metrics.json";
  out.report_path = dir.reportPath();

  auto j = toJson(out.metrics, card.class_names);
  j["split"] = "test";
  j["data"] = source;
  j["genotype"] = card.genotype.toString();
  j["best_epoch"] = card.best_epoch;
  writeFileAtomically(out.metrics_path, j.dump(2) + "\n");

  RunReportInputs report;
  report.config = config;
  report.card = card;
  report.params = countParameters(*model.network);
  report.train_images = dataset.train.size();
  report.val_images = dataset.val.size();
  report.test_images = test.size();
  const fs::path curves = dir.path() / kTrainCurvesFile;
  if (fs::exists(curves)) report.curves = readCurvesCsv(curves);
  report.metrics = out.metrics;
  writeFileAtomically(out.report_path, runReportMarkdown(report));
  return out;
}

}  // namespace zd
