// DICOM through DCMTK's DicomImage: polarity, windows, rescale, colour, frames, bad files,
// and end to end through loadImageFolder. Fixtures are written with DCMTK itself.
#include "core/common/error.h"
#include "core/data/dicom_image.h"
#include "core/data/image_folder.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <torch/torch.h>

#include <QtTest>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

constexpr int kSide = 16;

// What a fixture holds; pixel data in `words` (16 bit) or `bytes` (8 bit).
struct Fixture {
  int frames = 1, bits = 16, samples = 1;
  std::string photometric = "MONOCHROME2";
  std::vector<Uint16> words;
  std::vector<Uint8> bytes;
  std::string slope, intercept, center, width;  // empty: not written
};

void writeDicom(const fs::path& p, const Fixture& f) {
  fs::create_directories(p.parent_path());
  DcmFileFormat file;
  DcmDataset* d = file.getDataset();
  char uid[100];
  bool ok = d->putAndInsertString(DCM_SOPClassUID, UID_SecondaryCaptureImageStorage).good() &&
            d->putAndInsertString(DCM_SOPInstanceUID, dcmGenerateUniqueIdentifier(uid, SITE_INSTANCE_UID_ROOT))
                .good() &&
            d->putAndInsertUint16(DCM_Rows, kSide).good() && d->putAndInsertUint16(DCM_Columns, kSide).good() &&
            d->putAndInsertUint16(DCM_BitsAllocated, static_cast<Uint16>(f.bits)).good() &&
            d->putAndInsertUint16(DCM_BitsStored, static_cast<Uint16>(f.bits)).good() &&
            d->putAndInsertUint16(DCM_HighBit, static_cast<Uint16>(f.bits - 1)).good() &&
            d->putAndInsertUint16(DCM_PixelRepresentation, 0).good() &&
            d->putAndInsertUint16(DCM_SamplesPerPixel, static_cast<Uint16>(f.samples)).good() &&
            d->putAndInsertString(DCM_PhotometricInterpretation, f.photometric.c_str()).good();
  if (f.samples == 3) ok = ok && d->putAndInsertUint16(DCM_PlanarConfiguration, 0).good();
  if (f.frames > 1) ok = ok && d->putAndInsertString(DCM_NumberOfFrames, std::to_string(f.frames).c_str()).good();
  if (!f.slope.empty()) ok = ok && d->putAndInsertString(DCM_RescaleSlope, f.slope.c_str()).good();
  if (!f.intercept.empty()) ok = ok && d->putAndInsertString(DCM_RescaleIntercept, f.intercept.c_str()).good();
  if (!f.center.empty()) ok = ok && d->putAndInsertString(DCM_WindowCenter, f.center.c_str()).good();
  if (!f.width.empty()) ok = ok && d->putAndInsertString(DCM_WindowWidth, f.width.c_str()).good();
  if (f.bits == 16)
    ok = ok &&
         d->putAndInsertUint16Array(DCM_PixelData, f.words.data(), static_cast<unsigned long>(f.words.size())).good();
  else
    ok = ok &&
         d->putAndInsertUint8Array(DCM_PixelData, f.bytes.data(), static_cast<unsigned long>(f.bytes.size())).good();
  QVERIFY2(ok, p.string().c_str());
  const OFCondition saved = file.saveFile(p.c_str(), EXS_LittleEndianExplicit);
  QVERIFY2(saved.good(), saved.text());
}

// Horizontal 16-bit ramp: column x holds base + x·step in every row.
Fixture ramp(const std::string& photometric, Uint16 base, Uint16 step) {
  Fixture f;
  f.photometric = photometric;
  for (int y = 0; y < kSide; ++y)
    for (int x = 0; x < kSide; ++x) f.words.push_back(static_cast<Uint16>(base + x * step));
  return f;
}

// Window fixture: ramp 0..1500 stored, intercept −500 → −500..1000, window [0, 500].
Fixture windowed() {
  Fixture f = ramp("MONOCHROME2", 0, 100);
  f.slope = "1";
  f.intercept = "-500";
  f.center = "250";
  f.width = "500";
  return f;
}

