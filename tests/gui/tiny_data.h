// A tiny MedMNIST-style .npz for the GUI tests: 2 classes of 28×28 grayscale images
// (class 1 brighter than class 0, so a search has something to learn), written once
// into `dir`, and the tiny search setting (C=4, N=1) the GUI tests run on it.
#pragma once

#include "core/data/npz_writer.h"
#include "core/run/run_config.h"

#include <QDir>
#include <QString>

#include <string>

inline zd::ImageSet tinyImages(int64_t n, int64_t seed) {
  torch::manual_seed(seed);
  auto labels = torch::arange(n, torch::kLong).remainder(2);
  auto images = torch::randint(0, 128, {n, 1, 28, 28}, torch::kLong) + labels.view({n, 1, 1, 1}) * 100;
  return zd::ImageSet{images.clamp(0, 255).to(torch::kUInt8), labels};
}

// Writes tiny.npz (train 96, val 32, test 32 images) into `dir`; returns its path.
inline QString writeTinyNpz(const QString& dir, int64_t train = 96) {
  zd::Dataset data;
  data.class_names = {"dark", "bright"};
  data.train = tinyImages(train, 1);
  data.val = tinyImages(32, 2);
  data.test = tinyImages(32, 3);
  const QString path = QDir(dir).filePath(QStringLiteral("tiny.npz"));
  zd::writeMedmnistNpz(path.toStdString(), data);
  return path;
}

// A search of a few seconds on tiny.npz: C=4, N=1, phase 2 from epoch 1, one thread.
inline zd::RunConfig tinySearchConfig(const QString& data, const QString& out, int epochs) {
  zd::RunConfig c;
  c.data.path = data.toStdString();
  c.out = out.toStdString();
  c.device = "cpu";
  c.threads = 1;
  auto& s = c.search;
  s.network.channels = 4;
  s.network.cells = 1;
  s.epochs = epochs;
  s.switch_epoch = 1;
  s.batch = 16;
  s.arch.rounds = 2;
  s.augment.resize = 0;
  s.budget.samples = 50;
  return c;
}
