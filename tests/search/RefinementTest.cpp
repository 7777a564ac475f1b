#include <QtTest>

#include "core/search/Refinement.h"

using namespace perfnas;

namespace {

// Two units on a 6x6 input, kernels 1..3, filters 1..8.
SearchSpace twoUnitSpace() {
    const ArchitectureSpec seed{
        .name = "small",
        .inputHeight = 6,
        .inputWidth = 6,
        .classes = 3,
        .units = {{.kh = 3, .kw = 3, .filters = 8}, {.kh = 3, .kw = 3, .filters = 8}}};
    SearchSpace space = SearchSpace::paperDefault(seed);
    space.units[1][UnitParameter::Kh] = Domain::integer(1, 3);
    space.units[1][UnitParameter::Kw] = Domain::integer(1, 3);
    return space;
}

RefinementCandidate candidate(Configuration configuration, std::vector<bool> freeWhenSampled = {}) {
    if (freeWhenSampled.empty()) freeWhenSampled.assign(configuration.size(), true);
    return {.configuration = std::move(configuration),
            .freeWhenSampled = std::move(freeWhenSampled)};
}

const Suggestion* find(const std::vector<Suggestion>& suggestions, int unit,
                       UnitParameter parameter) {
    for (const Suggestion& s : suggestions) {
        if (s.unit == unit && s.parameter == parameter) return &s;
    }
    return nullptr;
}

}  // namespace

class RefinementTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sharesOfAHandMadeFrontier() {
        // Dimensions: unit1 kh, kw, filters, unit2 kh, kw, filters.
        std::vector<RefinementCandidate> front{
            candidate({3, 1, 8, 2, 3, 4}),
            candidate({3, 1, 6, 2, 3, 4}),
            candidate({3, 2, 4, 1, 3, 4}),
            // Sampled while unit 2 filters was frozen (at 8): not evidence for or against 4.
            candidate({1, 2, 2, 2, 3, 8}, {true, true, true, true, true, false}),
            candidate({3, 2, 8, 1, 3, 8}, {true, true, true, true, true, false}),
        };
        const auto suggestions = Refinement::suggest(twoUnitSpace(), front);
        QCOMPARE(suggestions.size(), std::size_t{6});

        const Suggestion* filters2 = find(suggestions, 1, UnitParameter::Filters);
        QVERIFY(filters2 != nullptr);
        QCOMPARE(filters2->value, 4);
        QCOMPARE(filters2->support, 3);
        QCOMPARE(filters2->share, 1.0);  // 3 of 3, not 3 of 5

        const Suggestion* kh1 = find(suggestions, 0, UnitParameter::Kh);
        QCOMPARE(kh1->value, 3);
        QCOMPARE(kh1->share, 0.8);
        QCOMPARE(kh1->support, 5);

        // kw1: 1, 1, 2, 2, 2 -> 2 with 3/5.
        QCOMPARE(find(suggestions, 0, UnitParameter::Kw)->value, 2);
        QCOMPARE(find(suggestions, 0, UnitParameter::Kw)->share, 0.6);
        // kh2: 2, 2, 1, 2, 1 -> 2 with 3/5; filters1: 8, 6, 4, 2, 8 -> 8 with 2/5.
        QCOMPARE(find(suggestions, 1, UnitParameter::Kh)->value, 2);
        QCOMPARE(find(suggestions, 0, UnitParameter::Filters)->value, 8);
        QCOMPARE(find(suggestions, 0, UnitParameter::Filters)->share, 0.4);

        // Ordered by share, then unit, then parameter.
        std::vector<std::pair<int, UnitParameter>> order;
        for (const Suggestion& s : suggestions) order.emplace_back(s.unit, s.parameter);
        const std::vector<std::pair<int, UnitParameter>> expected{
            {1, UnitParameter::Kw},     {1, UnitParameter::Filters},  // share 1
            {0, UnitParameter::Kh},                                   // 0.8
            {0, UnitParameter::Kw},     {1, UnitParameter::Kh},       // 0.6
            {0, UnitParameter::Filters}};                             // 0.4
        QCOMPARE(order, expected);
    }

    void frozenParametersAreNotSuggested() {
        auto space = twoUnitSpace().frozen(0, UnitParameter::Kh, 3);
        QVERIFY(space.ok());
        const std::vector<RefinementCandidate> front{candidate({3, 1, 8, 2, 3, 4}),
                                                     candidate({3, 1, 6, 2, 3, 4})};
        const auto suggestions = Refinement::suggest(*space, front);
        QCOMPARE(suggestions.size(), std::size_t{5});
        QVERIFY(find(suggestions, 0, UnitParameter::Kh) == nullptr);
    }

    void tiesGoToTheSmallerValue() {
        const std::vector<RefinementCandidate> front{
            candidate({3, 1, 8, 2, 3, 4}), candidate({2, 1, 6, 2, 3, 4}),
            candidate({1, 1, 6, 2, 3, 4}), candidate({3, 1, 8, 2, 3, 4})};
        const auto suggestions = Refinement::suggest(twoUnitSpace(), front);
        QCOMPARE(find(suggestions, 0, UnitParameter::Filters)->value, 6);  // 6 and 8 twice each
        QCOMPARE(find(suggestions, 0, UnitParameter::Filters)->share, 0.5);
        QCOMPARE(find(suggestions, 0, UnitParameter::Kh)->value, 3);  // 3 twice, 1 and 2 once
    }

    void parametersWithoutSupportAreLeftOut() {
        const std::vector<bool> khFrozen{false, true, true, true, true, true};
        const std::vector<RefinementCandidate> front{candidate({3, 1, 8, 2, 3, 4}, khFrozen),
                                                     candidate({2, 1, 6, 2, 3, 4}, khFrozen)};
        const auto suggestions = Refinement::suggest(twoUnitSpace(), front);
        QCOMPARE(suggestions.size(), std::size_t{5});
        QVERIFY(find(suggestions, 0, UnitParameter::Kh) == nullptr);
        QVERIFY(Refinement::suggest(twoUnitSpace(), {}).empty());
    }

    void automaticKeepsSharesAtOrAboveTheThreshold_data() {
        QTest::addColumn<double>("minimumShare");
        QTest::addColumn<int>("kept");
        QTest::newRow("everything") << 0.0 << 6;
        QTest::newRow("at the threshold counts") << 0.6 << 5;
        QTest::newRow("unanimous only") << 1.0 << 2;
        QTest::newRow("nothing") << 1.01 << 0;
    }
    void automaticKeepsSharesAtOrAboveTheThreshold() {
        QFETCH(double, minimumShare);
        QFETCH(int, kept);
        const std::vector<RefinementCandidate> front{
            candidate({3, 1, 8, 2, 3, 4}), candidate({3, 1, 6, 2, 3, 4}),
            candidate({3, 2, 4, 1, 3, 4}),
            candidate({1, 2, 2, 2, 3, 8}, {true, true, true, true, true, false}),
            candidate({3, 2, 8, 1, 3, 8}, {true, true, true, true, true, false})};
        const auto suggestions = Refinement::suggest(twoUnitSpace(), front);
        const auto chosen = Refinement::automatic(suggestions, minimumShare);
        QCOMPARE(static_cast<int>(chosen.size()), kept);
        for (const Suggestion& s : chosen) QVERIFY(s.share >= minimumShare);
        for (std::size_t i = 0; i < chosen.size(); ++i)
            QCOMPARE(chosen[i].unit, suggestions[i].unit);
    }
};

QTEST_GUILESS_MAIN(RefinementTest)
#include "RefinementTest.moc"
