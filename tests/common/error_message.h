// Test helper: the message of the zd::DataError that `f` throws, or a marker
// saying what happened instead (so a QVERIFY2 shows it).
#pragma once

#include "core/common/error.h"

#include <QString>

#include <functional>

inline QString dataErrorMessage(const std::function<void()>& f) {
  try {
    f();
  } catch (const zd::DataError& e) {
    return QString::fromUtf8(e.what());
  } catch (const std::exception& e) {
    return QString("UNEXPECTED EXCEPTION TYPE: ") + e.what();
  }
  return QString("NO EXCEPTION");
}
