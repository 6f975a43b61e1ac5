// Image folders as clinicians keep them: one sub-folder per class (the folder name is
// the class name), images at any depth below it, optionally pre-split into top-level
// train/ val/ test/ folders. Decoded with OpenCV (only built with ZODARTS_WITH_OPENCV).
#pragma once

#include "core/data/image_load_options.h"
#include "core/data/image_set.h"
#include "core/data/load_report.h"

#include <filesystem>

namespace zd {

// Loads every image under `root` into a Dataset of size×size uint8 images, or throws
// DataError naming the folder when fewer than two classes keep at least one usable
// image, or when it holds images but no class folder (ConfigError for invalid
// options). Bad files never abort the load: each is listed in report->skipped (when
// report is not null) with its reason.
//
// Layout (scanImageFolder, folder_scan.h): class folders are the sub-folders of `root`
// (sorted by name; hidden ones ignored), or of root/train, root/val (or valid/validation)
// and root/test when `root` holds train and test folders — those are then the splits.
// Otherwise the images are split stratified and seeded: test first, then val out of
// the rest (splits.h). Channels: 1 when every image is grayscale (a colour image whose
// channels are all equal counts as grayscale), else 3 (RGB; grayscale replicated,
// alpha dropped). Samples of more than 8 bits are scaled to 0..255 by each image's
// own min–max. DICOM files (".dcm", or the DICM magic under any name) give their
// middle frame (every frame with options.all_frames) through decodeDicom
// (dicom_image.h: modality LUT, the file's window or min–max, MONOCHROME1 inverted);
// builds without ZODARTS_WITH_DICOM skip them with a reason. Each image is
// centre-cropped (or padded) to a square and resized with area interpolation
// (decodeImageFile, image_decode.h). Symbolic links are followed, loops reported and
// cut. Files without an image extension (.png .jpg .jpeg .jpe .bmp .dib .tif .tiff
// .pgm .ppm .pbm .pnm .dcm) or DICM magic are ignored silently. Thread-safe: touches
// no shared state.
Dataset loadImageFolder(const std::filesystem::path& root, const ImageLoadOptions& options, LoadReport* report);

}  // namespace zd
