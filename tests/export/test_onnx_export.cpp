// ONNX export: for many genotypes the file, run by OpenCV's DNN module (an
// independent runtime), gives LibTorch's eval-mode logits; the ONNX checker passes
// on the written file; the metadata reads back; `none` edges and dead nodes leave no
// convolution behind; bad targets and cards that do not fit fail cleanly.
#include "core/common/error.h"
#include "core/export/onnx_classifier.h"
#include "core/export/onnx_export.h"
#include "core/export/onnx_metadata.h"
#include "core/run/export_verify.h"

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <opencv2/core.hpp>
#include <torch/torch.h>

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <random>

namespace fs = std::filesystem;

namespace {

struct Case {
  std::string stage[3];
  int depth[3] = {1, 1, 1};
};

zd::Genotype genotypeOf(const Case& c) {
  zd::Genotype g;
  for (int s = 0; s < 3; ++s) g.stages.push_back(zd::StageGenotype::fromString(c.stage[s], c.depth[s]));
  return g;
}

zd::ModelCard cardFor(const zd::Genotype& g, int in_channels, int classes, int channels, int size) {
  zd::ModelCard card;
  card.genotype = g;
  card.network.in_channels = in_channels;
  card.network.classes = classes;
  card.network.channels = channels;
  card.data_size = size == 64 ? 64 : 28;
  card.input_size = size;
  card.pad = size == 64;
  for (int c = 0; c < classes; ++c) card.class_names.push_back("class \"" + std::to_string(c) + "\" é");
  return card;
}

// Random weights and, above all, random BatchNorm statistics and affine parameters,
// so that a BatchNorm exported wrongly (training statistics, no folding, the wrong
// ε) shows in the logits.
zd::DiscreteNetwork randomNetwork(const zd::ModelCard& card, uint64_t seed) {
  torch::manual_seed(seed);
  zd::DiscreteNetwork net(card.genotype, card.network);
  torch::NoGradGuard no_grad;
  for (auto& p : net->named_parameters()) {
    const auto& name = p.key();
    if (name.find("bn.weight") != std::string::npos || name.find("bn_a.weight") != std::string::npos ||
        name.find("bn_b.weight") != std::string::npos)
      p.value().uniform_(0.5, 1.5);
    else if (name.find("bn") != std::string::npos) p.value().normal_(0, 0.2);
  }
  for (auto& b : net->named_buffers()) {
    if (b.key().find("running_mean") != std::string::npos) b.value().normal_(0, 0.3);
    if (b.key().find("running_var") != std::string::npos) b.value().uniform_(0.5, 2.0);
  }
  net->eval();
  return net;
}

int64_t countOps(const fs::path& file, const std::string& op) {
  onnx::ModelProto model;
  std::ifstream in(file, std::ios::binary);
  if (!model.ParseFromIstream(&in)) return -1;
  int64_t n = 0;
  for (const auto& node : model.graph().node()) n += node.op_type() == op;
  return n;
}

const char* kCheck1 = "|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|nor_conv_5x5~1|avg_pool_3x3~2|";
const char* kDisconnected = "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|";

}  // namespace

class TestOnnxExport : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

 private slots:
  void matchesLibTorch_data();
  void matchesLibTorch();
  void metadataReadsBack();
  void verificationPassesItsOwnExportAndCatchesAnother();
  void unwritableTargetLeavesNoFile();
  void cardThatDoesNotFitIsRejected_data();
  void cardThatDoesNotFitIsRejected();
};

