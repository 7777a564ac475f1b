#pragma once
// Saving a chart as the user sees it: PNG (at twice the size, for print and HiDPI), SVG or PDF,
// chosen by the file's suffix. Used by the frontier and the latency charts.
#include <QString>
#include <functional>

class QChartView;
class QWidget;

namespace perfnas::ui {

// Writes `view`'s chart to `file`; false with `error` naming the file and what was expected.
bool exportChart(QChartView& view, const QString& file, QString* error = nullptr);

// A save dialog (window-modal, returns at once) for `view`, suggested name `baseName`; `saved`
// gets the file written, a failure shows an error dialog.
void exportChartWithDialog(QChartView* view, QWidget* parent, const QString& title,
                           const QString& baseName, std::function<void(const QString&)> saved);

}  // namespace perfnas::ui
