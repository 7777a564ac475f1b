#pragma once
// The studio's own icons, compiled into the binary (ui/common/icons, Qt resource prefix
// ":/icons"), so that no emoji or icon-theme font is needed. Rich-text helpers size them to the
// text they sit in.
#include <QString>

namespace perfnas::ui {

inline constexpr char kLockIcon[] = ":/icons/lock.svg";

// `text` after an `iconPixels` square lock, as QLabel rich text (`text` is escaped).
QString lockedRichText(const QString& text, int iconPixels);

}  // namespace perfnas::ui
