#include "core/data/dicom_image.h"

#include "core/common/ascii_lower.h"
#include "core/common/error.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <string>

#ifdef ZODARTS_WITH_DICOM
#include <dcmtk/config/osconfig.h>  // first, as DCMTK requires
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmimage/diregist.h>  // colour models (RGB, YBR, palette) for DicomImage
#include <dcmtk/dcmimgle/dcmimage.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/oflog/oflog.h>

#include <mutex>
#endif

namespace zd {
namespace fs = std::filesystem;

bool looksLikeDicom(const fs::path& path) {
  if (asciiLower(path.extension().string()) == ".dcm") return true;
  std::ifstream in(path, std::ios::binary);
  char head[132] = {};
  if (!in.read(head, sizeof head)) return false;
  return std::memcmp(head + 128, "DICM", 4) == 0;
}

#ifdef ZODARTS_WITH_DICOM

namespace {

// JPEG (baseline/extended/lossless), JPEG-LS and RLE decoders, registered once per process.
// DCMTK's own log (stderr) is limited to fatal errors: every failure reaches the caller as
// the DataError's reason, so a folder of bad files does not flood the console.
void registerDecoders() {
  static std::once_flag once;
  std::call_once(once, [] {
    OFLog::getLogger("dcmtk").setLogLevel(OFLogger::FATAL_LOG_LEVEL);
    DJDecoderRegistration::registerCodecs();
    DJLSDecoderRegistration::registerCodecs();
    DcmRLEDecoderRegistration::registerCodecs();
  });
}

[[noreturn]] void fail(const std::string& reason) { throw DataError(reason); }

}  // namespace

DecodedDicom decodeDicom(const fs::path& path, bool all_frames, int64_t max_pixels) {
  registerDecoders();
  const bool part10 = [&] {  // "DICM" magic present (looksLikeDicom also accepts .dcm alone)
    std::ifstream in(path, std::ios::binary);
    char head[132] = {};
    return static_cast<bool>(in.read(head, sizeof head)) && std::memcmp(head + 128, "DICM", 4) == 0;
  }();

  DcmFileFormat file;
  const OFCondition loaded = file.loadFile(OFFilename(path.c_str()));
  if (loaded.bad()) {
    if (!part10) fail(std::string("not a DICOM file (") + loaded.text() + ")");
    fail(std::string("truncated or corrupt DICOM file (") + loaded.text() + ")");
  }
  DcmDataset* data = file.getDataset();
  Uint16 rows = 0, cols = 0, bits_allocated = 0, bits_stored = 0;
  if (!data || !data->tagExists(DCM_PixelData) || data->findAndGetUint16(DCM_Rows, rows).bad() ||
      data->findAndGetUint16(DCM_Columns, cols).bad())
    fail(part10 ? "DICOM file without an image (no Rows/Columns/PixelData)"
                : "not a DICOM file (no DICM magic, no image data)");
  data->findAndGetUint16(DCM_BitsAllocated, bits_allocated);
  data->findAndGetUint16(DCM_BitsStored, bits_stored);
  if (bits_allocated != 8 && bits_allocated != 16)
    fail("unsupported DICOM sample size: BitsAllocated " + std::to_string(bits_allocated) + " (8 or 16 only)");
  if (rows == 0 || cols == 0)
    fail("DICOM image of " + std::to_string(cols) + "×" + std::to_string(rows) + " pixels is empty");
  if (max_pixels > 0 && static_cast<int64_t>(rows) * cols > max_pixels)
    fail("DICOM image of " + std::to_string(cols) + "×" + std::to_string(rows) + " exceeds the limit of " +
         std::to_string(max_pixels) + " pixels");

  // Compressed pixel data: decompress here so that a missing codec has a clear reason.
  const DcmXfer original(data->getOriginalXfer());
  if (original.isEncapsulated()) {
    const OFCondition c = data->chooseRepresentation(EXS_LittleEndianExplicit, nullptr);
    if (c.bad() || !data->canWriteXfer(EXS_LittleEndianExplicit))
      fail(std::string("compressed transfer syntax '") + original.getXferName() + "' cannot be decoded (" +
           (c.bad() ? c.text() : "no decoder") + ")");
  }
  const E_TransferSyntax xfer = original.isEncapsulated() ? EXS_LittleEndianExplicit : data->getOriginalXfer();

  Sint32 frames_in_file = 1;
  if (data->findAndGetSint32(DCM_NumberOfFrames, frames_in_file).bad() || frames_in_file < 1) frames_in_file = 1;
  Uint16 samples = 1;
  data->findAndGetUint16(DCM_SamplesPerPixel, samples);
  DcmElement* pixels = nullptr;
  const uint64_t needed = uint64_t{rows} * cols * std::max<Uint16>(samples, 1) * (bits_allocated / 8) *
                          static_cast<uint64_t>(frames_in_file);
  if (data->findAndGetElement(DCM_PixelData, pixels).good() && pixels && pixels->getLength() < needed)
    fail("truncated DICOM pixel data (" + std::to_string(pixels->getLength()) + " of " + std::to_string(needed) +
         " bytes)");
  const unsigned long first = all_frames ? 0 : static_cast<unsigned long>(frames_in_file / 2);
  const unsigned long count = all_frames ? 0 : 1;

  DicomImage image(data, xfer, CIF_MayDetachPixelData, first, count);
  if (image.getStatus() != EIS_Normal)
    fail(std::string("DICOM image cannot be rendered (") + DicomImage::getString(image.getStatus()) + ")");
  if (image.isMonochrome()) {
    // The file's own VOI window when it has one, else the full range of its values.
    const bool ok = image.getWindowCount() > 0 ? image.setWindow(0) : image.setMinMaxWindow(0);
    if (!ok && !image.setMinMaxWindow(0)) fail("DICOM VOI window cannot be applied");
  }

  DecodedDicom out;
  out.width = static_cast<int>(image.getWidth());
  out.height = static_cast<int>(image.getHeight());
  out.channels = image.isMonochrome() ? 1 : 3;
  out.bits_stored = bits_stored > 0 ? bits_stored : bits_allocated;
  out.frames_in_file = static_cast<int>(frames_in_file);
  const size_t bytes = static_cast<size_t>(out.width) * static_cast<size_t>(out.height) *
                       static_cast<size_t>(out.channels);
  if (image.getOutputDataSize(8) != bytes) fail("DICOM image renders to an unexpected size");
  const unsigned long decoded = image.getFrameCount();
  for (unsigned long f = 0; f < decoded; ++f) {
    const auto* px = static_cast<const uint8_t*>(image.getOutputData(8, f, 0));
    if (!px) fail("DICOM frame " + std::to_string(first + f) + " cannot be rendered");
    out.frames.emplace_back(px, px + bytes);
    out.frame_numbers.push_back(static_cast<int>(first + f));
    image.deleteOutputData();
  }
  if (out.frames.empty()) fail("DICOM file holds no frames");
  return out;
}

#else

DecodedDicom decodeDicom(const fs::path&, bool, int64_t) {
  throw DataError("DICOM support not built (ZODARTS_WITH_DICOM)");
}

#endif

}  // namespace zd
