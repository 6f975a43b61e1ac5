// The engine's one exception family. Every message names the thing at fault
// (a file, a key, a setting) and what is wrong with it, so a user can act on it.
// Caught at the app/ui boundary; the engine never shows UI.
#pragma once

#include <stdexcept>
#include <string>

namespace zd {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Bad or unreadable input data ("file X: key 'train_images' missing").
class DataError : public Error {
 public:
  using Error::Error;
};

// An invalid setting ("config key 'search.epochs': must be >= 1, got 0").
class ConfigError : public Error {
 public:
  using Error::Error;
};

// A file that cannot be written or read back (run directory, checkpoint).
class IoError : public Error {
 public:
  using Error::Error;
};

}  // namespace zd