void TestOnnxExport::matchesLibTorch_data() {
  QTest::addColumn<std::vector<std::string>>("stages");
  QTest::addColumn<std::vector<int>>("depths");
  QTest::addColumn<int>("in_channels");
  QTest::addColumn<int>("classes");
  QTest::addColumn<int>("size");
  QTest::addColumn<int>("convs");  // hand-counted Conv nodes (stem + kept conv edges + 3 per reduction); -1: unchecked

  // Every op and kernel size, depths 1–3, all nodes live: 1 + 4 + 2·3 + 3·2 + 6 convs.
  QTest::newRow("every op, depths 1-3, 1ch, 2 classes, 28")
      << std::vector<
             std::string>{"|nor_conv_1x1~0|+|nor_conv_3x3~0|nor_conv_5x5~1|+|nor_conv_7x7~0|avg_pool_3x3~1|skip_"
                          "connect~2|",
                          "|avg_pool_3x3~0|+|skip_connect~0|nor_conv_3x3~1|+|none~0|nor_conv_1x1~1|nor_conv_5x5~2|",
                          "|nor_conv_7x7~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|"}
      << std::vector<int>{1, 2, 3} << 1 << 2 << 28 << 23;
  // Stage 2's cells have no path to their output: both give zeros, which the
  // reduction after them turns into a constant (so a wrong zero shows). Stage 3's node 1
  // feeds nothing: pruned. 1 + 3 + 0 + 2 + 6 convs.
  QTest::newRow("disconnected cell, dead node, 3ch, 11 classes, 64")
      << std::vector<std::string>{kCheck1, kDisconnected,
                                  "|avg_pool_3x3~0|+|nor_conv_1x1~0|none~1|+|none~0|none~1|nor_conv_7x7~2|"}
      << std::vector<int>{1, 2, 1} << 3 << 11 << 64 << 12;
  // Node 1 computed but feeding only `none` (pruned); nodes 1, 2 without any input
  // (their edges dropped); then a dense stage. 1 + 0 + 1·3 + 6·2 + 6 convs.
  QTest::newRow("dead and undefined nodes, 1ch, 11 classes, 64")
      << std::vector<std::string>{"|nor_conv_5x5~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|",
                                  "|none~0|+|none~0|none~1|+|nor_conv_1x1~0|avg_pool_3x3~1|nor_conv_3x3~2|",
                                  "|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|nor_conv_7x7~0|nor_conv_5x5~1|nor_"
                                  "conv_3x3~2|"}
      << std::vector<int>{1, 3, 2} << 1 << 11 << 64 << 22;
  // Identity and pooling only in two stages: sums of equal inputs, no cell convs.
  QTest::newRow("skips and pools, 3ch, 2 classes, 28")
      << std::vector<
             std::string>{"|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_"
                          "connect~2|",
                          "|avg_pool_3x3~0|+|avg_pool_3x3~0|avg_pool_3x3~1|+|avg_pool_3x3~0|avg_pool_3x3~1|avg_pool_"
                          "3x3~2|",
                          "|nor_conv_1x1~0|+|avg_pool_3x3~0|skip_connect~1|+|nor_conv_3x3~0|none~1|skip_connect~2|"}
      << std::vector<int>{2, 1, 1} << 3 << 2 << 28 << 9;
  // Every cell disconnected: the logits depend on nothing but the weights.
  QTest::newRow("all cells disconnected, 1ch, 2 classes, 28")
      << std::vector<std::string>{kDisconnected, kDisconnected, kDisconnected} << std::vector<int>{1, 2, 3} << 1 << 2
      << 28 << 7;
  // Genotypes drawn uniformly from the whole space.
  std::mt19937_64 rng(2024);
  for (int i = 0; i < 6; ++i) {
    const zd::Genotype g = zd::Genotype::random(rng, 3);
    std::vector<std::string> stages;
    std::vector<int> depths;
    for (const auto& s : g.stages) stages.push_back(s.toString()), depths.push_back(s.depth);
    QTest::newRow(("random genotype " + std::to_string(i)).c_str())
        << stages << depths << (i % 2 ? 3 : 1) << (i % 3 ? 2 : 11) << (i % 2 ? 28 : 64) << -1;
  }
}

