// DICOM files as a source of images, decoded with DCMTK's DicomImage (dcmimgle/dcmimage):
// the modality LUT (rescale slope/intercept), the file's first VOI window (else the
// min–max window), MONOCHROME1 polarity and colour models are DCMTK's, the output is
// 8 bits per sample. Built with ZODARTS_WITH_DICOM; without it decodeDicom throws.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace zd {

// One decoded DICOM image (or every frame of it). Plain value type.
struct DecodedDicom {
  int width = 0, height = 0;
  int channels = 1;                          // 1 (monochrome) or 3 (RGB)
  int bits_stored = 0;                       // bits per sample as stored (BitsStored), e.g. 12 or 16
  int frames_in_file = 1;                    // NumberOfFrames of the file
  std::vector<int> frame_numbers;            // 0-based number of each decoded frame
  std::vector<std::vector<uint8_t>> frames;  // row-major, interleaved RGB when channels 3
};

// True when `path` names a DICOM file: a ".dcm" extension (any case) or the "DICM"
// magic at offset 128 (DICOM Part 10). Reads at most 132 bytes; false when unreadable.
bool looksLikeDicom(const std::filesystem::path& path);

// Decodes `path` to 8-bit pixel planes: the middle frame (frame ⌊n/2⌋ of n), or every
// frame when `all_frames`. Monochrome: the file's first window centre/width when it
// has one, else the min–max of the pixel values, mapped to 0..255, MONOCHROME1
// inverted so that 255 is always white. JPEG, JPEG-LS and RLE compressed files are
// decompressed. Throws DataError with the reason ("not a DICOM file", "no pixel
// data", "compressed transfer syntax … cannot be decoded", "truncated …"); images of
// more than `max_pixels` (width·height, when > 0) are refused before rendering.
DecodedDicom decodeDicom(const std::filesystem::path& path, bool all_frames, int64_t max_pixels = 0);

}  // namespace zd
