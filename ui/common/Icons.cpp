#include "ui/common/Icons.h"

namespace perfnas::ui {

QString lockedRichText(const QString& text, int iconPixels) {
    return QStringLiteral(
               "<img src=\"%1\" width=\"%2\" height=\"%2\" "
               "style=\"vertical-align: middle\"/>&nbsp;%3")
        .arg(QString::fromLatin1(kLockIcon))
        .arg(iconPixels)
        .arg(text.toHtmlEscaped());
}

}  // namespace perfnas::ui
