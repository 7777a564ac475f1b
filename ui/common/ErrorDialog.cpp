#include "ui/common/ErrorDialog.h"

#include <QMessageBox>

namespace perfnas::ui {

QMessageBox* showErrorDialog(QWidget* parent, const ErrorText& text) {
    auto* box =
        new QMessageBox(QMessageBox::Warning, text.title, text.happened, QMessageBox::Ok, parent);
    box->setObjectName("errorDialog");
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setInformativeText(text.whatToDo);
    if (!text.details.isEmpty()) box->setDetailedText(text.details);
    box->open();
    return box;
}

}  // namespace perfnas::ui
