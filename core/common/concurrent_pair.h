// Two long-lived threads that run two independent jobs at the same time, each
// with its own share of LibTorch's intra-op threads.
//
// Why: the search trains its network and the perturbed copy on the same batch,
// one after the other. At small batches their convolutions are too small to keep
// every core busy (2 threads reach ~1.6× one thread on a step), while two
// single-threaded steps side by side scale almost perfectly. Running the two
// steps on one thread each made search steps 1.2–1.4× faster on 2 cores
// (figures in the README).
//
// LibTorch's intra-op thread count is per OS thread (OpenMP's nthreads ICV), but
// at::set_num_threads also sets a process-wide default. Each worker sets its own
// count once when it starts; the constructor then restores the caller's count
// and the process default, so the rest of the program is untouched.
#pragma once

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace zd {

class ConcurrentPair {
 public:
  // Starts both workers with `threads_each` intra-op threads (≥ 1).
  explicit ConcurrentPair(int threads_each);
  ~ConcurrentPair();
  ConcurrentPair(const ConcurrentPair&) = delete;
  ConcurrentPair& operator=(const ConcurrentPair&) = delete;

  // Runs `first` on one worker and `second` on the other; returns when both
  // have finished. If either throws, the first exception is rethrown here
  // (after both have finished, so neither job outlives its captures).
  void run(const std::function<void()>& first, const std::function<void()>& second);

  int threadsEach() const { return threads_each_; }

 private:
  struct Slot {
    std::function<void()> job;
    std::exception_ptr error;
  };
  void work(int index);

  int threads_each_;
  std::mutex mutex_;
  std::condition_variable wake_;  // workers wait for a job (or stop)
  std::condition_variable done_;  // run() waits for both jobs
  Slot slots_[2];
  int pending_ = 0;          // jobs handed out and not finished
  int ready_ = 0;            // workers that have set their thread count
  unsigned generation_ = 0;  // bumped once per run()
  bool stop_ = false;
  std::thread threads_[2];
};

}  // namespace zd
