// ExperimentReport::render: both tables as one table model (title, header, rows of text cells),
// written out per format. Numbers follow the paper's Tables I and II: TOP-1 as a fraction with
// four decimals, MFPOPS with two, δ TOP-1 in percentage points, δ FPOPS as a factor of the seed's.
#include <cstdio>
#include <sstream>

#include "core/report/ExperimentReport.h"

namespace perfnas {
namespace {

struct Table {
    std::string title;
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
};

const char* kNotFinetunedMark = "†";
const char* kFootnote =
    "TOP-1 is the test TOP-1 after fine-tuning; † marks the search (validation) TOP-1 of a model "
    "not fine-tuned yet. δ FPOPS is the operation count relative to the seed's.";

std::string format(const char* pattern, double value) {
    char text[64];
    std::snprintf(text, sizeof text, pattern, value);
    return text;
}

std::string top1Text(const ReportModel& model) {
    return format("%.4f", model.top1) + (model.finetuned ? "" : kNotFinetunedMark);
}

std::string fpopsFactorText(double reduction) {
    if (reduction <= 0.0) return "-";
    if (reduction >= 1.0) return reduction == 1.0 ? "1×" : format("-%.2f×", reduction);
    return format("+%.2f×", 1.0 / reduction);
}

Table tableTwo(const ExperimentReport& report) {
    Table table{.title = "Table II: Pareto-optimal architectures of " + report.experimentName};
    table.header.push_back("Model");
    for (std::size_t unit = 0; unit < report.seed.units.size(); ++unit)
        table.header.push_back("conv" + std::to_string(unit + 1));
    table.header.push_back("TOP-1");
    table.header.push_back("MFPOPS");
    for (const std::string& target : report.targets) table.header.push_back(target + " ms");
    auto addRow = [&](const ReportModel& model, bool trained) {
        std::vector<std::string> row{model.name};
        for (const std::string& unit : model.units) row.push_back("{" + unit + "}");
        row.push_back(trained ? top1Text(model) : "-");
        row.push_back(format("%.2f", model.mfpops));
        for (const std::string& target : report.targets) {
            auto found = model.latencyMs.find(target);
            row.push_back(found == model.latencyMs.end() ? "-" : format("%.3f", found->second));
        }
        table.rows.push_back(std::move(row));
    };
    addRow(report.seed, report.seedTrained);
    for (const ReportModel& model : report.models) addRow(model, true);
    return table;
}

Table tableOne(const ExperimentReport& report) {
    Table table{.title = "Table I: interesting model configurations of " + report.experimentName,
                .header = {"Model", "TOP-1", "MFPOPS", "δ TOP-1", "δ FPOPS"}};
    for (const std::string& target : report.targets) {
        table.header.push_back(target + " ms");
        table.header.push_back(target + " speed-up");
    }
    table.header.push_back("Note");
    for (const ReportHighlight& highlight : report.highlights) {
        const ReportModel& model = report.model(highlight.model);
        std::vector<std::string> row{
            model.name, top1Text(model), format("%.2f", model.mfpops),
            report.seedTrained ? format("%.2f%%", report.deltaTop1Points(model)) : "-",
            fpopsFactorText(report.fpopsReduction(model))};
        for (const std::string& target : report.targets) {
            auto latency = model.latencyMs.find(target);
            auto seedLatency = report.seed.latencyMs.find(target);
            const bool both =
                latency != model.latencyMs.end() && seedLatency != report.seed.latencyMs.end();
            row.push_back(latency == model.latencyMs.end() ? "-" : format("%.3f", latency->second));
            row.push_back(both && latency->second > 0
                              ? format("%.2f×", seedLatency->second / latency->second)
                              : "-");
        }
        row.push_back(highlight.note);
        table.rows.push_back(std::move(row));
    }
    return table;
}

std::string replaceAll(std::string text, const std::string& from, const std::string& to) {
    for (std::size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

std::string markdown(const ExperimentReport& report, const std::vector<Table>& tables) {
    std::ostringstream out;
    out << "# PerfNAS report: " << report.experimentName << "\n";
    for (const Table& table : tables) {
        out << "\n## " << table.title << "\n\n|";
        for (const std::string& cell : table.header) out << ' ' << cell << " |";
        out << "\n|";
        for (std::size_t i = 0; i < table.header.size(); ++i)
            out << (i == 0 ? " --- |" : " ---: |");
        out << '\n';
        for (const auto& row : table.rows) {
            out << '|';
            for (const std::string& cell : row) out << ' ' << replaceAll(cell, "|", "\\|") << " |";
            out << '\n';
        }
    }
    out << '\n' << kFootnote << '\n';
    return out.str();
}

std::string latexEscape(std::string text) {
    text = replaceAll(text, "\\", "\\textbackslash{}");
    for (const char* special : {"&", "%", "$", "#", "_", "{", "}"})
        text = replaceAll(text, special, std::string("\\") + special);
    text = replaceAll(text, ">", "$>$");
    text = replaceAll(text, "<", "$<$");
    text = replaceAll(text, "δ", "$\\delta$");
    text = replaceAll(text, "≈", "$\\approx$");
    text = replaceAll(text, "×", "$\\times$");
    return replaceAll(text, "†", "$^\\dagger$");
}

std::string latex(const std::vector<Table>& tables) {
    std::ostringstream out;
    out << "% PerfNAS report; needs \\usepackage{booktabs}\n";
    for (const Table& table : tables) {
        out << "\\begin{table}[t]\n\\centering\n\\caption{" << latexEscape(table.title)
            << "}\n\\begin{tabular}{l" << std::string(table.header.size() - 1, 'r')
            << "}\n\\toprule\n";
        for (std::size_t i = 0; i < table.header.size(); ++i)
            out << (i ? " & " : "") << latexEscape(table.header[i]);
        out << " \\\\\n\\midrule\n";
        for (const auto& row : table.rows) {
            for (std::size_t i = 0; i < row.size(); ++i)
                out << (i ? " & " : "") << latexEscape(row[i]);
            out << " \\\\\n";
        }
        out << "\\bottomrule\n\\end{tabular}\n\\end{table}\n";
    }
    out << "% " << kFootnote << '\n';
    return out.str();
}

std::string htmlEscape(std::string text) {
    text = replaceAll(text, "&", "&amp;");
    text = replaceAll(text, "<", "&lt;");
    text = replaceAll(text, ">", "&gt;");
    return replaceAll(text, "\"", "&quot;");
}

std::string html(const ExperimentReport& report, const std::vector<Table>& tables) {
    std::ostringstream out;
    out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>PerfNAS "
           "report: "
        << htmlEscape(report.experimentName) << "</title>\n<style>\n"
        << "body { font-family: sans-serif; margin: 2em; }\n"
        << "table { border-collapse: collapse; margin-bottom: 2em; }\n"
        << "th, td { border-bottom: 1px solid #ccc; padding: 0.3em 0.8em; text-align: right; }\n"
        << "th:first-child, td:first-child { text-align: left; "
           "}\n</style>\n</head>\n<body>\n<h1>PerfNAS report: "
        << htmlEscape(report.experimentName) << "</h1>\n";
    for (const Table& table : tables) {
        out << "<h2>" << htmlEscape(table.title) << "</h2>\n<table>\n<tr>";
        for (const std::string& cell : table.header) out << "<th>" << htmlEscape(cell) << "</th>";
        out << "</tr>\n";
        for (const auto& row : table.rows) {
            out << "<tr>";
            for (const std::string& cell : row) out << "<td>" << htmlEscape(cell) << "</td>";
            out << "</tr>\n";
        }
        out << "</table>\n";
    }
    out << "<p>" << htmlEscape(kFootnote) << "</p>\n</body>\n</html>\n";
    return out.str();
}

std::string csvCell(const std::string& text) {
    if (text.find_first_of(",\"\n") == std::string::npos) return text;
    return "\"" + replaceAll(text, "\"", "\"\"") + "\"";
}

// One row per model with raw numbers, for spreadsheets and scripts; Table I's notes in a column.
std::string csv(const ExperimentReport& report) {
    std::ostringstream out;
    out << "model,trial";
    for (std::size_t unit = 0; unit < report.seed.units.size(); ++unit) out << ",conv" << unit + 1;
    out << ",top1,finetuned,mfpops,delta_top1_points,fpops_reduction";
    for (const std::string& target : report.targets) out << ',' << csvCell(target + "_ms");
    out << ",note\n";
    auto addRow = [&](const ReportModel& model, int index) {
        std::string notes;
        for (const ReportHighlight& highlight : report.highlights) {
            if (highlight.model == index) notes += (notes.empty() ? "" : "; ") + highlight.note;
        }
        out << csvCell(model.name) << ',' << model.trialId;
        for (const std::string& unit : model.units) out << ',' << csvCell(unit);
        out << ',' << format("%.6g", model.top1) << ',' << (model.finetuned ? 1 : 0) << ','
            << format("%.6g", model.mfpops) << ','
            << (report.seedTrained ? format("%.6g", report.deltaTop1Points(model)) : "") << ','
            << format("%.6g", report.fpopsReduction(model));
        for (const std::string& target : report.targets) {
            auto found = model.latencyMs.find(target);
            out << ',' << (found == model.latencyMs.end() ? "" : format("%.6g", found->second));
        }
        out << ',' << csvCell(notes) << '\n';
    };
    addRow(report.seed, -1);
    for (std::size_t i = 0; i < report.models.size(); ++i)
        addRow(report.models[i], static_cast<int>(i));
    return out.str();
}

}  // namespace

std::string ExperimentReport::render(ReportFormat reportFormat) const {
    const std::vector<Table> tables = {tableOne(*this), tableTwo(*this)};
    switch (reportFormat) {
        case ReportFormat::Markdown:
            return markdown(*this, tables);
        case ReportFormat::Latex:
            return latex(tables);
        case ReportFormat::Html:
            return html(*this, tables);
        case ReportFormat::Csv:
            return csv(*this);
    }
    return {};
}

}  // namespace perfnas
