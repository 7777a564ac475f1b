#pragma once
// BoardDialog: adds an SSH board as a latency target of the Latency tab, with the settings
// `perfnas bench --target ssh://` takes: the target, the key file (empty: the ssh-agent), the
// known_hosts file, the board-side command and its output parser. OK checks the target and the
// command template (core/search/ExperimentBenchmark.h) and says what is wrong in the dialog; it
// never connects, and never trusts a host key (the Latency tab asks when a board is new). GUI
// thread.
#include <QDialog>

#include "core/search/ExperimentBenchmark.h"

class QComboBox;
class QLabel;
class QLineEdit;

namespace perfnas::ui {

class BoardDialog : public QDialog {
    Q_OBJECT
public:
    explicit BoardDialog(QWidget* parent = nullptr);

    void setBoard(const BenchmarkTarget& board);  // prefill (an existing board's settings)
    // The board as entered, resolved (normalized target); an Error naming the field otherwise.
    Result<BenchmarkTarget> board() const;

    void accept() override;  // only with a valid board

private:
    QLineEdit* m_target;
    QLineEdit* m_identity;
    QLineEdit* m_knownHosts;
    QLineEdit* m_command;
    QComboBox* m_parser;
    QLabel* m_problem;
};

}  // namespace perfnas::ui
