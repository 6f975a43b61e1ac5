#include "core/common/atomic_file.h"
#include "core/common/error.h"

#include <QtTest>

#include <filesystem>
#include <fstream>
#include <unistd.h>  // getpid

namespace fs = std::filesystem;

class TestAtomicFile : public QObject {
  Q_OBJECT
 private:
  fs::path dir_;

 private slots:
  void init() {
    dir_ = fs::temp_directory_path() / ("zd_atomic_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void cleanup() { fs::remove_all(dir_); }

  void writesAndReplaces() {
    const auto path = dir_ / "a.txt";
    zd::writeFileAtomically(path, std::string("first"));
    QCOMPARE(QString::fromStdString(zd::readFile(path)), QString("first"));
    zd::writeFileAtomically(path, std::string("second"));
    QCOMPARE(QString::fromStdString(zd::readFile(path)), QString("second"));
    // No temporary files are left beside it.
    int files = 0;
    for (const auto& e : fs::directory_iterator(dir_)) {
      (void)e;
      ++files;
    }
    QCOMPARE(files, 1);
  }

  void failingWriterKeepsOldFileAndLeavesNoTemp() {
    const auto path = dir_ / "b.txt";
    zd::writeFileAtomically(path, std::string("kept"));
    QVERIFY_THROWS_EXCEPTION(zd::IoError, zd::writeFileAtomically(path, [](const fs::path& tmp) {
                               std::ofstream(tmp) << "partial";
                               throw std::runtime_error("disk full");
                             }));
    QCOMPARE(QString::fromStdString(zd::readFile(path)), QString("kept"));
    int files = 0;
    for (const auto& e : fs::directory_iterator(dir_)) {
      (void)e;
      ++files;
    }
    QCOMPARE(files, 1);
  }

  void missingFolderIsAClearError() {
    try {
      zd::writeFileAtomically(dir_ / "no" / "such" / "c.txt", std::string("x"));
      QFAIL("expected IoError");
    } catch (const zd::IoError& e) {
      QVERIFY(QString(e.what()).contains("does not exist"));
    }
  }
};

QTEST_GUILESS_MAIN(TestAtomicFile)
#include "test_atomic_file.moc"
