// The cell viewer: each stage's cell as a DAG with its depth, from the run's
// current distributions (every op with nonzero probability) or from a genotype
// (the kept ops), with Save as PNG or SVG.
#pragma once

#include "core/job/job_events.h"
#include "ui/cell_view/cell_graph.h"

#include <QPointer>
#include <QString>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;

class CellCanvas;
class RunModel;

// Thread-safety: GUI thread only, like every widget.
class CellViewer : public QWidget {
  Q_OBJECT
 public:
  // What the viewer shows when it follows a RunModel.
  enum class Source { Distributions, Genotype };

  explicit CellViewer(QWidget* parent = nullptr);

  // The edges currently drawn, per stage (what the painter renders).
  const QVector<CellGraph>& cells() const;

  // Follows `model` (nullptr to stop): redraws on each of its changed() signals.
  void setModel(RunModel* model);
  // Distributions during a search (when the model has any), the derived genotype otherwise.
  void setSource(Source source);
  Source source() const { return source_; }

  // Renders the cells to a PNG / SVG file of the preferred size; false with *error
  // naming the file when it cannot be written.
  bool savePng(const QString& path, QString* error = nullptr) const;
  bool saveSvg(const QString& path, QString* error = nullptr) const;

 public slots:
  // Shows a genotype (nothing when it is empty).
  void setGenotype(const zd::Genotype& genotype);
  // Shows every op with nonzero probability; `maxDepth` (N) when γ is not searched.
  void setDistributions(const zd::ArchDistributions& distributions, int maxDepth);
  // Takes the current data of the followed model (see setSource).
  void updateFromModel();

 private slots:
  void saveWithDialog();

 private:
  void display(const QVector<CellGraph>& cells, const QString& note);

  CellCanvas* canvas_;
  QLabel* note_;
  QComboBox* sourceBox_;
  QPushButton* saveButton_;
  QPointer<RunModel> model_;
  Source source_ = Source::Distributions;
};
