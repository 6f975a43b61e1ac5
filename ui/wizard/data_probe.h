// What the wizard needs to know about a data set: the summary text, its warnings,
// the facts that size the search space (classes, channels) and a few thumbnails
// per class. Loading can take seconds, so probeDataset runs off the GUI thread.
#pragma once

#include "core/bench/run_time_estimate.h"
#include "core/run/run_config.h"

#include <QImage>
#include <QList>
#include <QString>
#include <QStringList>

#include <cstdint>

// Plain value type, safe to hand between threads.
struct DataFacts {
  QString path;
  int64_t classes = 0;
  int64_t channels = 0;
  int64_t image_size = 0;
  int64_t search_images = 0;  // train + val: what the search halves (§4)
  QStringList class_names;
  QString summary;                  // a few lines of text (zd::formatSummary)
  QStringList warnings;             // imbalance, skipped files, duplicates across splits
  QList<QList<QImage>> thumbnails;  // per class, up to kThumbnailsPerClass images
  bool valid() const { return classes >= 2; }
  zd::DataShape shape() const { return {channels, classes, image_size, search_images}; }
};

constexpr int kThumbnailsPerClass = 8;
// A class this many times larger than the smallest one is worth a warning: the
// search's accuracy then says little about the small classes.
constexpr double kImbalanceWarning = 3.0;

// Loads config.data (a .npz file, an image folder or a manifest, read with
// config.data.images, through the same cache the run uses) and describes it. Throws
// zd::Error naming the path and the problem. Thread-safe: call it from a background thread.
DataFacts probeDataset(const zd::RunConfig& config);
