// What a finished search left in its run folder, as the Results page and the retrain
// dialog show it: the budget band, the derived architecture and its size at the
// search's width, how it was derived (ALGORITHM.md §6) and the paper's argmax. Read
// from genotype.json (config.json for the width when the file lacks it); runs from
// before the in-band derivation lack the derivation fields, which then stay empty.
// Thread-safety: plain value type; the functions are pure apart from reading files.
#pragma once

#include "core/nas/genotype.h"

#include <QString>
#include <QStringList>

#include <cstdint>

struct RunPlotData;

struct SearchOutcome {
  bool valid = false;               // genotype.json was read
  zd::Genotype genotype;            // the derived architecture (empty when unknown)
  double params = 0;                // its parameters at the search's width
  QString derivation;               // "argmax", "in-band", or "" (a run from before the in-band derivation)
  zd::Genotype argmaxGenotype;      // the paper's argmax architecture (empty when unknown)
  double argmaxParams = 0;          // its parameters (0 when unknown)
  QStringList changes;              // what the derivation changed from the argmax
  QString note;                     // why the result is not what the derivation promises ("" when it is)
  int64_t searchChannels = 0;       // C the search ran at (0 when unknown)
  int64_t inChannels = 0;           // image channels (0 when unknown)
  int64_t classes = 0;              // number of classes (0 when unknown)
  double bandMin = 0, bandMax = 0;  // the budget band; bandMax 0: none

  bool hasBand() const { return bandMax > 0; }
  // Exact parameters of the derived architecture at width C = `channels` with the
  // run's image channels and classes; -1 when one of those is unknown.
  int64_t paramsAt(int64_t channels) const;
};

// Reads `runDir`'s genotype.json (and config.json for C when genotype.json lacks
// "channels"). When genotype.json is missing or unreadable the result is not valid
// and *error (when given) names the file and the problem.
SearchOutcome readSearchOutcome(const QString& runDir, QString* error = nullptr);

// The width C of the run's latest retraining: config.json's train.channels, which
// runTraining saves (0 there is the search's width); 0 when config.json is unreadable.
int64_t retrainWidth(const QString& runDir);

// Fills in from the run's events what the files did not say: everything when
// genotype.json could not be read (a cancelled search), else the image channels,
// classes and band when the file lacks them.
void completeFromEvents(SearchOutcome& outcome, const RunPlotData& data);

// Whether an architecture of `params` parameters lies in the band [lo, hi].
bool insideBand(double params, double lo, double hi);
// "18.5k–38.0k".
QString bandRange(double lo, double hi);

// The Results page's lines on the search's outcome (rich text): the band, the
// derived size and how it was derived, the argmax size, and the changes; e.g.
// "Derived in the band 57.7k–89.1k: 75.7k parameters at the search's width C = 16
// (the paper's argmax: 121k, outside the band)."
QString describeOutcome(const SearchOutcome& outcome);

// The Results page's line on a retraining of `params` parameters at width C =
// `channels` (0: unknown) of `genotype`, against the search's width and band
// (rich text), e.g. "Retrained at C = 16, not at the search's width: 74.9k
// parameters, outside the band 18.5k–38.0k."
QString describeRetraining(const SearchOutcome& search, double params, int64_t channels, const zd::Genotype& genotype);

// A genotype's string form (one line per stage) as rich text.
QString genotypeHtml(const zd::Genotype& genotype);