// 8-bit RGB: (16·x, 16·y, 200).
Fixture rgb() {
  Fixture f;
  f.bits = 8;
  f.samples = 3;
  f.photometric = "RGB";
  for (int y = 0; y < kSide; ++y)
    for (int x = 0; x < kSide; ++x)
      f.bytes.insert(f.bytes.end(), {static_cast<Uint8>(16 * x), static_cast<Uint8>(16 * y), 200});
  return f;
}

// Three constant frames of stored 100, 500, 900 under the window centre 500, width 1000.
Fixture threeFrames() {
  Fixture f;
  f.frames = 3;
  f.center = "500";
  f.width = "1000";
  for (const Uint16 level : {100, 500, 900}) f.words.insert(f.words.end(), kSide * kSide, level);
  return f;
}

int px(const zd::DecodedDicom& d, int x, int y = 0, int c = 0, size_t frame = 0) {
  return d.frames.at(frame).at(static_cast<size_t>((y * d.width + x) * d.channels + c));
}

std::string reasonFor(const zd::LoadReport& r, const std::string& name) {
  for (const auto& s : r.skipped)
    if (fs::path(s.path).filename() == name) return s.reason.empty() ? "(empty reason)" : s.reason;
  return "";
}

}  // namespace

class TestDicom : public QObject {
  Q_OBJECT
 private:
  fs::path dir_;

