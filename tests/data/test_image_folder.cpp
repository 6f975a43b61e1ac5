// Image folders: layout, decoding, bad input, splits, and the data summary.
// Fixtures are tiny images written with cv::imwrite into a temp folder.
#include "core/common/error.h"
#include "core/data/dataset_loader.h"
#include "core/data/dataset_summary.h"
#include "core/data/image_folder.h"
#include "tests/common/error_message.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <torch/torch.h>

#include <QtTest>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace {

// A gray image of w×h with content unique to `seed`.
cv::Mat noise(int w, int h, int seed, int type = CV_8UC1) {
  cv::Mat m(h, w, type);
  cv::RNG rng(static_cast<uint64>(seed) + 1);
  rng.fill(m, cv::RNG::UNIFORM, 0, 255);
  return m;
}

void write(const fs::path& p, const cv::Mat& m) {
  fs::create_directories(p.parent_path());
  QVERIFY2(cv::imwrite(p.string(), m), p.string().c_str());
}

void writeBytes(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}

QString message(const std::function<void()>& f) { return dataErrorMessage(f); }

// The reason report gives for the file whose path ends with `suffix` ("" if none).
std::string reasonFor(const zd::LoadReport& r, const std::string& suffix) {
  for (const auto& s : r.skipped)
    if (s.path.size() >= suffix.size() && s.path.compare(s.path.size() - suffix.size(), suffix.size(), suffix) == 0)
      return s.reason.empty() ? "(empty reason)" : s.reason;
  return "";
}

std::vector<int64_t> counts(const zd::ImageSet& s, int64_t classes) { return s.classCounts(classes); }

}  // namespace

class TestImageFolder : public QObject {
  Q_OBJECT
 private:
  fs::path dir_;
  fs::path mixed_;  // 3 classes × 10 good images, every kind of bad input

  static constexpr int kRampSide = 28;

