#include "ui/common/ChartExport.h"

#include <QChartView>
#include <QFileDialog>
#include <QFileInfo>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgGenerator>

#include "ui/common/ErrorDialog.h"

namespace perfnas::ui {

bool exportChart(QChartView& view, const QString& file, QString* error) {
    auto fail = [error](const QString& message) {
        if (error) *error = message;
        return false;
    };
    const QString suffix = QFileInfo(file).suffix().toLower();
    const QSize size = view.size().isEmpty() ? QSize(960, 600) : view.size();
    if (suffix == "png") {
        QImage image(size * 2, QImage::Format_ARGB32_Premultiplied);  // 2x for print and HiDPI
        image.setDevicePixelRatio(2.0);
        image.fill(Qt::white);
        {
            QPainter painter(&image);
            view.render(&painter);
        }
        if (!image.save(file, "PNG")) return fail(QObject::tr("%1 cannot be written").arg(file));
        return true;
    }
    if (suffix == "svg") {
        QSvgGenerator generator;
        generator.setFileName(file);
        generator.setSize(size);
        generator.setViewBox(QRect(QPoint(0, 0), size));
        generator.setTitle(view.chart()->title());
        QPainter painter;
        if (!painter.begin(&generator)) return fail(QObject::tr("%1 cannot be written").arg(file));
        view.render(&painter);
        painter.end();
        return QFileInfo(file).size() > 0 ? true
                                          : fail(QObject::tr("%1 cannot be written").arg(file));
    }
    if (suffix == "pdf") {
        QPdfWriter writer(file);
        writer.setTitle(view.chart()->title());
        writer.setPageSize(QPageSize(QSizeF(size), QPageSize::Point));
        writer.setPageMargins(QMarginsF(0, 0, 0, 0));
        QPainter painter;
        if (!painter.begin(&writer)) return fail(QObject::tr("%1 cannot be written").arg(file));
        const double scale = static_cast<double>(writer.width()) / size.width();
        painter.scale(scale, scale);
        view.render(&painter);
        painter.end();
        return QFileInfo(file).size() > 0 ? true
                                          : fail(QObject::tr("%1 cannot be written").arg(file));
    }
    return fail(QObject::tr("%1: choose a .png, .svg or .pdf file").arg(file));
}

void exportChartWithDialog(QChartView* view, QWidget* parent, const QString& title,
                           const QString& baseName, std::function<void(const QString&)> saved) {
    auto* dialog = new QFileDialog(
        parent, title, baseName,
        QObject::tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix("png");
    QObject::connect(dialog, &QFileDialog::fileSelected, parent,
                     [view, parent, saved = std::move(saved)](const QString& file) {
                         QString error;
                         if (exportChart(*view, file, &error)) return saved(file);
                         showErrorDialog(parent,
                                         {.title = QObject::tr("Cannot export the chart"),
                                          .happened = error,
                                          .whatToDo = QObject::tr(
                                              "Choose a writable folder and a .png, .svg or .pdf "
                                              "file name.")});
                     });
    dialog->open();
}

}  // namespace perfnas::ui
