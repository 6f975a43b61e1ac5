// Precompiled header for the tests: LibTorch first, then Qt (whose `signals`/`slots`
// macros would otherwise break LibTorch's headers).
#pragma once
#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include <QtTest>
