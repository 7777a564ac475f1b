#pragma once
// SummaryWhenShown: for views that compute from the whole summary (the hypervolume history,
// parameter importance). A summary set while the view is hidden (a background tab or dock) is kept
// and applied when the view is shown, so live updates of a large file cost nothing there. GUI
// thread.
#include <QWidget>
#include <functional>
#include <utility>

#include "ui/common/CoreMetaTypes.h"

namespace perfnas::ui {

class SummaryWhenShown {
public:
    SummaryWhenShown(QWidget* view, std::function<void(const SummaryPtr&)> apply)
        : m_view(view), m_apply(std::move(apply)) {}

    // Applies `summary` now when the view is visible (or it is null), else when shown().
    void set(const SummaryPtr& summary) {
        m_summary = summary;
        m_stale = true;
        if (m_view->isVisible() || !summary) flush();
    }
    void shown() {  // from the view's showEvent
        if (m_stale) flush();
    }

private:
    void flush() {
        m_stale = false;
        m_apply(m_summary);
    }

    QWidget* m_view;
    std::function<void(const SummaryPtr&)> m_apply;
    SummaryPtr m_summary;
    bool m_stale = false;
};

}  // namespace perfnas::ui
