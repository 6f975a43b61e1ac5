// MedMNIST .npz reading and writing, the .npy header format and loadDataset.
// Fixtures are written in a temp folder: valid files through writeMedmnistNpz,
// malformed ones member by member through libzip.
#include "core/common/error.h"
#include "core/data/dataset_loader.h"
#include "core/data/npy_format.h"
#include "core/data/npz_reader.h"
#include "core/data/npz_writer.h"
#include "tests/common/error_message.h"

#include <torch/torch.h>
#include <zip.h>

#include <QtTest>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace fs = std::filesystem;

namespace {

// A small data set with distinct pixel values and labels 0..classes-1 repeating.
zd::Dataset makeDataset(int64_t train, int64_t val, int64_t test, int64_t channels, int64_t side, int64_t classes) {
  auto split = [&](int64_t n, int64_t offset) {
    zd::ImageSet s;
    s.images = (torch::arange(n * channels * side * side, torch::kInt64) + offset)
                   .remainder(256)
                   .to(torch::kUInt8)
                   .reshape({n, channels, side, side});
    s.labels = torch::arange(n, torch::kInt64).remainder(classes);
    return s;
  };
  zd::Dataset d;
  d.train = split(train, 0);
  d.val = split(val, 7);
  d.test = split(test, 13);
  for (int64_t c = 0; c < classes; ++c) d.class_names.push_back("class " + std::to_string(c));
  return d;
}

// The .npy bytes of a tensor, written as `shape` (default: the tensor's own).
std::string npyBytes(const torch::Tensor& t, std::vector<int64_t> shape = {}) {
  if (shape.empty()) shape = t.sizes().vec();
  const auto c = t.contiguous();
  return zd::encodeNpyHeader(zd::npyDtypeOf(t.scalar_type()), shape) +
         std::string(static_cast<const char*>(c.data_ptr()), static_cast<size_t>(c.numel() * c.element_size()));
}

using Members = std::map<std::string, std::string>;  // key (without .npy) → .npy bytes

// The members of a valid grayscale file: 10/4/6 images of 28×28, 3 classes, uint8 N×1 labels.
Members validMembers() {
  const zd::Dataset d = makeDataset(10, 4, 6, 1, 28, 3);
  Members m;
  const std::pair<const char*, const zd::ImageSet*> splits[] = {
      {"train", &d.train}, {"val", &d.val}, {"test", &d.test}};
  for (const auto& [name, set] : splits) {
    const int64_t n = set->size();
    m[std::string(name) + "_images"] = npyBytes(set->images.reshape({n, 28, 28}));
    m[std::string(name) + "_labels"] = npyBytes(set->labels.to(torch::kUInt8).reshape({n, 1}));
  }
  return m;
}

// Writes `members` as a zip with stored (uncompressed) entries.
void writeRawZip(const fs::path& path, const Members& members) {
  int code = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
  QVERIFY(z);
  for (const auto& [key, bytes] : members) {
    zip_source_t* src = zip_source_buffer(z, bytes.data(), bytes.size(), 0);
    const zip_int64_t i = zip_file_add(z, (key + ".npy").c_str(), src, ZIP_FL_OVERWRITE);
    QVERIFY(i >= 0);
    zip_set_file_compression(z, static_cast<zip_uint64_t>(i), ZIP_CM_STORE, 0);
  }
  QCOMPARE(zip_close(z), 0);
}

// Label bytes of any integer dtype, built by hand (including big-endian).
std::string labelNpy(const std::vector<int64_t>& values, const zd::NpyDtype& dtype, bool column) {
  std::string payload;
  for (const int64_t v : values) {
    std::string le;
    for (int i = 0; i < dtype.size; ++i) le += static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xff);
    if (dtype.big_endian) std::reverse(le.begin(), le.end());
    payload += le;
  }
  const auto n = static_cast<int64_t>(values.size());
  return zd::encodeNpyHeader(dtype, column ? std::vector<int64_t>{n, 1} : std::vector<int64_t>{n}) + payload;
}

QString message(const std::function<void()>& f) { return dataErrorMessage(f); }

bool sameTensor(const torch::Tensor& a, const torch::Tensor& b) {
  return a.sizes() == b.sizes() && a.scalar_type() == b.scalar_type() && a.equal(b);
}

}  // namespace

class TestNpz : public QObject {
  Q_OBJECT
 private:
  fs::path dir_;

