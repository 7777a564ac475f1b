#pragma once
// NewExperimentDialog: everything a new experiment needs — file, dataset folder (validated on the
// spot), keywords, seed architecture (shipped or a spec file), search space (range sliders) and
// budgets with the optimizer settings beside them. Accept is enabled only for a valid config and a
// file that does not exist yet. Produces an ExperimentConfig; creating the file is the session's
// job.
#include <QDialog>
#include <filesystem>

#include "core/search/ExperimentConfig.h"

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace perfnas::ui {

class DatasetCheckView;
class SearchSpaceView;

class NewExperimentDialog : public QDialog {
    Q_OBJECT
public:
    explicit NewExperimentDialog(QWidget* parent = nullptr, const ExperimentConfig& initial = {});

    ExperimentConfig config() const;
    std::filesystem::path file() const;
    QString problem() const;  // why Accept is disabled; empty when it is enabled

    // Fields, for tests and the demo path.
    void setFile(const QString& file);
    void setDatasetFolder(const QString& folder);
    SearchSpaceView* spaceView() const { return m_space; }
    DatasetCheckView* datasetCheck() const { return m_check; }

private:
    QWidget* buildDatasetPage();
    QWidget* buildSeedPage();
    QWidget* buildSpacePage();
    void loadSeed();
    void datasetOptionsChanged();
    void revalidate();

    ExperimentConfig m_base;
    ArchitectureSpec m_seed;
    QString m_seedError;
    QLineEdit* m_name;
    QLineEdit* m_file;
    QLineEdit* m_dataset;
    QLineEdit* m_keywords;
    QCheckBox* m_silence;
    QCheckBox* m_unknown;
    DatasetCheckView* m_check;
    QComboBox* m_seedChoice;
    QLineEdit* m_seedFile;
    QLabel* m_seedInfo;
    SearchSpaceView* m_space;
    QSpinBox* m_searchTrials;
    QSpinBox* m_refinementTrials;
    QSpinBox* m_iterations;
    QSpinBox* m_batch;
    QDoubleSpinBox* m_learningRate;
    QSpinBox* m_finetuneIterations;
    QSpinBox* m_workers;
    QDoubleSpinBox* m_maxMinutes;  // search.max_minutes; 0: no limit
    QLabel* m_problem;
    QDialogButtonBox* m_buttons;
};

}  // namespace perfnas::ui
