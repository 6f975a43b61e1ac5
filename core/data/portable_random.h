// Seeded random choices that come out the same on every machine and standard
// library. std::mt19937_64's output is fixed by the standard, but
// std::uniform_int_distribution and std::shuffle are not (libstdc++ and libc++
// differ), so splits and augmentations draw through these instead.
#pragma once

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace zd {

// A uniform integer in [0, n) (n >= 1), unbiased (rejection sampling).
inline uint64_t uniformBelow(std::mt19937_64& rng, uint64_t n) {
  if (n <= 1) return 0;
  // Reject the top partial bucket of the 2^64 range so every residue is equally likely.
  const uint64_t limit = UINT64_MAX - (UINT64_MAX % n + 1) % n;
  uint64_t r = rng();
  while (r > limit) r = rng();
  return r % n;
}

// A fair coin.
inline bool coinFlip(std::mt19937_64& rng) { return (rng() >> 63) != 0; }

// Shuffles `items` in place (Fisher–Yates).
template <typename T>
void portableShuffle(std::vector<T>& items, std::mt19937_64& rng) {
  for (size_t i = items.size(); i > 1; --i) {
    const size_t j = static_cast<size_t>(uniformBelow(rng, i));
    std::swap(items[i - 1], items[j]);
  }
}

}  // namespace zd
