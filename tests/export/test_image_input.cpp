// Preparing a new image for an exported model: the bilinear resize equals the
// training pipeline's (resizeImages, batch_augment.h); prepareImage on a file equals
// that file as the data loader + resizeImages + toFloatImages give it; and
// OnnxClassifier::predictFiles (OpenCV DNN) classifies image files as LibTorch does
// on the loaded data set, reporting unreadable files without stopping.
#include "core/common/error.h"
#include "core/data/batch_augment.h"
#include "core/data/image_folder.h"
#include "core/export/image_input.h"
#include "core/export/onnx_classifier.h"
#include "core/export/onnx_export.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <torch/torch.h>

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace {

cv::Mat noise(int w, int h, int seed, int type) {
  cv::Mat m(h, w, type);
  cv::RNG rng(static_cast<uint64>(seed) + 1);
  rng.fill(m, cv::RNG::UNIFORM, 0, 255);
  return m;
}

// Class folders a/ and b/ of noise images of assorted sizes; colour ones when `colour`.
void writeFolder(const fs::path& root, bool colour) {
  const int sizes[][2] = {{40, 30}, {28, 28}, {17, 50}, {64, 64}, {33, 29}, {100, 80}};
  for (int i = 0; i < 6; ++i) {
    const fs::path p = root / (i % 2 ? "b" : "a") / ("img" + std::to_string(i) + ".png");
    fs::create_directories(p.parent_path());
    const int type = colour && i % 3 == 0 ? CV_8UC3 : CV_8UC1;
    QVERIFY(cv::imwrite(p.string(), noise(sizes[i][0], sizes[i][1], i, type)));
  }
}

// The whole folder as training sees it, with the file behind each image.
struct Loaded {
  zd::Dataset data;
  std::vector<std::string> files;
};

Loaded loadAll(const fs::path& root, int size, bool pad) {
  zd::ImageLoadOptions o;
  o.size = size;
  o.pad = pad;
  o.train = 1;
  o.val = 0;
  o.test = 0;
  zd::LoadReport report;
  Loaded l{zd::loadImageFolder(root, o, &report), {}};
  l.files = report.train_files;
  return l;
}

}  // namespace

class TestImageInput : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

 private slots:
  void bilinearMatchesResizeImages_data();
  void bilinearMatchesResizeImages();
  void prepareImageMatchesTraining_data();
  void prepareImageMatchesTraining();
  void predictMatchesLibTorch();
};

void TestImageInput::bilinearMatchesResizeImages_data() {
  QTest::addColumn<int>("from");
  QTest::addColumn<int>("to");
  QTest::newRow("28 -> 32 (the paper's)") << 28 << 32;
  QTest::newRow("28 -> 64") << 28 << 64;
  QTest::newRow("64 -> 32 (down)") << 64 << 32;
  QTest::newRow("17 -> 23") << 17 << 23;
  QTest::newRow("same size") << 28 << 28;
}

void TestImageInput::bilinearMatchesResizeImages() {
  QFETCH(int, from);
  QFETCH(int, to);
  torch::manual_seed(from * 31 + to);
  const torch::Tensor images = torch::randint(0, 256, {4, 1, from, from}, torch::kUInt8);
  zd::ImageSet set{images, torch::zeros({4}, torch::kInt64)};
  const torch::Tensor expected = zd::resizeImages(set, to).images.contiguous();
  int64_t differ = 0;
  for (int64_t i = 0; i < 4; ++i) {
    const torch::Tensor plane = images[i][0].contiguous();
    std::vector<uint8_t> src(plane.data_ptr<uint8_t>(), plane.data_ptr<uint8_t>() + plane.numel());
    const auto got = zd::bilinearResizePlane(src, from, to);
    const torch::Tensor e = expected[i][0].contiguous();
    for (int64_t k = 0; k < e.numel(); ++k) differ += got[static_cast<size_t>(k)] != e.data_ptr<uint8_t>()[k];
  }
  QCOMPARE(differ, int64_t{0});
}

void TestImageInput::prepareImageMatchesTraining_data() {
  QTest::addColumn<bool>("colour");
  QTest::addColumn<bool>("pad");
  QTest::addColumn<int>("data_size");
  QTest::addColumn<int>("input_size");
  QTest::newRow("grey, crop, 28 -> 32") << false << false << 28 << 32;
  QTest::newRow("grey + colour, pad, 28 -> 32") << true << true << 28 << 32;
  QTest::newRow("grey + colour, crop, 64 -> 64") << true << false << 64 << 64;
}

