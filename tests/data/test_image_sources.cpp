// The ways into image data besides a plain class-folder tree: CSV manifests, the
// decoded-set cache, layouts that carry no classes, and the run config's data keys.
// Fixtures are tiny PNGs written with cv::imwrite into a temp folder.
#include "core/common/error.h"
#include "core/data/csv_manifest.h"
#include "core/data/csv_table.h"
#include "core/data/dataset_cache.h"
#include "core/data/dataset_loader.h"
#include "core/data/folder_scan.h"
#include "core/run/run_config.h"
#include "core/run/run_search.h"
#include "tests/common/error_message.h"

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <torch/torch.h>

#include <QtTest>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace {

// A grey w×h PNG filled with `value`.
void writePng(const fs::path& p, int value, int w = 12, int h = 12) {
  fs::create_directories(p.parent_path());
  QVERIFY2(cv::imwrite(p.string(), cv::Mat(h, w, CV_8UC1, cv::Scalar(value))), p.string().c_str());
}

void writeText(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

QString message(const std::function<void()>& f) { return dataErrorMessage(f); }

std::string allReasons(const zd::LoadReport& r) {
  std::string all;
  for (const auto& s : r.skipped) all += s.path + " — " + s.reason + "\n";
  return all;
}

bool sameTensor(const torch::Tensor& a, const torch::Tensor& b) {
  return a.scalar_type() == b.scalar_type() && a.sizes() == b.sizes() && a.equal(b);
}

bool sameReport(const zd::LoadReport& a, const zd::LoadReport& b) {
  if (a.skipped.size() != b.skipped.size()) return false;
  for (size_t i = 0; i < a.skipped.size(); ++i)
    if (a.skipped[i].path != b.skipped[i].path || a.skipped[i].reason != b.skipped[i].reason) return false;
  return a.formats == b.formats && a.sizes == b.sizes && a.bit_depths == b.bit_depths &&
         a.train_files == b.train_files && a.val_files == b.val_files && a.test_files == b.test_files;
}

}  // namespace

class TestImageSources : public QObject {
  Q_OBJECT
 private:
  fs::path dir_;
  fs::path images_;  // images/<class>/… : 2 classes × 6 PNGs with odd names
  int file_counter_ = 0;

  // A fresh folder of 2 classes × 5 PNGs (pixel value = 20·class + i) for the cache tests.
  fs::path freshFolder() {
    const fs::path root = dir_ / ("set" + std::to_string(file_counter_++));
    for (int c = 0; c < 2; ++c)
      for (int i = 0; i < 5; ++i)
        writePng(root / ("c" + std::to_string(c)) / ("i" + std::to_string(i) + ".png"), 20 * c + i);
    return root;
  }

 private slots:
  void initTestCase() {
    dir_ = fs::temp_directory_path() / ("zd_sources_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    images_ = dir_ / "images";
    for (int i = 0; i < 6; ++i) {
      writePng(images_ / "benign" / ("b" + std::to_string(i) + ".png"), 10 + i);
      writePng(images_ / "malignant tumour" / ("Läsion " + std::to_string(i) + ".png"), 100 + i);
    }
    writeText(images_ / "benign" / "broken.png", "not a png");
  }
  void cleanupTestCase() { fs::remove_all(dir_); }

  // ---- CSV parsing

  void csvTable_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("fields");  // every record's fields joined by "|"
    QTest::newRow("plain, CRLF, blank lines") << "a,b\r\n\r\nc,d\n" << QStringList{"a|b", "c|d"};
    QTest::newRow("spaces trimmed outside quotes") << " a , b \n" << QStringList{"a|b"};
    QTest::newRow("quotes keep commas, spaces, quotes, newlines")
        << "\"x, y\",\" z \"\n\"say \"\"hi\"\"\",\"two\nlines\"\n"
        << QStringList{"x, y| z ", "say \"hi\"|two\nlines"};
    QTest::newRow("BOM, no final newline, empty field") << "\xEF\xBB\xBFp,,q" << QStringList{"p||q"};
  }
  void csvTable() {
    QFETCH(QString, text);
    QFETCH(QStringList, fields);
    const auto records = zd::parseCsv(text.toStdString(), "t.csv");
    QStringList got;
    for (const auto& r : records) {
      QStringList f;
      for (const auto& s : r.fields) f << QString::fromStdString(s);
      got << f.join("|");
    }
    QCOMPARE(got, fields);
  }

