#include "core/train/curves_csv.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"

#include <cmath>
#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace zd {
namespace {

constexpr const char* kHeader =
    "epoch,lr,train_loss,train_accuracy,val_loss,val_accuracy,best_epoch,best_val_accuracy,seconds";

// %.17g round-trips a double; NaN (no validation split) is written as "nan".
std::string number(double v) {
  if (std::isnan(v)) return "nan";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

void writeCurvesCsv(const std::filesystem::path& path, const std::vector<TrainEpochFinished>& curves) {
  std::string text = std::string(kHeader) + "\n";
  for (const auto& c : curves) {
    text += std::to_string(c.epoch + 1) + "," + number(c.lr) + "," + number(c.train_loss) + "," +
            number(c.train_accuracy) + "," + number(c.val_loss) + "," + number(c.val_accuracy) + "," +
            std::to_string(c.best_epoch + 1) + "," + number(c.best_val_accuracy) + "," + number(c.seconds) + "\n";
  }
  writeFileAtomically(path, text);
}

std::vector<TrainEpochFinished> readCurvesCsv(const std::filesystem::path& path) {
  std::istringstream in(readFile(path));
  std::string line;
  if (!std::getline(in, line) || line != kHeader)
    throw DataError(path.string() + ": line 1 must be the header \"" + kHeader + "\"");
  std::vector<TrainEpochFinished> out;
  for (int number_of_line = 2; std::getline(in, line); ++number_of_line) {
    if (line.empty()) continue;
    std::vector<double> v;
    std::istringstream fields(line);
    std::string field;
    while (std::getline(fields, field, ',')) {
      try {
        size_t used = 0;
        v.push_back(std::stod(field, &used));
        if (used != field.size()) throw std::invalid_argument(field);
      } catch (const std::exception&) {
        throw DataError(path.string() + ": line " + std::to_string(number_of_line) + ": '" + field +
                        "' is not a number");
      }
    }
    if (v.size() != 9)
      throw DataError(path.string() + ": line " + std::to_string(number_of_line) + ": expected 9 values, got " +
                      std::to_string(v.size()));
    TrainEpochFinished c;
    c.epoch = static_cast<int>(v[0]) - 1;
    c.lr = v[1];
    c.train_loss = v[2];
    c.train_accuracy = v[3];
    c.val_loss = v[4];
    c.val_accuracy = v[5];
    c.best_epoch = static_cast<int>(v[6]) - 1;
    c.best_val_accuracy = v[7];
    c.seconds = v[8];
    out.push_back(c);
  }
  return out;
}

}  // namespace zd