void TestImageInput::prepareImageMatchesTraining() {
  QFETCH(bool, colour);
  QFETCH(bool, pad);
  QFETCH(int, data_size);
  QFETCH(int, input_size);
  const fs::path root = fs::path(dir_.path().toStdString()) / QTest::currentDataTag();
  writeFolder(root, colour);
  const Loaded l = loadAll(root, data_size, pad);
  QCOMPARE(l.data.channels(), int64_t{colour ? 3 : 1});
  const torch::Tensor expected = zd::toFloatImages(zd::resizeImages(l.data.train, input_size).images);
  zd::ModelInputSpec spec;
  spec.channels = static_cast<int>(l.data.channels());
  spec.data_size = data_size;
  spec.input_size = input_size;
  spec.pad = pad;
  QCOMPARE(static_cast<int64_t>(l.files.size()), expected.size(0));
  for (size_t i = 0; i < l.files.size(); ++i) {
    const std::vector<float> got = zd::prepareImage(l.files[i], spec);
    const torch::Tensor e = expected[static_cast<int64_t>(i)].contiguous();
    QCOMPARE(static_cast<int64_t>(got.size()), e.numel());
    const torch::Tensor g = torch::from_blob(const_cast<float*>(got.data()), e.sizes(), torch::kFloat32);
    QVERIFY2(torch::equal(g, e), l.files[i].c_str());
  }
}

void TestImageInput::predictMatchesLibTorch() {
  const fs::path root = fs::path(dir_.path().toStdString()) / "predict";
  writeFolder(root, true);
  const Loaded l = loadAll(root, 28, false);
  zd::ModelCard card;
  card.genotype.stages = {
      zd::StageGenotype::fromString(
          "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|nor_conv_5x5~1|avg_pool_3x3~2|", 1),
      zd::StageGenotype::fromString("|avg_pool_3x3~0|+|nor_conv_7x7~0|none~1|+|skip_connect~0|none~1|nor_conv_1x1~2|",
                                    2),
      zd::StageGenotype::fromString("|nor_conv_1x1~0|+|none~0|skip_connect~1|+|nor_conv_3x3~0|none~1|avg_pool_3x3~2|",
                                    1)};
  card.network = {/*in_channels=*/3, /*classes=*/2, /*channels=*/4};
  card.data_size = 28;
  card.input_size = 32;
  card.class_names = l.data.class_names;
  torch::manual_seed(11);
  zd::DiscreteNetwork net(card.genotype, card.network);
  {
    torch::NoGradGuard no_grad;
    for (auto& b : net->named_buffers())
      if (b.key().find("running_var") != std::string::npos) b.value().uniform_(0.5, 2.0);
  }
  net->eval();
  const fs::path file = root / "model.onnx";
  zd::exportOnnx(net, card, file);

  torch::Tensor probs;
  {
    torch::NoGradGuard no_grad;
    probs = torch::softmax(net->forward(zd::toFloatImages(zd::resizeImages(l.data.train, 32).images)), 1);
  }
  std::vector<fs::path> files(l.files.begin(), l.files.end());
  const fs::path broken = root / "broken.png";
  std::ofstream(broken, std::ios::binary) << "\x89PNG\r\n\x1a\n not really";
  files.insert(files.begin() + 1, broken);

  zd::OnnxClassifier classifier(file);
  const auto predictions = classifier.predictFiles(files, /*batch=*/4);
  QCOMPARE(predictions.size(), files.size());
  QVERIFY2(predictions[1].error.find("broken.png") != std::string::npos, predictions[1].error.c_str());
  QCOMPARE(predictions[1].class_index, -1);
  for (size_t i = 0, k = 0; i < predictions.size(); ++i) {
    if (i == 1) continue;
    const auto& p = predictions[i];
    QVERIFY2(p.error.empty(), p.error.c_str());
    const auto row = static_cast<int64_t>(k++);
    QCOMPARE(p.class_index, probs[row].argmax().item<int>());
    QCOMPARE(p.class_name, card.class_names[static_cast<size_t>(p.class_index)]);
    for (int c = 0; c < 2; ++c)
      QVERIFY(std::abs(p.probabilities[static_cast<size_t>(c)] - probs[row][c].item<double>()) < 1e-5);
  }
}

QTEST_GUILESS_MAIN(TestImageInput)
#include "test_image_input.moc"