  void csvTableLines() {  // a record's line is where it starts, counting quoted newlines
    const auto r = zd::parseCsv("a,\"1\n2\"\n\nb,c\n", "t.csv");
    QCOMPARE(r.size(), size_t{2});
    QCOMPARE(r[0].line, 1);
    QCOMPARE(r[1].line, 4);
    const QString unclosed = message([] { zd::parseCsv("a,b\nc,\"open\n", "m.csv"); });
    QVERIFY2(unclosed.contains("m.csv: line 2") && unclosed.contains("never closed"), qPrintable(unclosed));
    const QString after = message([] { zd::parseCsv("\"a\"b,c\n", "m.csv"); });
    QVERIFY2(after.contains("line 1") && after.contains("after a closing quote"), qPrintable(after));
  }

  // ---- CSV manifests

  void manifest_data() {
    QTest::addColumn<QString>("csv");
    QTest::addColumn<int>("usable");  // images loaded
    QTest::addColumn<QStringList>("classes");
    QTest::addColumn<QStringList>("reasons");  // each must appear among the skipped reasons
    QTest::addColumn<int>("skipped");
    QTest::addColumn<int>("train");  // -1: not pre-split (70/10/20 split)
    const QString b = "images/benign/", m = "\"images/malignant tumour/Läsion ";
    QString rows;
    for (int i = 0; i < 6; ++i)
      rows += b + "b" + QString::number(i) + ".png,benign\n" + m + QString::number(i) + ".png\",malignant\n";
    QTest::newRow("header") << "path,label\n" + rows << 12 << QStringList{"benign", "malignant"} << QStringList{} << 0
                            << -1;
    QTest::newRow("no header") << rows << 12 << QStringList{"benign", "malignant"} << QStringList{} << 0 << -1;
    QTest::newRow("bad rows listed") << "PATH,Label\n" + rows + "images/benign/missing.png,benign\n" + b + "b0.png,\n" +
                                            b + "b1.png,benign,extra\n" + ",benign\n" + "images/benign,benign\n" + b +
                                            "broken.png,benign\n" + "./" + b + "b2.png,benign\n"
                                     << 12 << QStringList{"benign", "malignant"}
                                     << QStringList{"line 14: file not found",
                                                    "line 15: empty label",
                                                    "line 16: the same file as line 4",
                                                    "line 17: empty path",
                                                    "line 18: is a folder",
                                                    "not a PNG",
                                                    "line 20: the same file as line 6"}
                                     << 7 << -1;  // with a header, extra columns are ignored
    QTest::newRow("too many fields without header")
        << rows + b + "b1.png,benign,x,y\n"
        << 12 << QStringList{"benign", "malignant"} << QStringList{"line 13: expected 2 fields", "quote paths"} << 1
        << -1;
    QTest::newRow("split column, any order")
        << "label,notes,split,path\nbenign,,train," + b + "b0.png\nbenign,,Train," + b + "b1.png\n" + "benign,,test," +
               b + "b2.png\nbenign,,validation," + b + "b3.png\nbenign,,later," + b + "b4.png\n" + "benign,,," + b +
               "b5.png\nmalignant,,train," + m + "0.png\"\nmalignant,,test," + m + "1.png\"\n"
        << 6 << QStringList{"benign", "malignant"}
        << QStringList{"line 6: unknown split 'later'", "line 7: empty split"} << 2 << 3;
  }
  void manifest() {
    QFETCH(QString, csv);
    QFETCH(int, usable);
    QFETCH(QStringList, classes);
    QFETCH(QStringList, reasons);
    QFETCH(int, skipped);
    QFETCH(int, train);
    const fs::path file = dir_ / ("manifest" + std::to_string(file_counter_++) + ".csv");
    writeText(file, csv.toStdString());
    zd::LoadReport report;
    const zd::Dataset d = zd::loadDataset(file.string(), zd::ImageLoadOptions(), &report);
    const std::string all = allReasons(report);
    QCOMPARE(d.train.size() + d.val.size() + d.test.size(), int64_t{usable});
    QStringList names;
    for (const auto& n : d.class_names) names << QString::fromStdString(n);
    QCOMPARE(names, classes);
    for (const QString& r : reasons) QVERIFY2(all.find(r.toStdString()) != std::string::npos, all.c_str());
    QVERIFY2(static_cast<int>(report.skipped.size()) == skipped, all.c_str());
    if (train >= 0) QCOMPARE(d.train.size(), int64_t{train});
    // Pixels come through: a benign image's value is 10 + its number.
    for (size_t k = 0; k < report.train_files.size(); ++k) {
      const std::string& f = report.train_files[k];
      const int label = d.train.labels[static_cast<int64_t>(k)].item<int>();
      const int value = d.train.images[static_cast<int64_t>(k)][0][5][5].item<int>();
      const int number = f[f.size() - 5] - '0';
      QCOMPARE(value, (label == 0 ? 10 : 100) + number);
    }
  }

