// Parameter counts as people read them: "807k", "4.91M".
#pragma once

#include <QString>

// `count` with a k/M suffix and three significant digits ("950", "12.3k", "4.91M");
// negative counts keep their sign. Thread-safe (pure function).
QString formatCount(double count);