void TestOnnxExport::matchesLibTorch() {
  QFETCH(std::vector<std::string>, stages);
  QFETCH(std::vector<int>, depths);
  QFETCH(int, in_channels);
  QFETCH(int, classes);
  QFETCH(int, size);
  QFETCH(int, convs);
  Case c{{stages[0], stages[1], stages[2]}, {depths[0], depths[1], depths[2]}};
  const zd::ModelCard card = cardFor(genotypeOf(c), in_channels, classes, /*channels=*/4, size);
  zd::DiscreteNetwork net = randomNetwork(card, /*seed=*/static_cast<uint64_t>(size * 100 + classes));
  const fs::path file = fs::path(dir_.path().toStdString()) / "model.onnx";
  const zd::OnnxExportInfo info = zd::exportOnnx(net, card, file);
  QVERIFY(info.nodes > 0 && info.bytes > 0);
  if (convs >= 0) QCOMPARE(countOps(file, "Conv"), static_cast<int64_t>(convs));

  zd::OnnxClassifier runner(file);
  for (int batch : {3, 1}) {  // the batch dimension is dynamic
    const torch::Tensor x = torch::rand({batch, in_channels, size, size});
    torch::Tensor expected;
    {
      torch::NoGradGuard no_grad;
      expected = net->forward(x);
    }
    const auto rows = runner.logits(zd::tensorToBlob(x));
    QCOMPARE(static_cast<int64_t>(rows.size()), static_cast<int64_t>(batch));
    double worst = 0;
    for (int i = 0; i < batch; ++i) {
      QCOMPARE(static_cast<int>(rows[static_cast<size_t>(i)].size()), classes);
      for (int k = 0; k < classes; ++k)
        worst = std::max(worst, std::abs(static_cast<double>(rows[static_cast<size_t>(i)][static_cast<size_t>(k)]) -
                                         expected[i][k].item<double>()));
    }
    QVERIFY2(worst < 1e-4,
             ("max |OpenCV − LibTorch| = " + std::to_string(worst) + " at batch " + std::to_string(batch) +
              "; logits scale " + std::to_string(expected.abs().max().item<double>()))
                 .c_str());
  }
}

// The verification the CLI and the GUI show after an export: it must pass on the
// file just written and fail on a file of the same shape with other weights.
void TestOnnxExport::verificationPassesItsOwnExportAndCatchesAnother() {
  Case c{{kCheck1, kCheck1, kCheck1}, {1, 2, 1}};
  const zd::ModelCard card = cardFor(genotypeOf(c), 1, 3, 4, 32);
  zd::DiscreteNetwork net = randomNetwork(card, 7);
  zd::DiscreteNetwork other = randomNetwork(card, 8);
  const fs::path own = fs::path(dir_.path().toStdString()) / "own.onnx";
  const fs::path foreign = fs::path(dir_.path().toStdString()) / "other.onnx";
  zd::exportOnnx(net, card, own);
  zd::exportOnnx(other, card, foreign);
  torch::manual_seed(1);
  const torch::Tensor images = torch::randint(0, 256, {10, 1, 32, 32}).to(torch::kUInt8);

  const zd::OnnxVerification ok = zd::verifyOnnxModel(net, own, images);
  QCOMPARE(ok.images, int64_t{10});
  QVERIFY2(ok.max_abs_diff < 1e-4, ok.summary().c_str());
  QCOMPARE(ok.same_class, int64_t{10});
  QVERIFY(ok.passed());
  QVERIFY(ok.summary().find("OK") != std::string::npos);

  const zd::OnnxVerification bad = zd::verifyOnnxModel(net, foreign, images);
  QVERIFY2(bad.max_abs_diff > 1e-2, bad.summary().c_str());
  QVERIFY(!bad.passed());
  QVERIFY(bad.summary().find("MISMATCH") != std::string::npos);

  QVERIFY_THROWS_EXCEPTION(zd::DataError, zd::verifyOnnxModel(net, own, torch::zeros({0, 1, 32, 32}, torch::kUInt8)));
}

void TestOnnxExport::metadataReadsBack() {
  Case c{{kCheck1, kDisconnected, kCheck1}, {1, 2, 3}};
  const zd::ModelCard card = cardFor(genotypeOf(c), 3, 11, 4, 64);
  const fs::path file = fs::path(dir_.path().toStdString()) / "meta.onnx";
  zd::exportOnnx(randomNetwork(card, 7), card, file);

  // The written file passes the checker on its own (not only the exporter's in-memory check).
  try {
    onnx::checker::check_model(file.string());
  } catch (const std::exception& e) {
    QFAIL(e.what());
  }
  const zd::OnnxModelInfo info = zd::readOnnxModelInfo(file);
  QCOMPARE(info.opset, int64_t{13});
  QVERIFY(info.class_names == card.class_names);
  QCOMPARE(info.input.channels, 3);
  QCOMPARE(info.input.input_size, 64);
  QCOMPARE(info.input.data_size, 64);
  QCOMPARE(info.input.pad, true);
  QCOMPARE(info.metadata.at("preprocessing"), card.preprocessingText());
  QCOMPARE(info.metadata.at("genotype"), card.genotype.toString());
  QVERIFY(zd::Genotype::fromJson(nlohmann::json::parse(info.metadata.at("genotype_json"))) == card.genotype);
  QCOMPARE(info.metadata.at("tool_version").rfind("zodarts ", 0), size_t{0});

  onnx::ModelProto model;
  std::ifstream in(file, std::ios::binary);
  QVERIFY(model.ParseFromIstream(&in));
  const auto& input = model.graph().input(0);
  QCOMPARE(input.name(), std::string("image"));
  const auto& dims = input.type().tensor_type().shape().dim();
  QCOMPARE(dims.size(), 4);
  QCOMPARE(dims[0].dim_param(), std::string("N"));
  QCOMPARE(dims[1].dim_value(), int64_t{3});
  QCOMPARE(dims[2].dim_value(), int64_t{64});
  QCOMPARE(model.graph().output(0).name(), std::string("logits"));
  QCOMPARE(input.type().tensor_type().elem_type(), static_cast<int>(onnx::TensorProto::FLOAT));
}