  void manifestErrors_data() {
    QTest::addColumn<QString>("csv");
    QTest::addColumn<QString>("expected");
    QTest::newRow("empty") << "\n\n"
                           << "holds no rows";
    QTest::newRow("header without label") << "path,class\nx.png,a\n"
                                          << "needs both a 'path' and a 'label'";
    QTest::newRow("unclosed quote") << "\"x.png,a\n"
                                    << "line 1: a quoted field is never closed";
    QTest::newRow("one class") << "images/benign/b0.png,a\nimages/benign/b1.png,a\n"
                               << "at least two class";
    QTest::newRow("nothing usable") << "gone.png,a\ngone2.png,b\n"
                                    << "no usable images";
  }
  void manifestErrors() {
    QFETCH(QString, csv);
    QFETCH(QString, expected);
    const fs::path file = dir_ / ("bad" + std::to_string(file_counter_++) + ".csv");
    writeText(file, csv.toStdString());
    const QString got = message([&] { zd::loadDataset(file.string(), zd::ImageLoadOptions(), nullptr); });
    QVERIFY2(got.contains(QString::fromStdString(file.string())) && got.contains(expected), qPrintable(got));
  }

  // ---- Layouts without classes

  void layoutsWithoutClasses_data() {
    QTest::addColumn<QString>("path");  // relative to dir_
    QTest::addColumn<QString>("expected");
    QTest::newRow("single image") << "images/benign/b0.png"
                                  << "a single image is not a data set";
    QTest::newRow("flat folder of images") << "images/benign"
                                           << "holds 7 image file(s) directly";
    QTest::newRow("flat folder says how") << "images/benign"
                                          << "one sub-folder per class";
  }
  void layoutsWithoutClasses() {
    QFETCH(QString, path);
    QFETCH(QString, expected);
    const std::string p = (dir_ / path.toStdString()).string();
    const QString got = message([&] { zd::loadDataset(p, zd::ImageLoadOptions(), nullptr); });
    QVERIFY2(got.startsWith(QString::fromStdString(p)) && got.contains(expected), qPrintable(got));
  }

  // ---- Decoded-set cache

