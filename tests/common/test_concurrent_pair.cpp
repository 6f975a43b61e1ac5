#include "core/common/concurrent_pair.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <QtTest>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace {

// Counts arrivals and waits (up to 10 s) until `expected` jobs are inside at once:
// true only if they really ran at the same time.
bool meetAt(std::atomic<int>& arrived, int expected) {
  ++arrived;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (arrived.load() < expected) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::yield();
  }
  return true;
}

int threadsAfterWork() {
  // Large enough to take LibTorch's parallel path, which initialises a thread's
  // count lazily: the count must survive it.
  auto x = torch::ones({1 << 20});
  x.add_(1.0);
  (void)torch::matmul(torch::ones({128, 128}), torch::ones({128, 128}));
  return at::get_num_threads();
}

}  // namespace

class TestConcurrentPair : public QObject {
  Q_OBJECT
 private slots:
  void runsBothJobsAtTheSameTime() {
    zd::ConcurrentPair pair(1);
    std::atomic<int> arrived{0};
    bool first_met = false, second_met = false;
    std::thread::id first_id, second_id;
    pair.run(
        [&] {
          first_id = std::this_thread::get_id();
          first_met = meetAt(arrived, 2);
        },
        [&] {
          second_id = std::this_thread::get_id();
          second_met = meetAt(arrived, 2);
        });
    QVERIFY(first_met);
    QVERIFY(second_met);
    QVERIFY(first_id != second_id);
    QVERIFY(first_id != std::this_thread::get_id());
  }

  void eachWorkerHasItsShareOfThreadsAndTheCallerKeepsItsOwn() {
    at::set_num_threads(3);
    {
      zd::ConcurrentPair pair(2);
      QCOMPARE(pair.threadsEach(), 2);
      QCOMPARE(at::get_num_threads(), 3);
      int first = 0, second = 0;
      pair.run([&] { first = threadsAfterWork(); }, [&] { second = threadsAfterWork(); });
      QCOMPARE(first, 2);
      QCOMPARE(second, 2);
      QCOMPARE(at::get_num_threads(), 3);
      // The process default is back too: a brand-new thread starts with 3.
      int fresh = 0;
      std::thread([&] { fresh = threadsAfterWork(); }).join();
      QCOMPARE(fresh, 3);
    }
    QCOMPARE(zd::ConcurrentPair(0).threadsEach(), 1);
  }

  void rethrowsAJobsErrorAfterBothFinishedAndStaysUsable() {
    zd::ConcurrentPair pair(1);
    std::atomic<bool> first_done{false};
    try {
      pair.run(
          [&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            first_done = true;
          },
          [] { throw std::runtime_error("second failed"); });
      QFAIL("expected the second job's error");
    } catch (const std::runtime_error& e) {
      QCOMPARE(QString(e.what()), QString("second failed"));
    }
    QVERIFY(first_done.load());
    int sum = 0, product = 0;
    pair.run([&] { sum = 2 + 3; }, [&] { product = 2 * 3; });
    QCOMPARE(sum, 5);
    QCOMPARE(product, 6);
  }

  void runsManyRoundsInOrder() {
    zd::ConcurrentPair pair(1);
    std::vector<int> a, b;
    for (int i = 0; i < 500; ++i) pair.run([&] { a.push_back(i); }, [&] { b.push_back(-i); });
    QCOMPARE(a.size(), size_t{500});
    QCOMPARE(b.size(), size_t{500});
    for (int i = 0; i < 500; ++i) {
      QCOMPARE(a[static_cast<size_t>(i)], i);
      QCOMPARE(b[static_cast<size_t>(i)], -i);
    }
  }
};

QTEST_APPLESS_MAIN(TestConcurrentPair)
#include "test_concurrent_pair.moc"
