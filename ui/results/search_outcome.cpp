// LibTorch (through the engine headers) before Qt: see the precompiled header in ui/CMakeLists.txt.
#include "core/nas/genotype.h"
#include "core/nas/param_count.h"
#include "core/run/run_directory.h"

#include "ui/results/search_outcome.h"

#include "ui/dashboard/count_format.h"
#include "ui/dashboard/run_plot_data.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFile>
#include <QObject>

#include <exception>
#include <string>

namespace {

using nlohmann::json;

int64_t countOf(const json& j, const char* key) {
  if (!j.contains(key)) return 0;
  const json& v = j.at(key);
  if (v.is_array()) return static_cast<int64_t>(v.size());  // "classes" lists the class names
  return v.is_number() ? v.get<int64_t>() : 0;
}

QString stringOf(const json& j, const char* key) {
  return j.contains(key) && j.at(key).is_string() ? QString::fromStdString(j.at(key).get<std::string>()) : QString();
}

// Reads the fields of a parsed genotype.json into `o`; throws nlohmann's exceptions on wrong types.
void readFields(const json& j, SearchOutcome& o) {
  o.params = static_cast<double>(countOf(j, "params"));
  o.derivation = stringOf(j, "derivation");
  o.note = stringOf(j, "derivation_note");
  if (j.contains("argmax") && j.at("argmax").is_object()) {
    const json& argmax = j.at("argmax");
    o.argmaxGenotype = argmax.contains("genotype") ? zd::Genotype::fromJson(argmax.at("genotype"))
                                                   : zd::Genotype::fromString(stringOf(argmax, "string").toStdString());
    o.argmaxParams = static_cast<double>(countOf(j.at("argmax"), "params"));
  }
  if (j.contains("changes"))
    for (const auto& change : j.at("changes")) o.changes << QString::fromStdString(change.get<std::string>());
  o.searchChannels = countOf(j, "channels");
  o.inChannels = countOf(j, "in_channels");
  o.classes = countOf(j, "classes");
  if (j.contains("budget") && j.at("budget").is_object()) {
    const json& b = j.at("budget");
    if (b.value("active", false)) {
      o.bandMin = b.value("min", 0.0);
      o.bandMax = b.value("max", 0.0);
    }
  }
}

}  // namespace

int64_t SearchOutcome::paramsAt(int64_t channels) const {
  if (genotype.empty() || inChannels <= 0 || classes <= 0 || channels <= 0) return -1;
  return zd::exactParams(genotype, inChannels, channels, classes);
}

SearchOutcome readSearchOutcome(const QString& runDir, QString* error) {
  SearchOutcome o;
  const QString path = QDir(runDir).filePath(QStringLiteral("genotype.json"));
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) {
    if (error) *error = QObject::tr("%1: cannot be read").arg(path);
    return o;
  }
  const QByteArray bytes = file.readAll();
  try {
    const json j = json::parse(bytes.constData(), bytes.constData() + bytes.size());
    readFields(j, o);
    o.valid = true;
    // The architecture itself (its "string" is the same, for people to read).
    o.genotype = zd::Genotype::fromJson(j);
  } catch (const std::exception& e) {
    if (error) *error = QStringLiteral("%1: %2").arg(path, QString::fromUtf8(e.what()));
  }
  if (o.valid && o.searchChannels <= 0) {
    // genotype.json of an older run or of `zodarts train --genotype`: the search's C
    // is the one config.json names.
    try {
      o.searchChannels = zd::RunDirectory::open(runDir.toStdString()).readConfig().search.network.channels;
    } catch (const std::exception&) {
      // Unknown width: the page then says "at the search's width" without a number.
    }
  }
  return o;
}

int64_t retrainWidth(const QString& runDir) {
  try {
    const zd::RunConfig config = zd::RunDirectory::open(runDir.toStdString()).readConfig();
    return config.train.channels > 0 ? config.train.channels : config.search.network.channels;
  } catch (const std::exception&) {
    return 0;  // unknown: the page names no width for the retraining
  }
}

