#include "ui/benchmark/BoardDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "core/benchmark/LatencyOutputParser.h"

namespace perfnas::ui {
namespace {

// A line edit with a Browse… button that picks an existing file.
QWidget* withBrowse(QLineEdit* edit, const QString& caption, QWidget* parent) {
    auto* row = new QWidget(parent);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* browse = new QPushButton(QObject::tr("Browse…"), row);
    layout->addWidget(edit, 1);
    layout->addWidget(browse);
    QObject::connect(browse, &QPushButton::clicked, row, [edit, caption, row] {
        const QString start =
            edit->text().isEmpty() ? QDir::homePath() + "/.ssh" : QFileInfo(edit->text()).path();
        const QString file = QFileDialog::getOpenFileName(row, caption, start);
        if (!file.isEmpty()) edit->setText(file);
    });
    return row;
}

}  // namespace

BoardDialog::BoardDialog(QWidget* parent)
    : QDialog(parent),
      m_target(new QLineEdit(this)),
      m_identity(new QLineEdit(this)),
      m_knownHosts(new QLineEdit(this)),
      m_command(
          new QLineEdit(QString::fromStdString(RemoteBenchmarkSettings::kDefaultCommand), this)),
      m_parser(new QComboBox(this)),
      m_problem(new QLabel(this)) {
    setWindowTitle(tr("Add a board"));
    setObjectName("boardDialog");
    m_target->setObjectName("boardTarget");
    m_target->setPlaceholderText("ssh://pi@board.local:22");
    m_identity->setPlaceholderText(tr("empty: the ssh-agent's keys"));
    m_knownHosts->setPlaceholderText(tr("empty: ~/.ssh/known_hosts"));
    m_command->setToolTip(
        tr("Runs on the board: {model} is the uploaded architecture file, "
           "{runs} the number of timed runs"));
    for (const std::string& name : LatencyOutputParser::names())
        m_parser->addItem(QString::fromStdString(name));
    m_parser->setToolTip(
        tr("How the command's output is read: perfnas (bench-model --json) or "
           "onnxruntime (onnxruntime_perf_test)"));
    m_problem->setObjectName("boardProblem");
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet("color: #b00020");

    auto* form = new QFormLayout;
    form->addRow(tr("Target"), m_target);
    form->addRow(tr("Private key"), withBrowse(m_identity, tr("Private key file"), this));
    form->addRow(tr("known_hosts"), withBrowse(m_knownHosts, tr("known_hosts file"), this));
    form->addRow(tr("Board command"), m_command);
    form->addRow(tr("Output format"), m_parser);
    auto* note = new QLabel(tr("Public-key authentication only. The first run on a new board shows "
                               "its host key's fingerprint and asks before trusting it."),
                            this);
    note->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &BoardDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &BoardDialog::reject);
    resize(560, sizeHint().height());
}

void BoardDialog::setBoard(const BenchmarkTarget& board) {
    m_target->setText(QString::fromStdString(board.target));
    m_identity->setText(QString::fromStdString(board.board.identityFile.string()));
    m_knownHosts->setText(QString::fromStdString(board.board.knownHostsFile.string()));
    m_command->setText(QString::fromStdString(board.remote.commandTemplate));
    m_parser->setCurrentText(QString::fromStdString(board.remote.parser));
}

Result<BenchmarkTarget> BoardDialog::board() const {
    BenchmarkTarget board{.target = m_target->text().trimmed().toStdString()};
    board.board.identityFile = m_identity->text().trimmed().toStdString();
    board.board.knownHostsFile = m_knownHosts->text().trimmed().toStdString();
    board.remote.commandTemplate = m_command->text().trimmed().toStdString();
    board.remote.parser = m_parser->currentText().toStdString();
    if (!board.remoteTarget()) {
        return makeError(ErrorCode::InvalidInput,
                         "Target: expected ssh://USER@HOST:PORT, got \"" + board.target + "\"");
    }
    if (auto resolved = board.resolve(); !resolved) return resolved.error();
    for (const auto& [file, field] : {std::pair{board.board.identityFile, "Private key"},
                                      std::pair{board.board.knownHostsFile, "known_hosts"}}) {
        if (!file.empty() && !std::filesystem::is_regular_file(file)) {
            return makeError(ErrorCode::NotFound,
                             std::string(field) + ": no file " + file.string());
        }
    }
    return board;
}

void BoardDialog::accept() {
    const auto checked = board();
    if (!checked) {
        m_problem->setText(QString::fromStdString(checked.error().message));
        return;
    }
    QDialog::accept();
}

}  // namespace perfnas::ui