 private slots:
  void initTestCase() {
    dir_ = fs::temp_directory_path() / ("zd_imgfolder_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    mixed_ = dir_ / "mixed";
    // Benign: PNG, JPEG, BMP, TIFF (8 and 16 bit), deeper folders, and bad files.
    const fs::path benign = mixed_ / "Benign";
    write(benign / "a0.png", noise(40, 30, 0));
    write(benign / "a1.jpg", noise(32, 32, 1));
    write(benign / "a2.bmp", noise(30, 40, 2));
    write(benign / "a3.tif", noise(28, 28, 3));
    write(benign / "a4.tiff", noise(20, 20, 4, CV_16UC1));
    write(benign / "sub" / "deeper" / "a5.png", noise(28, 28, 5));
    write(benign / "a6.pgm", noise(28, 28, 6));
    write(benign / "a7.ppm", noise(28, 28, 7, CV_8UC3).setTo(cv::Scalar::all(90)));
    write(benign / "a8 with space.png", noise(50, 28, 8));
    cv::Mat ramp(kRampSide, kRampSide, CV_16UC1);
    for (int y = 0; y < kRampSide; ++y)
      for (int x = 0; x < kRampSide; ++x) ramp.at<uint16_t>(y, x) = static_cast<uint16_t>(1000 + 2000 * x);
    write(benign / "ramp16.png", ramp);
    writeBytes(benign / "zero.png", "");
    writeBytes(benign / "fake.jpg", "this is a text file, not a JPEG\n");
    std::vector<uchar> png;
    cv::imencode(".png", noise(28, 28, 99), png);
    writeBytes(benign / "trunc.png", std::string(png.begin(), png.begin() + static_cast<long>(png.size() / 2)));
    writeBytes(benign / "notes.txt", "ignored silently");
    writeBytes(benign / "Thumbs.db", "ignored silently");
    // "Läsion A": non-ASCII and a space; one RGB image forces 3 channels.
    const fs::path lesion = mixed_ / "Läsion A";
    for (int i = 0; i < 9; ++i) write(lesion / ("l" + std::to_string(i) + ".png"), noise(28, 28, 10 + i));
    write(lesion / "colour.png", noise(28, 28, 20, CV_8UC3));
    // Malignant: 10 images and a link back to the top folder (a loop).
    const fs::path malignant = mixed_ / "Malignant";
    for (int i = 0; i < 10; ++i) write(malignant / ("m" + std::to_string(i) + ".bmp"), noise(28, 28, 30 + i));
    fs::create_directory_symlink(mixed_, malignant / "loop");
    fs::create_directories(mixed_ / "Empty");
    writeBytes(mixed_ / ".DS_Store", "ignored silently");
  }
  void cleanupTestCase() { fs::remove_all(dir_); }

  void loadsMixedFolder() {
    zd::LoadReport report;
    const zd::Dataset d = zd::loadImageFolder(mixed_, zd::ImageLoadOptions(), &report);
    QVERIFY((d.class_names == std::vector<std::string>{"Benign", "Läsion A", "Malignant"}));
    QCOMPARE(d.channels(), int64_t{3});
    QCOMPARE(d.imageSize(), int64_t{28});
    QCOMPARE(d.train.size() + d.val.size() + d.test.size(), int64_t{30});
    // Stratified 70/10/20 per class of 10: test round(2), val round(8·0.125) = 1.
    QVERIFY((counts(d.train, 3) == std::vector<int64_t>{7, 7, 7}));
    QVERIFY((counts(d.val, 3) == std::vector<int64_t>{1, 1, 1}));
    QVERIFY((counts(d.test, 3) == std::vector<int64_t>{2, 2, 2}));
    QCOMPARE(static_cast<int64_t>(report.train_files.size()), d.train.size());
    QCOMPARE(report.formats.at("PNG"), int64_t{14});
    QCOMPARE(report.formats.at("JPEG"), int64_t{1});
    QCOMPARE(report.formats.at("TIFF"), int64_t{2});
    QCOMPARE(report.formats.at("PNM"), int64_t{2});
    QVERIFY(report.bit_depths == (std::set<int>{8, 16}));
    QVERIFY(report.sizes.count({40, 30}) == 1 && report.sizes.count({50, 28}) == 1);
  }

  void everyBadFileHasAReason_data() {
    QTest::addColumn<QString>("suffix");
    QTest::addColumn<QString>("reason");
    QTest::newRow("zero bytes") << "zero.png"
                                << "empty file";
    QTest::newRow("text named .jpg") << "fake.jpg"
                                     << "not a PNG";
    QTest::newRow("truncated png") << "trunc.png"
                                   << "truncated PNG";
    QTest::newRow("link loop") << "loop"
                               << "already read";
    QTest::newRow("empty class") << "Empty"
                                 << "no usable images";
  }
  void everyBadFileHasAReason() {
    QFETCH(QString, suffix);
    QFETCH(QString, reason);
    zd::LoadReport report;
    zd::loadImageFolder(mixed_, zd::ImageLoadOptions(), &report);
    const std::string got = reasonFor(report, suffix.toStdString());
    QVERIFY2(QString::fromStdString(got).contains(reason), got.c_str());
    QCOMPARE(static_cast<int>(report.skipped.size()), 5);  // nothing else, nothing silent
  }

  void ramp16IsScaledByItsOwnRange() {
    zd::LoadReport report;
    const zd::Dataset d = zd::loadImageFolder(mixed_, zd::ImageLoadOptions(), &report);
    const std::pair<const zd::ImageSet*, const std::vector<std::string>*> splits[] = {
        {&d.train, &report.train_files}, {&d.val, &report.val_files}, {&d.test, &report.test_files}};
    bool found = false;
    for (const auto& [set, files] : splits)
      for (size_t i = 0; i < files->size(); ++i) {
        if ((*files)[i].find("ramp16.png") == std::string::npos) continue;
        found = true;
        const torch::Tensor img = set->images[static_cast<int64_t>(i)];
        for (int c = 0; c < 3; ++c)
          for (int x = 0; x < kRampSide; ++x) {
            const int expected = static_cast<int>(std::lround(x * 255.0 / (kRampSide - 1)));
            QCOMPARE(img[c][5][x].item<int>(), expected);
          }
      }
    QVERIFY(found);
  }

  void sameSeedSameSplit() {
    zd::ImageLoadOptions a, b;
    a.threads = 1;
    b.threads = 2;
    zd::LoadReport ra, rb, rc;
    const zd::Dataset da = zd::loadImageFolder(mixed_, a, &ra);
    const zd::Dataset db = zd::loadImageFolder(mixed_, b, &rb);
    QVERIFY(ra.train_files == rb.train_files && ra.test_files == rb.test_files);
    QVERIFY(da.train.images.equal(db.train.images));
    a.seed = 12345;
    zd::loadImageFolder(mixed_, a, &rc);
    QVERIFY(rc.test_files != ra.test_files);
  }

  void preSplitFolderIsUsed() {
    const fs::path root = dir_ / "presplit";
    const std::pair<const char*, int> splits[] = {{"train", 4}, {"val", 1}, {"test", 2}};
    int seed = 100;
    for (const auto& [name, n] : splits)
      for (const char* cls : {"cyst", "normal"})
        for (int i = 0; i < n; ++i) {
          cv::Mat white(20, 40, CV_8UC1, cv::Scalar(255));
          white.at<uchar>(10, 20) = static_cast<uchar>(seed++ % 200);  // distinct content
          write(root / name / cls / ("i" + std::to_string(i) + ".png"), white);
        }
    zd::ImageLoadOptions o;
    zd::LoadReport report;
    const zd::Dataset d = zd::loadDataset(root.string(), o, &report);
    QCOMPARE(d.channels(), int64_t{1});
    QVERIFY((counts(d.train, 2) == std::vector<int64_t>{4, 4}));
    QVERIFY((counts(d.val, 2) == std::vector<int64_t>{1, 1}));
    QVERIFY((counts(d.test, 2) == std::vector<int64_t>{2, 2}));
    QVERIFY(report.skipped.empty());
    QCOMPARE(d.train.images[0][0][0][0].item<int>(), 255);  // cropped: all white
    o.pad = true;
    const zd::Dataset padded = zd::loadImageFolder(root, o, nullptr);
    QCOMPARE(padded.train.images[0][0][0][0].item<int>(), 0);  // padded corner
    QCOMPARE(padded.train.images[0][0][14][2].item<int>(), 255);
  }

  void tooFewClassesThrow() {
    const fs::path one = dir_ / "one";
    for (int i = 0; i < 3; ++i) write(one / "Only" / ("o" + std::to_string(i) + ".png"), noise(28, 28, 50 + i));
    const QString single = message([&] { zd::loadImageFolder(one, zd::ImageLoadOptions(), nullptr); });
    QVERIFY2(single.contains(QString::fromStdString(one.string())) && single.contains("two class"), qPrintable(single));
    const fs::path none = dir_ / "none";
    writeBytes(none / "A" / "readme.txt", "no images here");
    fs::create_directories(none / "B");
    zd::LoadReport report;
    const QString empty = message([&] { zd::loadImageFolder(none, zd::ImageLoadOptions(), &report); });
    QVERIFY2(empty.contains("no usable images"), qPrintable(empty));
    QCOMPARE(static_cast<int>(report.skipped.size()), 2);  // both class folders reported
  }

  void limitRefusesLargeImagesUnread() {
    zd::ImageLoadOptions o;
    o.max_pixels = 28 * 28;
    zd::LoadReport report;
    zd::loadImageFolder(mixed_, o, &report);
    QVERIFY2(QString::fromStdString(reasonFor(report, "a0.png")).contains("not decoded"),
             reasonFor(report, "a0.png").c_str());
  }

  void summaryOfFolder() {
    zd::LoadReport report;
    const zd::Dataset d = zd::loadImageFolder(mixed_, zd::ImageLoadOptions(), &report);
    const nlohmann::json s = zd::summarizeDataset(d, report);
    QCOMPARE(s.at("images").get<int64_t>(), int64_t{30});
    QCOMPARE(s.at("channels").get<int64_t>(), int64_t{3});
    QCOMPARE(s.at("image_size").get<int64_t>(), int64_t{28});
    QCOMPARE(s.at("classes").size(), size_t{3});
    QVERIFY(s.at("classes")[1].at("name") == "Läsion A" && s.at("classes")[1].at("count") == 10);
    QCOMPARE(s.at("splits").at("train").at("images").get<int64_t>(), int64_t{21});
    QVERIFY(s.at("splits").at("test").at("per_class") == nlohmann::json({2, 2, 2}));
    QCOMPARE(s.at("imbalance_ratio").get<double>(), 1.0);
    QCOMPARE(s.at("formats").at("BMP").get<int64_t>(), int64_t{11});
    QVERIFY(s.at("bit_depths") == nlohmann::json({8, 16}));
    QCOMPARE(s.at("skipped").size(), size_t{5});
    QVERIFY(s.at("duplicates_across_splits").empty());
    QVERIFY(s.at("sizes_seen").size() >= 4);
    const std::string text = zd::formatSummary(s);
    QVERIFY2(text.find("30 images") != std::string::npos && text.find("trunc.png") != std::string::npos, text.c_str());
  }

  void summaryFindsDuplicatesAcrossSplits() {
    zd::Dataset d;
    d.source = "made";
    d.class_names = {"a", "b"};
    const torch::Tensor imgs = torch::arange(4 * 4, torch::kInt64).to(torch::kUInt8).reshape({4, 1, 2, 2});
    d.train = {imgs.narrow(0, 0, 3), torch::tensor({0, 1, 1}, torch::kInt64)};
    d.val = {imgs.narrow(0, 0, 0), torch::empty({0}, torch::kInt64)};
    d.test = {torch::cat({imgs.narrow(0, 3, 1), imgs.narrow(0, 1, 1)}), torch::tensor({0, 1}, torch::kInt64)};
    const nlohmann::json s = zd::summarizeDataset(d, zd::LoadReport());
    QCOMPARE(s.at("duplicates_across_splits").size(), size_t{1});
    QVERIFY(s.at("duplicates_across_splits")[0] == nlohmann::json({{"a", "train[1]"}, {"b", "test[1]"}}));
    QCOMPARE(s.at("imbalance_ratio").get<double>(), 1.5);
  }
};

QTEST_GUILESS_MAIN(TestImageFolder)
#include "test_image_folder.moc"
