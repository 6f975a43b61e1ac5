// The budget band of the search the wizard is setting up, worked out the way the
// run will work it out (core/run/run_search.cpp): from the budget settings and the
// network that will run — C and N (Run page), the data's image channels and classes
// (Data page), whether phase 2 is reached (Schedule page). It is recomputed off the
// GUI thread whenever one of these changes on any page, so the Budget page and the
// Run page always show the band of the network that will run, with the sizes of
// sampled architectures, the smallest and largest architectures of the space, and
// whether any architecture fits the band at all. Thread-safety: GUI thread only.
#pragma once

#include <QObject>
#include <QString>

#include <cstdint>
#include <vector>

class SearchSetup;

// What the band depends on and what it is. Plain value type.
struct BandFacts {
  QString key;             // the settings it was worked out for ("" before the first)
  int64_t inChannels = 0;  // image channels
  int64_t classes = 0;
  int64_t channels = 0;          // C
  int64_t cells = 0;             // N
  bool phase2 = true;            // the search reaches phase 2 (kernels and depths searched)
  QString preset;                // search.budget.preset
  QString fromRun;               // search.budget.from_run ("" = the space sampled uniformly)
  std::vector<int64_t> samples;  // sizes of architectures sampled uniformly from the space, ascending
  int64_t smallest = 0;          // the smallest architecture of the space (skip connections only)
  int64_t largest = 0;           // the largest (every edge a 7×7 conv, depth N)
  double min = 0, max = 0;       // the band; max 0: none
  QString unreachable;           // no architecture fits the band: the engine's message saying so
  QString error;                 // the band could not be worked out (e.g. an unreadable budget run)
  bool hasBand() const { return max > 0; }
};

class BandPreview : public QObject {
  Q_OBJECT

 public:
  // Follows `setup`'s config and data facts from now on; starts the first computation.
  explicit BandPreview(SearchSetup* setup, QObject* parent = nullptr);

  // The latest facts; those of the present settings only when isCurrent().
  const BandFacts& facts() const { return facts_; }
  bool isCurrent() const;
  // The present settings' facts, worked out now on this thread when not current (a
  // page about to move on cannot wait for the background).
  const BandFacts& settle();

  // One sentence on the band for the present settings: the network it is for, its
  // numbers, and the space's smallest and largest sizes ("Working out …" meanwhile).
  QString describe() const;

 Q_SIGNALS:
  // facts() or isCurrent() changed.
  void updated();

 private:
  void refresh();

  SearchSetup* setup_;
  BandFacts facts_;
  QString pendingKey_;  // the settings a background computation is working on
  int generation_ = 0;  // a newer computation makes older results stale
};