 private slots:
  void init() {
    dir_ = fs::temp_directory_path() / ("zd_npz_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void cleanup() { fs::remove_all(dir_); }

  void roundTrip_data() {
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("side");
    QTest::addColumn<int>("classes");
    QTest::newRow("grayscale 28") << 1 << 28 << 2;
    QTest::newRow("rgb 28") << 3 << 28 << 11;
    QTest::newRow("grayscale 64") << 1 << 64 << 5;
    QTest::newRow("rgb 64, int64 labels") << 3 << 64 << 300;
  }
  void roundTrip() {
    QFETCH(int, channels);
    QFETCH(int, side);
    QFETCH(int, classes);
    const zd::Dataset d = makeDataset(classes + 5, 3, 4, channels, side, classes);
    const auto path = dir_ / "round.npz";
    zd::writeMedmnistNpz(path, d);
    const zd::Dataset back = zd::loadMedmnistNpz(path);
    QVERIFY(sameTensor(back.train.images, d.train.images));
    QVERIFY(sameTensor(back.val.images, d.val.images));
    QVERIFY(sameTensor(back.test.images, d.test.images));
    QVERIFY(sameTensor(back.train.labels, d.train.labels));
    QVERIFY(sameTensor(back.test.labels, d.test.labels));
    QCOMPARE(back.numClasses(), int64_t{classes});
    QCOMPARE(back.channels(), int64_t{channels});
    QCOMPARE(back.imageSize(), int64_t{side});
    QVERIFY(back.class_names.back() == "class " + std::to_string(classes - 1));
    QVERIFY(back.source == path.string());
  }

  // A real MedMNIST file carries no names: recognised by its name and shape, it gets
  // the official ones (MedMNIST+ sizes too); a names file beside it still wins, and a
  // file that only shares the name (other class count or channels) keeps "class N".
  void knownMedmnistFilesGetTheirClassNames() {
    const fs::path known = dir_ / "medmnist";
    fs::create_directories(known);
    zd::writeMedmnistNpz(known / "dermamnist_64.npz", makeDataset(14, 7, 7, 3, 28, 7));
    auto names = zd::loadMedmnistNpz(known / "dermamnist_64.npz").class_names;
    QCOMPARE(names.size(), size_t(7));
    QCOMPARE(QString::fromStdString(names[4]), QString("melanoma"));
    zd::writeMedmnistNpz(known / "PneumoniaMNIST.npz", makeDataset(4, 2, 2, 1, 28, 2));
    QCOMPARE(QString::fromStdString(zd::loadMedmnistNpz(known / "PneumoniaMNIST.npz").class_names[1]),
             QString("pneumonia"));
    zd::writeMedmnistNpz(known / "octmnist.npz", makeDataset(6, 3, 3, 3, 28, 3));  // 3 classes, colour: not OCTMNIST
    QCOMPARE(QString::fromStdString(zd::loadMedmnistNpz(known / "octmnist.npz").class_names[0]), QString("class 0"));
    zd::writeMedmnistNpz(known / "organamnist_extra.npz", makeDataset(11, 11, 11, 1, 28, 11));
    QCOMPARE(QString::fromStdString(zd::loadMedmnistNpz(known / "organamnist_extra.npz").class_names[0]),
             QString("class 0"));
    {
      std::ofstream sidecar(known / "dermamnist_64.classes.txt");
      for (int c = 0; c < 7; ++c) sidecar << "mine " << c << "\n";
    }
    QCOMPARE(QString::fromStdString(zd::loadMedmnistNpz(known / "dermamnist_64.npz").class_names[4]),
             QString("mine 4"));
  }

  void emptyValIsAllowed() {
    zd::Dataset d = makeDataset(6, 0, 3, 1, 28, 2);
    const auto path = dir_ / "noval.npz";
    zd::writeMedmnistNpz(path, d);
    const zd::Dataset back = zd::loadMedmnistNpz(path);
    QCOMPARE(back.val.size(), int64_t{0});
    QVERIFY(back.val.images.sizes().vec() == (std::vector<int64_t>{0, 1, 28, 28}));
    QCOMPARE(back.train.size(), int64_t{6});
  }

  void labelEncodings_data() {
    QTest::addColumn<QString>("descr");
    QTest::addColumn<bool>("column");
    for (const char* d : {"|u1", "<u2", "<u4", "<u8", "|i1", "<i2", "<i4", "<i8", ">u2", ">i4", ">i8", ">u8"}) {
      QTest::newRow((std::string(d) + " N").c_str()) << QString(d) << false;
      QTest::newRow((std::string(d) + " N×1").c_str()) << QString(d) << true;
    }
  }
  void labelEncodings() {
    QFETCH(QString, descr);
    QFETCH(bool, column);
    const std::string s = descr.toStdString();
    const zd::NpyDtype dtype{s[1], s[2] - '0', s[0] == '>'};
    Members m = validMembers();
    const std::vector<int64_t> labels = {0, 1, 2, 3, 4, 5, 6, 7, 8, 120};
    m["train_labels"] = labelNpy(labels, dtype, column);
    writeRawZip(dir_ / "labels.npz", m);
    const zd::Dataset back = zd::loadMedmnistNpz(dir_ / "labels.npz");
    QVERIFY(sameTensor(back.train.labels, torch::tensor(labels, torch::kInt64)));
    QCOMPARE(back.numClasses(), int64_t{121});
  }

  void headerVersions_data() {
    QTest::addColumn<int>("major");
    QTest::newRow("1.0") << 1;
    QTest::newRow("2.0") << 2;
    QTest::newRow("3.0") << 3;
  }
  void headerVersions() {
    QFETCH(int, major);
    Members m = validMembers();
    // Re-encode train_images with a hand-made header of the given version.
    const std::string v1 = m["train_images"];
    const uint16_t len1 = static_cast<uint8_t>(v1[8]) | (static_cast<uint8_t>(v1[9]) << 8);
    const std::string dict = v1.substr(10, len1);
    std::string hdr = std::string("\x93NUMPY", 6) + static_cast<char>(major) + '\0';
    const auto len = static_cast<uint32_t>(dict.size());
    for (int i = 0; i < (major == 1 ? 2 : 4); ++i) hdr += static_cast<char>((len >> (8 * i)) & 0xff);
    m["train_images"] = hdr + dict + v1.substr(10 + len1);
    writeRawZip(dir_ / "v.npz", m);
    QCOMPARE(zd::loadMedmnistNpz(dir_ / "v.npz").train.size(), int64_t{10});
  }

  void npyHeaderIsNumpyStyle() {
    const std::string h = zd::encodeNpyHeader(zd::npyDtypeOf(torch::kUInt8), {3, 28, 28});
    QCOMPARE(h.size() % 64, size_t{0});
    QVERIFY(h.find("{'descr': '|u1', 'fortran_order': False, 'shape': (3, 28, 28), }") != std::string::npos);
    QCOMPARE(h.back(), '\n');
    const std::string h1 = zd::encodeNpyHeader(zd::npyDtypeOf(torch::kInt64), {5});
    QVERIFY(h1.find("'descr': '<i8'") != std::string::npos);
    QVERIFY(h1.find("'shape': (5,)") != std::string::npos);
  }

  // Each malformed variant is rejected with a message naming the file, the key and the problem.
  void malformed_data() {
    QTest::addColumn<QString>("variant");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("problem");
    QTest::newRow("missing key") << "missing"
                                 << "'val_labels'"
                                 << "missing";
    QTest::newRow("count mismatch") << "count"
                                    << "'train_images'"
                                    << "count mismatch, 10 images but 9 labels";
    QTest::newRow("image dtype") << "image dtype"
                                 << "'test_images'"
                                 << "wrong dtype '<f4'";
    QTest::newRow("label dtype") << "label dtype"
                                 << "'train_labels'"
                                 << "wrong dtype '<f8'";
    QTest::newRow("image ndim") << "image ndim"
                                << "'train_images'"
                                << "wrong ndim";
    QTest::newRow("label ndim") << "label ndim"
                                << "'val_labels'"
                                << "wrong ndim";
    QTest::newRow("truncated") << "truncated"
                               << "'train_images'"
                               << "truncated data (expected 7840 bytes, found 1200)";
    QTest::newRow("extra bytes") << "extra"
                                 << "'test_labels'"
                                 << "unexpected bytes";
    QTest::newRow("negative label") << "negative"
                                    << "'train_labels'"
                                    << "negative label -3 at index 4";
    QTest::newRow("image size differs") << "size"
                                        << "'test_images'"
                                        << "same image size";
    QTest::newRow("channels differ") << "channels"
                                     << "'val_images'"
                                     << "colour";
    QTest::newRow("empty train") << "empty train"
                                 << "'train_images'"
                                 << "empty";
    QTest::newRow("non-square") << "square"
                                << "'train_images'"
                                << "square";
    QTest::newRow("multi-label") << "multilabel"
                                 << "'train_labels'"
                                 << "multi-label";
    QTest::newRow("fortran order") << "fortran"
                                   << "'train_images'"
                                   << "Fortran order";
    QTest::newRow("bad magic") << "magic"
                               << "'val_images'"
                               << "not a NumPy";
    QTest::newRow("object dtype") << "object"
                                  << "'train_labels'"
                                  << "unsupported dtype '|O8'";
    QTest::newRow("header cut short") << "short header"
                                      << "'test_images'"
                                      << "truncated .npy header";
    QTest::newRow("broken dict") << "dict"
                                 << "'train_images'"
                                 << "malformed .npy header";
  }
  void malformed() {
    QFETCH(QString, variant);
    QFETCH(QString, key);
    QFETCH(QString, problem);
    Members m = validMembers();
    const std::string v = variant.toStdString();
    const auto gray = [](int64_t n, int64_t h, int64_t w) { return torch::zeros({n, h, w}, torch::kUInt8); };
    if (v == "missing") m.erase("val_labels");
    if (v == "count") m["train_labels"] = npyBytes(torch::zeros({9, 1}, torch::kUInt8));
    if (v == "image dtype") m["test_images"] = npyBytes(torch::zeros({6, 28, 28}, torch::kFloat32));
    if (v == "label dtype") m["train_labels"] = npyBytes(torch::zeros({10, 1}, torch::kFloat64));
    if (v == "image ndim") m["train_images"] = npyBytes(torch::zeros({10, 784}, torch::kUInt8));
    if (v == "label ndim") m["val_labels"] = npyBytes(torch::zeros({4, 1, 1}, torch::kUInt8));
    if (v == "truncated") m["train_images"] = m["train_images"].substr(0, 128 + 1200);
    if (v == "extra") m["test_labels"] += "xyz";
    if (v == "negative") m["train_labels"] = npyBytes(torch::tensor({0, 1, 2, 0, -3, 1, 2, 0, 1, 2}, torch::kInt64));
    if (v == "size") m["test_images"] = npyBytes(gray(6, 32, 32));
    if (v == "channels") m["val_images"] = npyBytes(torch::zeros({4, 28, 28, 3}, torch::kUInt8));
    if (v == "empty train") {
      m["train_images"] = npyBytes(gray(0, 28, 28));
      m["train_labels"] = npyBytes(torch::zeros({0, 1}, torch::kUInt8));
    }
    if (v == "square") m["train_images"] = npyBytes(gray(10, 28, 30));
    if (v == "multilabel") m["train_labels"] = npyBytes(torch::zeros({10, 14}, torch::kUInt8));
    auto replaceInHeader = [&](const std::string& k, const std::string& from, const std::string& to) {
      std::string& s = m[k];
      const size_t at = s.find(from);
      QVERIFY(at != std::string::npos && from.size() == to.size());
      s.replace(at, from.size(), to);
    };
    if (v == "fortran") replaceInHeader("train_images", "False", "True ");
    if (v == "magic") m["val_images"][1] = 'X';
    if (v == "object") replaceInHeader("train_labels", "'|u1'", "'|O8'");
    if (v == "short header") m["test_images"] = m["test_images"].substr(0, 40);
    if (v == "dict") replaceInHeader("train_images", "'shape'", "'shapf'");

    const auto path = dir_ / "bad.npz";
    writeRawZip(path, m);
    const QString msg = message([&] { zd::loadMedmnistNpz(path); });
    QVERIFY2(msg.contains(QString::fromStdString(path.string())), qPrintable(msg));
    QVERIFY2(msg.contains("key " + key), qPrintable(msg));
    QVERIFY2(msg.contains(problem), qPrintable(msg));
  }

  void notAZip() {
    const auto path = dir_ / "junk.npz";
    std::ofstream(path) << "this is not a zip file at all";
    const QString msg = message([&] { zd::loadMedmnistNpz(path); });
    QVERIFY2(msg.contains("junk.npz") && msg.contains("not a .npz file"), qPrintable(msg));
    const QString empty_msg = message([&] {
      std::ofstream(dir_ / "empty.npz").flush();
      zd::loadMedmnistNpz(dir_ / "empty.npz");
    });
    QVERIFY2(empty_msg.contains("empty.npz"), qPrintable(empty_msg));
  }

  void damagedFiles() {
    // A file cut short (an interrupted download) has no zip directory.
    const auto whole = dir_ / "whole.npz";
    zd::writeMedmnistNpz(whole, makeDataset(50, 5, 5, 1, 28, 2));
    std::string bytes;
    {
      std::ifstream in(whole, std::ios::binary);
      bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    std::ofstream(dir_ / "cut.npz", std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    const QString cut = message([&] { zd::loadMedmnistNpz(dir_ / "cut.npz"); });
    QVERIFY2(cut.contains("cut.npz") && cut.contains("incomplete"), qPrintable(cut));

    // One flipped byte inside a stored member's pixels: caught by the CRC check.
    writeRawZip(dir_ / "flip.npz", validMembers());
    {
      std::ifstream in(dir_ / "flip.npz", std::ios::binary);
      bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    const size_t at = bytes.find("(10, 28, 28)");
    QVERIFY(at != std::string::npos);
    bytes[at + 500] = static_cast<char>(bytes[at + 500] ^ 0x55);
    std::ofstream(dir_ / "flip.npz", std::ios::binary | std::ios::trunc) << bytes;
    const QString flip = message([&] { zd::loadMedmnistNpz(dir_ / "flip.npz"); });
    QVERIFY2(flip.contains("key 'train_images'") && flip.contains("damaged"), qPrintable(flip));
  }

  void unreadable() {
    const QString msg = message([&] { zd::loadMedmnistNpz(dir_); });  // a folder is no zip
    QVERIFY2(msg.contains(QString::fromStdString(dir_.string())), qPrintable(msg));
    const QString missing = message([&] { zd::loadMedmnistNpz(dir_ / "nope.npz"); });
    QVERIFY2(missing.contains("nope.npz") && missing.contains("no such file"), qPrintable(missing));
  }

  void loadDatasetDispatches() {
    const auto npz = dir_ / "d.npz";
    zd::writeMedmnistNpz(npz, makeDataset(5, 2, 2, 1, 28, 2));
    QCOMPARE(zd::loadDataset(npz.string()).train.size(), int64_t{5});
    const QString folder = message([&] { zd::loadDataset(dir_.string()); });
    // A folder is read as an image folder (this one holds no images).
    QVERIFY2(folder.contains(QString::fromStdString(dir_.string())) &&
                 (folder.contains("no usable images") || folder.contains("OpenCV")),
             qPrintable(folder));
    const QString other = message([&] {
      std::ofstream(dir_ / "scan.dcm") << "DICM";
      zd::loadDataset((dir_ / "scan.dcm").string());
    });
    QVERIFY2(other.contains("scan.dcm: a single DICOM file is not a data set") &&
                 other.contains("one sub-folder per class"),
             qPrintable(other));
    const QString text = message([&] {
      std::ofstream(dir_ / "notes.txt") << "hello";
      zd::loadDataset((dir_ / "notes.txt").string());
    });
    QVERIFY2(text.contains("notes.txt: unsupported kind of file"), qPrintable(text));
    const std::string gone = (dir_ / "gone").string();
    QCOMPARE(message([&] { zd::loadDataset(gone); }), QString::fromStdString(gone + ": no such file or folder"));
  }

  void demoDataLoads() {
    const char* src = std::getenv("ZODARTS_SOURCE_DIR");
    if (!src) QSKIP("ZODARTS_SOURCE_DIR not set (run through CTest)");
    const fs::path demo = fs::path(src) / "resources/demo/brain_regions_28.npz";
    if (!fs::exists(demo)) QSKIP("demo data not generated");
    const zd::Dataset d = zd::loadDataset(demo.string());
    QCOMPARE(d.numClasses(), int64_t{6});
    QCOMPARE(d.channels(), int64_t{1});
    QCOMPARE(d.imageSize(), int64_t{28});
    QVERIFY(d.train.size() > d.test.size() && d.test.size() > d.val.size() && d.val.size() > 0);
    for (const zd::ImageSet* s : {&d.train, &d.val, &d.test})
      for (const int64_t count : s->classCounts(6)) QVERIFY(count > 0);  // every class in every split
  }
};

QTEST_GUILESS_MAIN(TestNpz)
#include "test_npz.moc"
