// The confusion matrix of a test evaluation as a heat map: rows are the true
// classes, columns the predicted ones, each cell shows its count and is shaded by
// its share of the row (so the diagonal reads as each class's recall, whatever the
// class sizes). Thread-safety: GUI thread only, like every widget.
#pragma once

#include <QRectF>
#include <QStringList>
#include <QVector>
#include <QWidget>

class ConfusionMatrixView : public QWidget {
  Q_OBJECT
 public:
  explicit ConfusionMatrixView(QWidget* parent = nullptr);

  // `counts[true][predicted]`, square, with one name per class (or none: "0", "1", …).
  void setData(const QVector<QVector<qint64>>& counts, const QStringList& classNames);
  const QVector<QVector<qint64>>& counts() const { return counts_; }

  // Share of row `row` in cell (row, column): the shade drawn; 0 for an empty row.
  double rowShare(int row, int column) const;
  // Where cell (row, column) is painted in the widget's current size.
  QRectF cellRect(int row, int column) const;

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  QRectF gridRect() const;
  int rowLabelWidth() const;

  QVector<QVector<qint64>> counts_;
  QStringList names_;
};