void TestOnnxExport::unwritableTargetLeavesNoFile() {
  Case c{{kCheck1, kCheck1, kCheck1}, {1, 1, 1}};
  const zd::ModelCard card = cardFor(genotypeOf(c), 1, 2, 4, 28);
  const zd::DiscreteNetwork net = randomNetwork(card, 3);
  const fs::path root = fs::path(dir_.path().toStdString()) / "unwritable";
  fs::create_directories(root / "model.onnx");  // the target is a folder: the rename must fail
  const fs::path targets[] = {root / "missing" / "model.onnx", root / "model.onnx"};
  for (const fs::path& target : targets) {
    QString message;
    try {
      zd::exportOnnx(net, card, target);
      message = "NO EXCEPTION";
    } catch (const zd::IoError& e) {
      message = QString::fromUtf8(e.what());
    } catch (const std::exception& e) {
      message = QString("WRONG EXCEPTION: ") + e.what();
    }
    QVERIFY2(message.contains(QString::fromStdString(target.string())) && message.contains("nothing was written"),
             qPrintable(message));
  }
  // Nothing left behind: no model, no temporary file.
  std::vector<std::string> left;
  for (const auto& e : fs::recursive_directory_iterator(root)) left.push_back(e.path().filename().string());
  QCOMPARE(left, std::vector<std::string>{"model.onnx"});  // the folder we made
  QVERIFY(fs::is_empty(root / "model.onnx"));
}

void TestOnnxExport::cardThatDoesNotFitIsRejected_data() {
  QTest::addColumn<QString>("what");
  QTest::addColumn<QString>("expected");
  QTest::newRow("3-channel card, 1-channel network") << "channels"
                                                     << "input channels";
  QTest::newRow("11-class card, 2-class network") << "classes"
                                                  << "classes";
  QTest::newRow("3 class names for 2 classes") << "names"
                                               << "class names";
  QTest::newRow("another genotype") << "genotype"
                                    << "genotype";
  QTest::newRow("input size 30") << "size"
                                 << "multiple of 4";
}

void TestOnnxExport::cardThatDoesNotFitIsRejected() {
  QFETCH(QString, what);
  QFETCH(QString, expected);
  Case c{{kCheck1, kCheck1, kCheck1}, {1, 1, 1}};
  const zd::ModelCard good = cardFor(genotypeOf(c), 1, 2, 4, 28);
  const zd::DiscreteNetwork net = randomNetwork(good, 5);
  zd::ModelCard card = good;
  if (what == "channels") card.network.in_channels = 3;
  if (what == "classes") card.network.classes = 11;
  if (what == "names") card.class_names.push_back("extra");
  if (what == "genotype") card.genotype.stages[1].depth = 2;
  if (what == "size") card.input_size = 30;
  const fs::path file = fs::path(dir_.path().toStdString()) / "rejected.onnx";
  QString message;
  try {
    zd::exportOnnx(net, card, file);
    message = "NO EXCEPTION";
  } catch (const zd::ConfigError& e) {
    message = QString::fromUtf8(e.what());
  } catch (const std::exception& e) {
    message = QString("WRONG EXCEPTION: ") + e.what();
  }
  QVERIFY2(message.contains(expected) && message.startsWith("ONNX export"), qPrintable(message));
  QVERIFY(!fs::exists(file));
}

QTEST_GUILESS_MAIN(TestOnnxExport)
#include "test_onnx_export.moc"
