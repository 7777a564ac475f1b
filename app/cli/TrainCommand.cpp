#include <csignal>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli/CliSupport.h"
#include "core/model/CostModel.h"
#include "core/training/Checkpoint.h"
#include "core/training/Evaluator.h"
#include "core/training/Trainer.h"

namespace perfnas::cli {
namespace {

CancelToken* g_interrupt = nullptr;  // Ctrl-C cancels the run; the checkpoint so far is kept.

nlohmann::json resultJson(const TrainingResult& result, const ArchitectureSpec& spec) {
    nlohmann::json document = nlohmann::json::parse(result.toJson());
    const ModelCost cost = CostModel::evaluate(spec);
    document["mfpops"] = cost.mfpops();
    document["params"] = cost.params;
    document["architecture"] = spec.notation();
    return document;
}

}  // namespace

void addTrainCommand(CLI::App& app, int& exitCode) {
    struct Options {
        DatasetArguments data;
        std::string spec;
        std::string out;
        TrainingParams params;
        bool noAugment = false;
        bool resume = false;
        bool json = false;
    };
    auto options = std::make_shared<Options>();
    TrainingParams& p = options->params;
    CLI::App* command =
        app.add_subcommand("train", "Train one architecture and report validation/test TOP-1");
    addDatasetArguments(*command, options->data, "--data");
    command->add_option("--spec", options->spec, "Architecture spec (JSON)");
    command->add_option("--out", options->out, "Checkpoint folder")->required();
    command->add_option("--iterations", p.iterations, "Training iterations")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    command->add_option("--batch", p.batchSize, "Batch size")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    command->add_option("--lr", p.learningRate, "Adam learning rate")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    command->add_option("--decay-factor", p.decayFactor, "Multiply the learning rate by this ...")
        ->capture_default_str();
    command->add_option("--decay-every", p.decayEvery, "... every N iterations (0: never)")
        ->capture_default_str();
    command->add_option("--validate-every", p.validateEvery, "Validation interval for the curve")
        ->capture_default_str();
    command->add_option("--checkpoint-every", p.checkpointEvery, "Checkpoint interval")
        ->capture_default_str();
    command->add_option("--seed", p.seed, "Random seed")->capture_default_str();
    command
        ->add_option(
            "--threads", p.threads,
            "libtorch threads at most (0: all cores; fewer while other processes keep cores busy)")
        ->capture_default_str();
    command->add_flag("--no-augment", options->noAugment,
                      "Turn time-shift and background-noise augmentation off");
    command->add_flag("--resume", options->resume,
                      "Continue the checkpoint in --out up to --iterations");
    command->add_flag("--json", options->json, "Print one JSON document");
    command->callback([options, &exitCode] {
        TrainingParams params = options->params;
        params.augmentation.enabled = !options->noAugment;
        params.checkpointFolder = options->out;
        if (!options->resume && options->spec.empty()) {
            exitCode =
                reportError(makeError(ErrorCode::InvalidInput, "--spec is required (or --resume)"));
            return;
        }
        auto loaded = loadDataset(options->data, options->json);
        if (!loaded) {
            exitCode = reportError(loaded.error());
            return;
        }
        CancelToken cancel;
        g_interrupt = &cancel;
        std::signal(SIGINT, [](int) { g_interrupt->cancel(); });
        ProgressLine line(!options->json);
        auto progress = [&line](const TrainingProgress& step) {
            char text[160];
            std::snprintf(text, sizeof text, "iteration %d/%d  loss %.4f  lr %.2g  %.0f samples/s",
                          step.iteration, step.iterations, step.loss, step.learningRate,
                          step.samplesPerSecond);
            line.update(text, step.iteration == step.iterations);
        };
        Result<TrainingResult> result = makeError(ErrorCode::Internal, "not run");
        ArchitectureSpec spec;
        if (options->resume) {
            auto info = Checkpoint::readInfo(options->out);
            if (!info) {
                exitCode = reportError(info.error());
                return;
            }
            spec = info->spec;
            result = Trainer::resume(options->out, loaded->features, params, progress, cancel);
        } else {
            auto parsed = ArchitectureSpec::fromFile(options->spec);
            if (!parsed) {
                exitCode = reportError(parsed.error());
                return;
            }
            spec = *parsed;
            result = Trainer::train(spec, loaded->features, params, progress, cancel);
        }
        std::signal(SIGINT, SIG_DFL);
        line.finish();
        if (!result) {
            exitCode = reportError(result.error());
            return;
        }
        const nlohmann::json summary = resultJson(*result, spec);
        if (options->json) {
            printJson(summary);
        } else {
            std::printf("%s after %d iterations: validation TOP-1 %.2f%%, test TOP-1 %.2f%%\n",
                        summary["state"].get<std::string>().c_str(), result->iterationsDone,
                        100.0 * result->validationTop1, 100.0 * result->testTop1);
            std::printf("%s  %.3f MFPOPS  %.1f s  %.0f samples/s\ncheckpoint: %s\n",
                        spec.notation().c_str(), summary["mfpops"].get<double>(), result->seconds,
                        result->samplesPerSecond, options->out.c_str());
        }
        if (result->outcome == TrainingOutcome::Diverged) {
            std::cerr << "perfnas: training diverged (NaN/Inf loss) at iteration "
                      << result->divergedAtIteration << "; try a lower --lr\n";
            exitCode = kExitFailure;
        } else if (result->outcome == TrainingOutcome::Cancelled) {
            exitCode = kExitFailure;
        }
    });
}

void addEvaluateCommand(CLI::App& app, int& exitCode) {
    struct Options {
        std::string checkpoint;
        DatasetArguments data;
        std::string split = "testing";
        int threads = 0;
        bool json = false;
    };
    auto options = std::make_shared<Options>();
    CLI::App* command =
        app.add_subcommand("evaluate", "TOP-1 of a checkpoint on any dataset in the same layout");
    command->add_option("--checkpoint", options->checkpoint, "Checkpoint folder")->required();
    command->add_option("--data", options->data.dataset.root, "Dataset folder")->required();
    command
        ->add_option("--split", options->split,
                     "testing (default), validation, training, or all: every clip of the folder, "
                     "whatever its lists say")
        ->check(CLI::IsMember({"validation", "testing", "training", "all"}));
    command->add_option("--cache-dir", options->data.cacheFolder, "Feature cache folder");
    command->add_option("--threads", options->threads, "libtorch threads (0: all cores)");
    command->add_flag("--json", options->json, "Print one JSON document");
    command->callback([options, &exitCode] {
        auto info = Checkpoint::readInfo(options->checkpoint);
        if (!info) {
            exitCode = reportError(info.error());
            return;
        }
        // The dataset must offer the classes the network was trained on.
        DatasetOptions& dataset = options->data.dataset;
        dataset.keywords.clear();
        for (const std::string& name : info->classNames) {
            if (name == kSilenceClass)
                dataset.includeSilence = true;
            else if (name == kUnknownClass)
                dataset.includeUnknown = true;
            else
                dataset.keywords.push_back(name);
        }
        // Only the evaluated split must hold clips; "all" is every clip, whatever the lists say.
        if (options->split == "all") {
            options->data.splitRule = SplitRule::AllTesting;
        } else {
            options->data.requiredSplits = {*splitFromName(options->split)};
        }
        auto loaded = loadDataset(options->data, options->json);
        if (!loaded) {
            exitCode = reportError(loaded.error());
            return;
        }
        auto evaluation =
            options->split == "all"
                ? Evaluator::evaluateCheckpointOnAll(options->checkpoint, loaded->features,
                                                     options->threads)
                : Evaluator::evaluateCheckpoint(options->checkpoint, loaded->features,
                                                *splitFromName(options->split), options->threads);
        if (!evaluation) {
            exitCode = reportError(evaluation.error());
            return;
        }
        if (options->json) {
            printJson({{"top1", evaluation->top1},
                       {"loss", evaluation->loss},
                       {"samples", evaluation->samples},
                       {"split", options->split},
                       {"classes", info->classNames},
                       {"confusion", evaluation->confusion},
                       {"checkpoint", options->checkpoint},
                       {"data", dataset.root.string()}});
        } else {
            std::printf("%s split of %s: TOP-1 %.2f%% over %zu clips (loss %.4f)\n",
                        options->split.c_str(), dataset.root.c_str(), 100.0 * evaluation->top1,
                        evaluation->samples, evaluation->loss);
        }
    });
}

}  // namespace perfnas::cli
