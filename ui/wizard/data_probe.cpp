#include "core/data/dataset_summary.h"
#include "core/run/run_search.h"

#include "ui/wizard/data_probe.h"

#include <nlohmann/json.hpp>

namespace {

// One uint8 [C, H, W] image (C = 1 or 3) as a QImage that owns its pixels.
QImage toImage(const torch::Tensor& chw) {
  const int64_t c = chw.size(0), h = chw.size(1), w = chw.size(2);
  const auto hwc = chw.permute({1, 2, 0}).contiguous();
  const QImage::Format format = c == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888;
  QImage view(hwc.data_ptr<uint8_t>(), static_cast<int>(w), static_cast<int>(h), static_cast<int>(w * c), format);
  return view.copy();  // the tensor goes away with this function
}

}  // namespace

DataFacts probeDataset(const zd::RunConfig& config) {
  zd::LoadReport report;
  const zd::Dataset data = zd::loadRunDataset(config, &report);
  const nlohmann::json summary = zd::summarizeDataset(data, report);

  DataFacts facts;
  facts.path = QString::fromStdString(config.data.path);
  facts.classes = data.numClasses();
  facts.channels = data.channels();
  facts.image_size = data.imageSize();
  facts.search_images = data.train.size() + data.val.size();
  for (const auto& name : data.class_names) facts.class_names << QString::fromStdString(name);
  facts.summary = QString::fromStdString(zd::formatSummary(summary));

  const auto& ratio = summary.at("imbalance_ratio");
  if (ratio.is_null()) facts.warnings << QStringLiteral("A class has no images at all.");
  else if (ratio.get<double>() >= kImbalanceWarning)
    facts.warnings << QStringLiteral("Classes are imbalanced: the largest is %1× the smallest.")
                          .arg(ratio.get<double>(), 0, 'f', 1);
  if (!summary.at("skipped").empty())
    facts.warnings << QStringLiteral("%1 file(s) were skipped (reasons listed in the summary).")
                          .arg(summary.at("skipped").size());
  if (summary.value("duplicate_pairs", int64_t{0}) > 0)
    facts.warnings << QStringLiteral("%1 identical image pair(s) lie in different splits (a leak).")
                          .arg(summary.value("duplicate_pairs", int64_t{0}));

  // The first few training images of each class.
  const auto labels = data.train.labels.contiguous();
  const auto* label = labels.data_ptr<int64_t>();
  for (int64_t k = 0; k < facts.classes; ++k) facts.thumbnails.append(QList<QImage>());
  for (int64_t i = 0; i < data.train.size(); ++i) {
    auto& strip = facts.thumbnails[static_cast<int>(label[i])];
    if (strip.size() < kThumbnailsPerClass) strip.append(toImage(data.train.images[i]));
  }
  return facts;
}