  void cacheHitIsIdentical() {
    const fs::path root = freshFolder();
    writeText(root / "c0" / "bad.png", "corrupt");
    const fs::path cache = dir_ / "cache_hit";
    zd::LoadReport first, second;
    const zd::Dataset a = zd::loadDataset(root.string(), zd::ImageLoadOptions(), &first, cache);
    QVERIFY(!first.from_cache);
    const zd::Dataset b = zd::loadDataset(root.string(), zd::ImageLoadOptions(), &second, cache);
    QVERIFY(second.from_cache);
    QVERIFY(a.class_names == b.class_names && a.source == b.source);
    for (const auto& [x, y] : {std::pair{&a.train, &b.train}, {&a.val, &b.val}, {&a.test, &b.test}}) {
      QVERIFY(sameTensor(x->images, y->images));
      QVERIFY(sameTensor(x->labels, y->labels));
    }
    QVERIFY(sameReport(first, second));
    QCOMPARE(second.skipped.size(), size_t{1});
    int entries = 0;
    for (const auto& e : fs::directory_iterator(cache)) entries += e.path().extension() == ".pt";
    QCOMPARE(entries, 1);
    // Without a cache folder nothing is cached.
    zd::LoadReport none;
    zd::loadDataset(root.string(), zd::ImageLoadOptions(), &none);
    QVERIFY(!none.from_cache);
  }

  void cacheInvalidation_data() {
    QTest::addColumn<QString>("change");
    QTest::newRow("content and size") << "content";
    QTest::newRow("same size, new mtime") << "mtime";
    QTest::newRow("file added") << "added";
    QTest::newRow("file removed") << "removed";
    QTest::newRow("image size setting") << "size";
    QTest::newRow("pad setting") << "pad";
    QTest::newRow("split seed setting") << "seed";
  }
  void cacheInvalidation() {
    QFETCH(QString, change);
    const fs::path root = freshFolder();
    const fs::path cache = dir_ / ("cache_" + std::to_string(file_counter_++));
    zd::ImageLoadOptions o;
    o.threads = 1;  // decoding threads are no part of the key: the entry must still hit
    zd::LoadReport r;
    zd::loadDataset(root.string(), o, &r, cache);
    QVERIFY(!r.from_cache);
    zd::ImageLoadOptions o2 = o;
    o2.threads = 2;
    const std::string key = zd::cacheKey(zd::scanImageFolder(root), o2);
    zd::loadDataset(root.string(), o2, &r, cache);
    QVERIFY(r.from_cache);

    const fs::path victim = root / "c1" / "i3.png";
    if (change == "content") {
      writePng(victim, 250, 20, 20);
    } else if (change == "mtime") {
      fs::last_write_time(victim, fs::last_write_time(victim) + std::chrono::seconds(5));
    } else if (change == "added") {
      writePng(root / "c1" / "new.png", 7);
    } else if (change == "removed") {
      fs::remove(victim);
    } else if (change == "size") {
      o2.size = 16;
    } else if (change == "pad") {
      o2.pad = true;
    } else if (change == "seed") {
      o2.seed = 9;
    }
    QVERIFY(zd::cacheKey(zd::scanImageFolder(root), o2) != key);
    const zd::Dataset d = zd::loadDataset(root.string(), o2, &r, cache);
    QVERIFY(!r.from_cache);
    if (change == "content") {  // the new pixels, not the cached ones
      bool found = false;
      for (const auto* s : {&d.train, &d.val, &d.test})
        found = found || s->images.eq(250).flatten(1).all(1).any().item<bool>();
      QVERIFY(found);
    }
    zd::loadDataset(root.string(), o2, &r, cache);
    QVERIFY(r.from_cache);  // the new entry is written and then used
  }

