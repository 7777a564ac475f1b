#pragma once
// NewExperimentDialog: everything a new experiment needs — file, dataset folder (validated on the
// spot), keywords, seed architecture (shipped or a spec file), search space (range sliders) and
// budgets with the optimizer settings beside them. Accept is enabled only for a valid config and a
// file that does not exist yet. Produces an ExperimentConfig; creating the file is the session's
// job.
#include <QDialog>
#include <QFutureWatcher>
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
    // How long a search phase would take: the seed's training speed on this machine, timed in the
    // background when the dialog opens or the seed or batch changes, times the trials and
    // iterations, over the workers (at most the phase budget). Empty while timing.
    QString estimateText() const;

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
    void timeSeed();
    void updateEstimate();

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
    QLabel* m_estimate = nullptr;
    QFutureWatcher<Result<double>> m_seedTiming;  // seconds per training step of the seed
    double m_seedStepSeconds = 0.0;               // 0: not timed (yet)
    QString m_timedKey;                           // the seed and batch last timed
    QLabel* m_problem;
    QDialogButtonBox* m_buttons;
};

}  // namespace perfnas::ui
