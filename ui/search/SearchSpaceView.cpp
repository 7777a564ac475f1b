#include "ui/search/SearchSpaceView.h"

#include <QGridLayout>
#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>
#include <cmath>

#include "core/model/CostModel.h"
#include "ui/common/Icons.h"
#include "ui/common/RangeSlider.h"

namespace perfnas::ui {

namespace {
double lowest(const Domain& domain) { return domain.isFrozen() ? *domain.frozen : domain.min; }
double highest(const Domain& domain) { return domain.isFrozen() ? *domain.frozen : domain.max; }

// The seed with every free parameter at one end of its domain: the space's cheapest or largest
// model.
double extremeMfpops(const SearchSpace& space, bool largest) {
    ArchitectureSpec spec = space.seed;
    for (std::size_t unit = 0; unit < spec.units.size() && unit < space.units.size(); ++unit) {
        const UnitSpace& domains = space.units[unit];
        auto pick = [&](UnitParameter p) {
            return static_cast<int>(largest ? highest(domains[p]) : lowest(domains[p]));
        };
        spec.units[unit].kh = pick(UnitParameter::Kh);
        spec.units[unit].kw = pick(UnitParameter::Kw);
        spec.units[unit].filters = pick(UnitParameter::Filters);
    }
    if (!spec.validate()) return std::nan("");
    return CostModel::evaluate(spec).mfpops();
}
}  // namespace

SearchSpaceView::SearchSpaceView(QWidget* parent)
    : QWidget(parent), m_grid(nullptr), m_gridHost(nullptr), m_summary(new QLabel(this)) {
    setObjectName("searchSpace");
    m_summary->setObjectName("spaceSummary");
    m_summary->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    m_gridHost = new QWidget;
    m_grid = new QGridLayout(m_gridHost);
    scroll->setWidget(m_gridHost);
    layout->addWidget(scroll, 1);
    layout->addWidget(m_summary);
}

RangeSlider* SearchSpaceView::slider(int unit, UnitParameter parameter) const {
    if (unit < 0 || unit >= static_cast<int>(m_rows.size())) return nullptr;
    return m_rows[static_cast<std::size_t>(unit)].sliders[static_cast<std::size_t>(parameter)];
}

QString SearchSpaceView::summaryText() const { return m_summary->text(); }

void SearchSpaceView::setSpace(const SearchSpace& space) {
    const bool sameShape =
        space.seed == m_space.seed && space.units.size() == m_space.units.size() && !m_rows.empty();
    m_space = space;
    if (!sameShape) rebuild();
    for (int unit = 0; unit < static_cast<int>(m_rows.size()); ++unit) updateRow(unit);
    updateSummary();
}

void SearchSpaceView::setEditable(bool editable) {
    m_editable = editable;
    for (int unit = 0; unit < static_cast<int>(m_rows.size()); ++unit) updateRow(unit);
}

void SearchSpaceView::rebuild() {
    m_rows.clear();  // their widgets are deleted with the grid's items
    while (QLayoutItem* item = m_grid->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    const char* names[] = {"kh", "kw", "filters"};
    for (int column = 0; column < 3; ++column) {
        m_grid->addWidget(new QLabel(QStringLiteral("<b>%1</b>").arg(names[column]), m_gridHost), 0,
                          1 + 2 * column, 1, 2);
    }
    if (auto valid = m_space.seed.validate(); !valid) return;
    const ModelCost cost = CostModel::evaluate(m_space.seed);
    m_rows.resize(m_space.units.size());
    for (int unit = 0; unit < static_cast<int>(m_space.units.size()); ++unit) {
        const UnitCost& input = cost.units[static_cast<std::size_t>(unit)];
        const ConvUnit& seedUnit = m_space.seed.units[static_cast<std::size_t>(unit)];
        auto* label = new QLabel(tr("Unit %1\ninput %2×%3, seed %4×%5, %6")
                                     .arg(unit + 1)
                                     .arg(input.inputHeight)
                                     .arg(input.inputWidth)
                                     .arg(seedUnit.kh)
                                     .arg(seedUnit.kw)
                                     .arg(seedUnit.filters),
                                 m_gridHost);
        m_grid->addWidget(label, unit + 1, 0);
        // Kernel tracks start at twice the seed's kernel (at least 8), so a 1-4 range does not
        // crowd into a tenth of a 1-40 track; they grow toward the input size when a handle
        // reaches their end (sliderMoved). Filter tracks end at the seed's count.
        const std::array<int, 3> limits = {input.inputHeight, input.inputWidth, seedUnit.filters};
        const auto start = [](int seedKernel, int limit) {
            return std::min(limit, std::max(8, 2 * seedKernel));
        };
        const std::array<int, 3> bounds = {start(seedUnit.kh, limits[0]),
                                           start(seedUnit.kw, limits[1]), seedUnit.filters};
        for (UnitParameter parameter : kUnitParameters) {
            const auto p = static_cast<std::size_t>(parameter);
            auto* slider = new RangeSlider(m_gridHost);
            slider->setObjectName(QStringLiteral("unit%1.%2").arg(unit + 1).arg(names[p]));
            slider->setAccessibleName(tr("Unit %1 %2 range").arg(unit + 1).arg(names[p]));
            slider->setProperty("bound", bounds[p]);
            slider->setProperty("limit", limits[p]);
            auto* value = new QLabel(m_gridHost);
            value->setTextFormat(Qt::RichText);  // the frozen value's lock is an image
            value->setMinimumWidth(value->fontMetrics().height() +
                                   value->fontMetrics().horizontalAdvance(" 100–100"));
            m_rows[static_cast<std::size_t>(unit)].sliders[p] = slider;
            m_rows[static_cast<std::size_t>(unit)].values[p] = value;
            m_grid->addWidget(slider, unit + 1, 1 + 2 * static_cast<int>(p));
            m_grid->addWidget(value, unit + 1, 2 + 2 * static_cast<int>(p));
            connect(slider, &RangeSlider::valuesChanged, this,
                    [this, unit, parameter](int lower, int upper) {
                        sliderMoved(unit, parameter, lower, upper);
                    });
        }
    }
    m_grid->setRowStretch(static_cast<int>(m_space.units.size()) + 1, 1);
}

void SearchSpaceView::updateRow(int unit) {
    Row& row = m_rows[static_cast<std::size_t>(unit)];
    for (UnitParameter parameter : kUnitParameters) {
        const auto p = static_cast<std::size_t>(parameter);
        const Domain& domain = m_space.units[static_cast<std::size_t>(unit)][parameter];
        RangeSlider* slider = row.sliders[p];
        const int step = domain.kind == DomainKind::Integer && !domain.isFrozen() ? domain.step : 1;
        // The grid starts at the smallest positive value on the domain's step grid.
        const int base = (static_cast<int>(lowest(domain)) - 1) % step + 1;
        const int bound =
            std::max(slider->property("bound").toInt(), static_cast<int>(highest(domain)));
        const QSignalBlocker blocker(slider);
        slider->setRange(base, bound, step);
        slider->setValues(static_cast<int>(lowest(domain)), static_cast<int>(highest(domain)));
        slider->setEnabled(m_editable && !domain.isFrozen());
        QString text;
        if (domain.isFrozen())
            text = lockedRichText(QString::number(*domain.frozen),
                                  row.values[p]->fontMetrics().height());
        else
            text = QStringLiteral("%1–%2").arg(domain.min).arg(domain.max);
        if (domain.kind == DomainKind::Choice && !domain.isFrozen()) text += QStringLiteral(" *");
        if (domain.kind == DomainKind::Integer && step > 1 && !domain.isFrozen())
            text += tr(" /%1").arg(step);
        row.values[p]->setText(text);
        QStringList choices;
        for (double value : domain.values()) choices << QString::number(value);
        row.values[p]->setToolTip(domain.isFrozen() ? tr("Frozen by refinement")
                                                    : tr("Allowed: %1").arg(choices.join(", ")));
        // A disabled control says why.
        slider->setToolTip(domain.isFrozen() ? tr("Frozen by refinement")
                           : m_editable
                               ? QString()
                               : tr("An experiment's space is fixed once it exists: narrow it by "
                                    "freezing values in the Refinement panel."));
    }
}

QString SearchSpaceView::valueText(int unit, UnitParameter parameter) const {
    return m_rows.at(static_cast<std::size_t>(unit))
        .values[static_cast<std::size_t>(parameter)]
        ->text();
}

void SearchSpaceView::sliderMoved(int unit, UnitParameter parameter, int lower, int upper) {
    Domain& domain = m_space.units[static_cast<std::size_t>(unit)][parameter];
    if (domain.isFrozen()) return;
    RangeSlider* slider =
        m_rows[static_cast<std::size_t>(unit)].sliders[static_cast<std::size_t>(parameter)];
    if (const int limit = slider->property("limit").toInt();
        upper == slider->maximum() && slider->maximum() < limit) {
        slider->setProperty("bound", std::min(limit, 2 * upper));  // the track grows
    }
    // A dragged choice list becomes a plain range: the slider cannot express gaps.
    const int step = domain.kind == DomainKind::Integer ? domain.step : 1;
    domain = Domain::integer(lower, upper, step);
    updateRow(unit);
    updateSummary();
    Q_EMIT spaceChanged(m_space);
}

void SearchSpaceView::updateSummary() {
    if (auto valid = m_space.validate(); !valid) {
        m_summary->setText(tr("<span style='color:#c62828'>Invalid space: %1</span>")
                               .arg(QString::fromStdString(valid.error().message).toHtmlEscaped()));
        return;
    }
    const double seedMfpops = CostModel::evaluate(m_space.seed).mfpops();
    QString seedNote;
    if (m_space.seed.units == ArchitectureSpec::paperSeed().units) {
        seedNote = tr(" (the paper reports 581.12; its strides are not given)");
    }
    m_summary->setText(
        tr("Space: 10^%1 architectures · seed %2 MFPOPS%3 · models from %4 to %5 MFPOPS")
            .arg(m_space.parameterSpace().log10Count(), 0, 'f', 1)
            .arg(seedMfpops, 0, 'f', 1)
            .arg(seedNote)
            .arg(extremeMfpops(m_space, false), 0, 'f', 2)
            .arg(extremeMfpops(m_space, true), 0, 'f', 1));
}

}  // namespace perfnas::ui
