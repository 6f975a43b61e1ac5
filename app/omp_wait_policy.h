#pragma once
// OpenMP idle-wait policy of LibTorch's thread pool (libgomp).
//
// libgomp's default lets idle worker threads spin for a long time before they
// sleep. On a machine where other programs also want the cores, the spinning
// threads steal the CPU from the threads doing work and the search slows down by
// an order of magnitude. libgomp reads OMP_WAIT_POLICY and GOMP_SPINCOUNT only when
// it is loaded, before main() runs, so setting them in main() is too late: the
// process has to start again with them set.

namespace zd {

// Call first thing in main(), before anything else runs. Where the user set
// neither OMP_WAIT_POLICY nor GOMP_SPINCOUNT, sets GOMP_SPINCOUNT=10000 and
// re-executes this program (/proc/self/exe) once with the same arguments; returns
// normally in the re-executed process, where the user set one of the two, or when
// the re-execution fails (the program then runs with libgomp's own default).
// Linux only; elsewhere it does nothing.
void applyOmpWaitPolicy(char** argv);

}  // namespace zd
