#include "core/common/concurrent_pair.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <utility>

namespace zd {

ConcurrentPair::ConcurrentPair(int threads_each) : threads_each_(std::max(1, threads_each)) {
  const int caller_threads = at::get_num_threads();
  for (int i = 0; i < 2; ++i) threads_[i] = std::thread(&ConcurrentPair::work, this, i);
  {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return ready_ == 2; });
  }
  // The workers' at::set_num_threads also changed the process-wide default (and
  // the pool of LibTorch's own threads): put both back.
  at::set_num_threads(caller_threads);
}

ConcurrentPair::~ConcurrentPair() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

void ConcurrentPair::run(const std::function<void()>& first, const std::function<void()>& second) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    slots_[0] = {first, nullptr};
    slots_[1] = {second, nullptr};
    pending_ = 2;
    ++generation_;
  }
  wake_.notify_all();
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [this] { return pending_ == 0; });
  for (auto& slot : slots_) {
    slot.job = nullptr;
    if (slot.error) std::rethrow_exception(std::exchange(slot.error, nullptr));
  }
}

void ConcurrentPair::work(int index) {
  // LibTorch sets a thread's count lazily, from the process default, on the
  // thread's first parallel call: let that happen now, or it would later undo
  // the count set here.
  at::get_num_threads();
  at::set_num_threads(threads_each_);
  unsigned seen = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++ready_;
    seen = generation_;
  }
  done_.notify_all();
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      job = slots_[index].job;
    }
    std::exception_ptr error;
    try {
      job();
    } catch (...) {
      error = std::current_exception();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      slots_[index].error = error;
      --pending_;
    }
    done_.notify_all();
  }
}

}  // namespace zd