void completeFromEvents(SearchOutcome& o, const RunPlotData& d) {
  if (!o.valid && !d.genotype.empty()) {
    o.genotype = d.genotype;
    o.params = d.finalParams > 0 ? d.finalParams : (d.derivedParams.isEmpty() ? 0 : d.derivedParams.back());
    o.derivation = d.derivation;
    o.argmaxGenotype = d.argmaxGenotype;
    o.argmaxParams = d.argmaxParams;
    o.changes = d.derivationChanges;
  }
  if (o.inChannels <= 0) o.inChannels = d.channels;
  if (o.classes <= 0) o.classes = d.classes;
  if (!o.hasBand() && d.maxParams > 0) {
    o.bandMin = d.minParams;
    o.bandMax = d.maxParams;
  }
}

bool insideBand(double params, double lo, double hi) { return params >= lo && params <= hi; }

QString bandRange(double lo, double hi) { return formatCount(lo) + QStringLiteral("–") + formatCount(hi); }

QString describeOutcome(const SearchOutcome& o) {
  QString text;
  const QString band = bandRange(o.bandMin, o.bandMax);
  if (o.hasBand()) text += QObject::tr("<b>Budget band</b> %1 parameters.<br>").arg(band);
  else text += QObject::tr("<b>No budget band</b>: the search was free to choose any size.<br>");
  if (o.genotype.empty()) return text;

  const QString size = formatCount(o.params);
  const QString width = o.searchChannels > 0 ? QObject::tr("at the search's width C = %1").arg(o.searchChannels)
                                             : QObject::tr("at the search's width");
  auto where = [&o](double params) {
    return insideBand(params, o.bandMin, o.bandMax) ? QObject::tr("inside the band") : QObject::tr("outside the band");
  };
  // The argmax is worth naming only when the derivation says what it was and it differs.
  const bool argmaxDiffers = o.argmaxParams > 0 && !o.changes.isEmpty();
  if (o.derivation == QLatin1String("in-band")) {
    text += QObject::tr("<b>Derived in the band</b> %1: %2 parameters %3").arg(band, size, width);
    text += argmaxDiffers
                ? QObject::tr(" (the paper's argmax: %1, %2)").arg(formatCount(o.argmaxParams), where(o.argmaxParams))
                : QObject::tr(" (the paper's argmax itself)");
  } else {
    text += o.derivation == QLatin1String("argmax")
                ? QObject::tr("<b>Derived by the paper's argmax</b>: %1 parameters %2").arg(size, width)
                : QObject::tr("<b>Derived architecture</b>: %1 parameters %2").arg(size, width);
    if (o.hasBand()) text += QStringLiteral(", ") + where(o.params);
    if (argmaxDiffers) text += QObject::tr(" (the plain argmax: %1)").arg(formatCount(o.argmaxParams));
  }
  text += QLatin1Char('.');
  if (!o.note.isEmpty()) text += QStringLiteral("<br>") + o.note.toHtmlEscaped();
  if (!o.changes.isEmpty()) {
    text += QObject::tr("<br>The derivation changed:<ul style=\"margin-top: 0px;\">");
    for (const QString& change : o.changes) text += QStringLiteral("<li>%1</li>").arg(change.toHtmlEscaped());
    text += QStringLiteral("</ul>");
  } else {
    text += QStringLiteral("<br>");
  }
  return text;
}

QString describeRetraining(const SearchOutcome& search, double params, int64_t channels, const zd::Genotype& genotype) {
  QString text;
  if (channels > 0 && channels == search.searchChannels)
    text = QObject::tr("<b>Retrained</b> at the search's width C = %1: %2 parameters")
               .arg(channels)
               .arg(formatCount(params));
  else if (channels > 0)
    text = QObject::tr("<b>Retrained</b> at C = %1, not at the search's width: %2 parameters")
               .arg(channels)
               .arg(formatCount(params));
  else text = QObject::tr("<b>Retrained</b>: %1 parameters").arg(formatCount(params));
  if (search.hasBand())
    text += (insideBand(params, search.bandMin, search.bandMax) ? QObject::tr(", inside the band %1")
                                                                : QObject::tr(", outside the band %1"))
                .arg(bandRange(search.bandMin, search.bandMax));
  text += QLatin1Char('.');
  if (!genotype.empty() && genotype != search.genotype)
    text += QObject::tr(" The retrained architecture was drawn from the search's final distributions:<br><tt>%1</tt>")
                .arg(genotypeHtml(genotype));
  return text;
}

QString genotypeHtml(const zd::Genotype& genotype) {
  return QString::fromStdString(genotype.toString()).toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>"));
}