  void corruptEntryIsRewritten_data() {
    QTest::addColumn<QString>("damage");
    QTest::newRow("garbage") << "garbage";
    QTest::newRow("truncated") << "truncated";
    QTest::newRow("empty") << "empty";
    QTest::newRow("other key's entry") << "swapped";
  }
  void corruptEntryIsRewritten() {
    QFETCH(QString, damage);
    const fs::path root = freshFolder();
    const fs::path other = freshFolder();
    writePng(other / "c0" / "extra.png", 3);
    const fs::path cache = dir_ / ("cache_" + std::to_string(file_counter_++));
    zd::LoadReport r;
    const zd::Dataset good = zd::loadDataset(root.string(), zd::ImageLoadOptions(), &r, cache);
    const fs::path entry = cache / (zd::cacheKey(zd::scanImageFolder(root), zd::ImageLoadOptions()) + ".pt");
    QVERIFY(fs::exists(entry));
    if (damage == "garbage") {
      writeText(entry, std::string(4096, 'x'));
    } else if (damage == "truncated") {
      fs::resize_file(entry, fs::file_size(entry) / 2);
    } else if (damage == "empty") {
      writeText(entry, "");
    } else {
      zd::loadDataset(other.string(), zd::ImageLoadOptions(), &r, cache);
      fs::copy_file(cache / (zd::cacheKey(zd::scanImageFolder(other), zd::ImageLoadOptions()) + ".pt"), entry,
                    fs::copy_options::overwrite_existing);
    }
    const zd::Dataset again = zd::loadDataset(root.string(), zd::ImageLoadOptions(), &r, cache);
    QVERIFY(!r.from_cache);
    QVERIFY(sameTensor(again.train.images, good.train.images));
    zd::loadDataset(root.string(), zd::ImageLoadOptions(), &r, cache);
    QVERIFY(r.from_cache);
  }

  void unwritableCacheOnlyCostsSpeed() {
    const fs::path root = freshFolder();
    const fs::path blocker = dir_ / "not_a_folder";
    writeText(blocker, "a file where the cache folder should be");
    zd::LoadReport r;
    const zd::Dataset d = zd::loadDataset(root.string(), zd::ImageLoadOptions(), &r, blocker / "cache");
    QCOMPARE(d.train.size() + d.val.size() + d.test.size(), int64_t{10});
    QVERIFY(!r.from_cache);
  }

  // ---- Run config: the data keys reach the loader, and bad values name their key

  void runConfigDataKeys() {
    const fs::path root = freshFolder();
    nlohmann::json j = {{"data",
                         {{"path", root.string()},
                          {"cache", false},
                          {"images",
                           {{"size", 16},
                            {"pad", true},
                            {"train", 0.5},
                            {"val", 0},
                            {"test", 0.5},
                            {"seed", 3},
                            {"max_pixels", 1000},
                            {"threads", 1},
                            {"all_frames", true}}}}}};
    const zd::RunConfig c = zd::runConfigFromJson(j);
    QCOMPARE(c.data.images.size, 16);
    QVERIFY(c.data.images.pad && c.data.images.all_frames && !c.data.cache);
    QCOMPARE(c.data.images.max_pixels, int64_t{1000});
    QCOMPARE(zd::toJson(c).at("data").at("images").at("test").get<double>(), 0.5);
    const zd::Dataset d = zd::loadRunDataset(c);
    QCOMPARE(d.imageSize(), int64_t{16});
    QCOMPARE(d.val.size(), int64_t{0});
    QCOMPARE(d.train.size(), int64_t{6});  // 5 per class, test 0.5: train round(2.5) = 3 each
  }

  void runConfigDataErrors_data() {
    QTest::addColumn<QString>("key");  // under data.images
    QTest::addColumn<int>("value");
    QTest::newRow("size") << "size" << 0;
    QTest::newRow("max_pixels") << "max_pixels" << 0;
    QTest::newRow("threads") << "threads" << -1;
    QTest::newRow("train") << "train" << 0;
    QTest::newRow("test") << "test" << -1;
  }
  void runConfigDataErrors() {
    QFETCH(QString, key);
    QFETCH(int, value);
    nlohmann::json j = {{"data", {{"path", "x.npz"}, {"images", {{key.toStdString(), value}}}}}};
    QString got;
    try {
      zd::runConfigFromJson(j);
      got = "NO EXCEPTION";
    } catch (const zd::ConfigError& e) {
      got = e.what();
    }
    QVERIFY2(got.contains("'data.images." + key + "'"), qPrintable(got));
  }
};

QTEST_GUILESS_MAIN(TestImageSources)
#include "test_image_sources.moc"
