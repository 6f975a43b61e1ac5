// The activation layout setting (search.memory_format), torch-free so that settings
// headers stay light; device.h decides what it means on a device.
#pragma once

#include "core/common/enum_names.h"

#include <array>

namespace zd {

// "auto" (channels-last on the CPU, contiguous on CUDA), "channels_last" or
// "contiguous": same numbers either way, only speed differs.
enum class MemoryFormat { Auto, ChannelsLast, Contiguous };
constexpr std::array<EnumName<MemoryFormat>, 3> namesOf(MemoryFormat) {
  return {{{MemoryFormat::Auto, "auto"},
           {MemoryFormat::ChannelsLast, "channels_last"},
           {MemoryFormat::Contiguous, "contiguous"}}};
}

}  // namespace zd
