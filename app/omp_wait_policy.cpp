#include "app/omp_wait_policy.h"

#include <cstdlib>

#if defined(__linux__)
#include <unistd.h>
#endif

namespace zd {
namespace {

// Set in the environment of the re-executed process, so that it never
// re-executes again (removed there at once, so that programs it starts do not
// inherit it).
constexpr const char* kMarker = "ZODARTS_OMP_REEXEC";

// How long an idle thread spins before it sleeps: libgomp's default (without
// OMP_WAIT_POLICY) is 300000 spins, which under CPU contention collapses LibTorch's
// throughput (0.27 instead of 9 images/s at load 12); OMP_WAIT_POLICY=PASSIVE (no
// spinning) cost a third of the throughput even with only niced programs beside
// it. 10000 spins bridge the short gaps between LibTorch's parallel regions.
constexpr const char* kSpinCount = "10000";

}  // namespace

void applyOmpWaitPolicy(char** argv) {
#if defined(__linux__)
  if (std::getenv(kMarker) != nullptr) {
    ::unsetenv(kMarker);
    return;
  }
  // The user's own choice is kept.
  if (std::getenv("OMP_WAIT_POLICY") != nullptr || std::getenv("GOMP_SPINCOUNT") != nullptr) return;
  if (argv == nullptr || argv[0] == nullptr) return;
  ::setenv("GOMP_SPINCOUNT", kSpinCount, 1);
  ::setenv(kMarker, "1", 1);
  ::execv("/proc/self/exe", argv);
  // exec failed: carry on with the policy libgomp has already read, and leave the
  // environment as it was.
  ::unsetenv("GOMP_SPINCOUNT");
  ::unsetenv(kMarker);
#else
  (void)argv;
#endif
}

}  // namespace zd