 private slots:
  void initTestCase() {
    dir_ = fs::temp_directory_path() / ("zd_dicom_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    const fs::path a = dir_ / "folder" / "A", b = dir_ / "folder" / "B";
    writeDicom(a / "mono2.dcm", ramp("MONOCHROME2", 1000, 3000));
    writeDicom(a / "mono1.dcm", ramp("MONOCHROME1", 1000, 3000));
    writeDicom(a / "window.dcm", windowed());
    writeDicom(b / "rgb.dcm", rgb());
    writeDicom(b / "multi.dcm", threeFrames());
    writeDicom(b / "IM0001", ramp("MONOCHROME2", 0, 10));  // no extension: found by magic
    // Truncated: a good file cut in the middle of its pixel data.
    writeDicom(dir_ / "full.dcm", ramp("MONOCHROME2", 1000, 3000));
    std::ifstream in(dir_ / "full.dcm", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(a / "truncated.dcm", std::ios::binary) << bytes.substr(0, bytes.size() - 300);
    std::ofstream(b / "fake.dcm", std::ios::binary) << "this is a text file, not DICOM\n";
    std::ofstream(b / "notes.txt", std::ios::binary) << "ignored silently\n";
  }
  void cleanupTestCase() { fs::remove_all(dir_); }

  void sniffing() {
    QVERIFY(zd::looksLikeDicom(dir_ / "folder" / "A" / "mono2.dcm"));
    QVERIFY(zd::looksLikeDicom(dir_ / "folder" / "B" / "IM0001"));
    QVERIFY(zd::looksLikeDicom(dir_ / "folder" / "B" / "fake.dcm"));  // by extension
    QVERIFY(zd::looksLikeDicom("does/not/exist.DCM"));
    QVERIFY(!zd::looksLikeDicom(dir_ / "folder" / "B" / "notes.txt"));
    QVERIFY(!zd::looksLikeDicom(dir_ / "missing"));
  }

  void minMaxWindow() {  // no window in the file: min → 0, max → 255, monotonic
    const auto d = zd::decodeDicom(dir_ / "folder" / "A" / "mono2.dcm", false);
    QCOMPARE(d.width, kSide);
    QCOMPARE(d.height, kSide);
    QCOMPARE(d.channels, 1);
    QCOMPARE(d.bits_stored, 16);
    QCOMPARE(d.frames.size(), size_t{1});
    QCOMPARE(px(d, 0), 0);
    QCOMPARE(px(d, kSide - 1), 255);
    for (int x = 1; x < kSide; ++x) QVERIFY(px(d, x) > px(d, x - 1));
    QVERIFY(std::abs(px(d, 8) - 8 * 255 / 15) <= 1);  // linear
    QCOMPARE(px(d, 3, 9), px(d, 3, 0));
  }

  void monochrome1IsInverted() {
    const auto m2 = zd::decodeDicom(dir_ / "folder" / "A" / "mono2.dcm", false);
    const auto m1 = zd::decodeDicom(dir_ / "folder" / "A" / "mono1.dcm", false);
    QCOMPARE(px(m1, 0), 255);
    QCOMPARE(px(m1, kSide - 1), 0);
    for (int x = 0; x < kSide; ++x) QVERIFY(std::abs(px(m1, x) - (255 - px(m2, x))) <= 1);
  }

  void fileWindowAndRescale() {  // modality −500..1000 through the window [0, 500]
    const auto d = zd::decodeDicom(dir_ / "folder" / "A" / "window.dcm", false);
    for (int x = 0; x <= 5; ++x) QCOMPARE(px(d, x), 0);        // ≤ 0 after rescale: black
    for (int x = 10; x < kSide; ++x) QCOMPARE(px(d, x), 255);  // ≥ 500: white
    QVERIFY(px(d, 7) > 80 && px(d, 7) < 125);                  // 200 of 500 ≈ 102
    QVERIFY(px(d, 6) < px(d, 7) && px(d, 7) < px(d, 8));
  }

  void rgbPassesThrough() {
    const auto d = zd::decodeDicom(dir_ / "folder" / "B" / "rgb.dcm", false);
    QCOMPARE(d.channels, 3);
    QCOMPARE(d.bits_stored, 8);
    for (int y = 0; y < kSide; y += 5)
      for (int x = 0; x < kSide; x += 3) {
        QCOMPARE(px(d, x, y, 0), 16 * x);
        QCOMPARE(px(d, x, y, 1), 16 * y);
        QCOMPARE(px(d, x, y, 2), 200);
      }
  }

  void middleFrameAndAllFrames() {
    const auto mid = zd::decodeDicom(dir_ / "folder" / "B" / "multi.dcm", false);
    QCOMPARE(mid.frames_in_file, 3);
    QCOMPARE(mid.frames.size(), size_t{1});
    QCOMPARE(mid.frame_numbers, std::vector<int>{1});
    QVERIFY(std::abs(px(mid, 4, 4) - 128) <= 1);  // 500 at the window centre
    const auto all = zd::decodeDicom(dir_ / "folder" / "B" / "multi.dcm", true);
    QCOMPARE(all.frames.size(), size_t{3});
    QCOMPARE(all.frame_numbers, (std::vector<int>{0, 1, 2}));
    QVERIFY(std::abs(px(all, 0, 0, 0, 0) - 26) <= 2);  // 100: 0.1 of the window
    QVERIFY(std::abs(px(all, 0, 0, 0, 1) - 128) <= 1);
    QVERIFY(std::abs(px(all, 0, 0, 0, 2) - 230) <= 2);
  }

  void badFilesThrowWithReasons() {
    for (const char* name : {"A/truncated.dcm", "B/fake.dcm"}) {
      QString reason;
      try {
        zd::decodeDicom(dir_ / "folder" / name, false);
        reason = "NO EXCEPTION";
      } catch (const zd::DataError& e) {
        reason = QString::fromUtf8(e.what());
      }
      qInfo("%s: %s", name, qPrintable(reason));
      QVERIFY2(reason != "NO EXCEPTION" && reason.contains("DICOM"), qPrintable(reason));
    }
    QVERIFY_EXCEPTION_THROWN(zd::decodeDicom(dir_ / "folder" / "A" / "mono2.dcm", false, 100),
                             zd::DataError);  // 256 pixels over the limit
  }

  void loadImageFolderEndToEnd() {
    zd::ImageLoadOptions o;
    o.size = kSide;  // same size: the area resize keeps every pixel
    o.train = 1;
    o.val = 0;
    o.test = 0;
    o.threads = 2;
    zd::LoadReport report;
    const zd::Dataset data = zd::loadImageFolder(dir_ / "folder", o, &report);
    QCOMPARE(data.class_names, (std::vector<std::string>{"A", "B"}));
    QCOMPARE(data.train.size(), int64_t{6});
    QCOMPARE(data.train.channels(), int64_t{3});  // one RGB image makes the set colour
    QCOMPARE(report.formats.at("DICOM"), int64_t{6});
    QCOMPARE(report.bit_depths, (std::set<int>{8, 16}));
    QCOMPARE(report.sizes, (std::set<std::pair<int, int>>{{kSide, kSide}}));
    QVERIFY2(reasonFor(report, "truncated.dcm").find("DICOM") != std::string::npos,
             reasonFor(report, "truncated.dcm").c_str());
    QVERIFY2(reasonFor(report, "fake.dcm").find("not a DICOM file") != std::string::npos,
             reasonFor(report, "fake.dcm").c_str());
    QCOMPARE(reasonFor(report, "notes.txt"), std::string());
    QCOMPARE(report.skipped.size(), size_t{2});

    std::map<std::string, torch::Tensor> image;  // file name → [3, S, S]
    for (size_t i = 0; i < report.train_files.size(); ++i)
      image[fs::path(report.train_files[i]).filename().string()] = data.train.images[static_cast<int64_t>(i)];
    QCOMPARE(image.size(), size_t{6});
    auto at = [&](const std::string& f, int c, int x, int y = 0) { return image.at(f)[c][y][x].item<int>(); };
    for (int c = 0; c < 3; ++c) {  // grey replicated into every channel
      QCOMPARE(at("mono2.dcm", c, 0), 0);
      QCOMPARE(at("mono2.dcm", c, kSide - 1), 255);
      QCOMPARE(at("mono1.dcm", c, 0), 255);
      QCOMPARE(at("mono1.dcm", c, kSide - 1), 0);
      QCOMPARE(at("window.dcm", c, 5), 0);
      QCOMPARE(at("window.dcm", c, 10), 255);
      QVERIFY(std::abs(at("multi.dcm", c, 3, 3) - 128) <= 1);
      QCOMPARE(at("IM0001", c, kSide - 1), 255);
    }
    QCOMPARE(at("rgb.dcm", 0, 5, 7), 80);
    QCOMPARE(at("rgb.dcm", 1, 5, 7), 112);
    QCOMPARE(at("rgb.dcm", 2, 5, 7), 200);
    const auto labels = data.train.labels.contiguous();
    for (size_t i = 0; i < report.train_files.size(); ++i) {
      const std::string cls = fs::path(report.train_files[i]).parent_path().filename().string();
      QCOMPARE(labels[static_cast<int64_t>(i)].item<int64_t>(), cls == "A" ? int64_t{0} : int64_t{1});
    }
  }

  // options.all_frames: every frame of multi.dcm is an image of its own ("multi.dcm#N").
  void allFramesEndToEnd() {
    zd::ImageLoadOptions o;
    o.size = kSide;
    o.train = 1;
    o.val = 0;
    o.test = 0;
    o.all_frames = true;
    zd::LoadReport report;
    const zd::Dataset data = zd::loadImageFolder(dir_ / "folder", o, &report);
    QCOMPARE(data.train.size(), int64_t{8});  // 6 files, multi.dcm gives 3
    std::map<std::string, int> frame_value;   // "multi.dcm#N" → pixel (0, 0)
    for (size_t i = 0; i < report.train_files.size(); ++i) {
      const std::string name = fs::path(report.train_files[i]).filename().string();
      if (name.rfind("multi.dcm", 0) == 0)
        frame_value[name] = data.train.images[static_cast<int64_t>(i)][0][0][0].item<int>();
    }
    QCOMPARE(frame_value.size(), size_t{3});
    QVERIFY(std::abs(frame_value.at("multi.dcm#0") - 26) <= 2);  // the frames' own values
    QVERIFY(std::abs(frame_value.at("multi.dcm#1") - 128) <= 1);
    QVERIFY(std::abs(frame_value.at("multi.dcm#2") - 230) <= 2);
    QCOMPARE(report.formats.at("DICOM"), int64_t{6});  // files, not frames
  }

  // A DICOM series folder (files, no class folders) and a single DICOM file carry no
  // class: both fail naming the path and saying what layout is needed.
  void seriesWithoutClassesFails() {
    const fs::path series = dir_ / "series";
    fs::create_directories(series);
    for (const char* name : {"IM0001", "IM0002"}) fs::copy_file(dir_ / "folder" / "A" / "mono2.dcm", series / name);
    QString got;
    try {
      zd::loadImageFolder(series, zd::ImageLoadOptions(), nullptr);
    } catch (const zd::DataError& e) {
      got = QString::fromUtf8(e.what());
    }
    QVERIFY2(got.startsWith(QString::fromStdString(series.string())) && got.contains("2 DICOM file(s)") &&
                 got.contains("one sub-folder per class"),
             qPrintable(got));
  }
};

QTEST_GUILESS_MAIN(TestDicom)
#include "test_dicom.moc"
