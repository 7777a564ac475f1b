#pragma once
// Error dialogs that say what happened and what to do. Window-modal and non-blocking (open(), not
// exec()): the event loop keeps running and tests are never stuck behind a dialog.
#include <QString>

class QMessageBox;
class QWidget;

namespace perfnas::ui {

struct ErrorText {
    QString title;     // "Cannot open experiment"
    QString happened;  // what went wrong, naming the file or folder
    QString whatToDo;  // the next step for the user
    QString details;   // optional: full messages, one per line
};

// Shows the dialog and returns it (deleted when closed). objectName "errorDialog".
QMessageBox* showErrorDialog(QWidget* parent, const ErrorText& text);

}  // namespace perfnas::ui
