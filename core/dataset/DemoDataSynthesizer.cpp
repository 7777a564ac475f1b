#include "core/dataset/DemoDataSynthesizer.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <span>
#include <string_view>

#include "core/audio/AudioDecoder.h"
#include "core/audio/WavWriter.h"
#include "core/common/Random.h"
#include "core/dataset/BackgroundNoise.h"
#include "core/dataset/EspeakProcess.h"

namespace perfnas {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int kRateHz = AudioDecoder::kClipRateHz;
constexpr std::size_t kClipSamples = AudioDecoder::kClipSamples;
constexpr const char* kNoiseFolder = "_background_noise_";
constexpr const char* kFormatName = "perfnas-demo-data";
constexpr double kMaxSpeedChange = 0.08;  // tempo/pitch variation of one take, +-8 %
constexpr int kBabbleTalkers = 6;

// English voices, and the variants that sound like people (no robots, whispers or effects);
// all ship in espeak-ng-data since 1.49. An unknown variant would fall back to the plain voice.
constexpr std::string_view kVoices =
    "en en-us en-gb-scotland en-gb-x-rp en-gb-x-gbclan en-gb-x-gbcwmd en-029 en-us-nyc";
constexpr std::string_view kVariants =
    "m1 m2 m3 m4 m5 m6 m7 f1 f2 f3 f4 f5 klatt klatt2 klatt3 Alex Andy Annie adam anika aunty "
    "belinda benjamin david ed edward iven john linda max michel norbert paul quincy rob robert "
    "shelby steph travis victor zac";
// Babble vocabulary: none of the 35 Speech Commands words, so noise never contains a keyword.
constexpr std::string_view kBabbleWords =
    "about after apple because before better bottle bring candle carpet chair coffee colour "
    "corner dinner doctor early evening family flower garden guitar hammer island jacket kitchen "
    "later little market maybe middle minute morning music nothing number ocean paper pencil "
    "people pocket quiet rabbit really river silver sister summer table today travel under water "
    "weather window";
constexpr const char* kNoiseNames[] = {"white_noise.wav", "pink_noise.wav", "brown_noise.wav",
                                       "mains_hum.wav", "babble.wav"};
constexpr const char* kListNames[] = {"", "validation_list.txt", "testing_list.txt"};

std::vector<std::string> splitWords(std::string_view text) {
    std::vector<std::string> words;
    for (std::size_t at = 0, end = 0; at < text.size(); at = end + 1) {
        end = std::min(text.find(' ', at), text.size());
        words.emplace_back(text.substr(at, end - at));
    }
    return words;
}

Error ioError(const fs::path& path, const std::string& what) {
    return makeError(ErrorCode::IoFailure, path.string() + ": " + what);
}

// ---- speakers --------------------------------------------------------------------------------

struct Speaker {
    std::string id;  // 8 hex digits
    SpeechRequest voice;
    int split = 0;  // 0 training, 1 validation, 2 testing
};

std::vector<Speaker> makeSpeakers(const DemoDataOptions& options, Random& random) {
    const std::vector<std::string> voices = splitWords(kVoices);
    std::vector<std::string> variants = splitWords(kVariants);
    random.shuffle(variants);
    std::vector<Speaker> speakers(static_cast<std::size_t>(options.speakers));
    std::set<std::string> ids;
    for (std::size_t i = 0; i < speakers.size(); ++i) {
        char id[9];
        do {
            std::snprintf(id, sizeof id, "%08x", random.bits32());
        } while (!ids.insert(id).second);
        speakers[i].id = id;
        speakers[i].voice = {
            .voice = voices[random.below(voices.size())] + "+" + variants[i % variants.size()],
            .rateWpm = static_cast<int>(random.uniform(140, 211)),
            .pitch = static_cast<int>(random.uniform(30, 71)),
            .pitchRange = static_cast<int>(random.uniform(30, 91)),
            .text = {}};  // braced members are evaluated in order: the draws are deterministic
    }
    // Whole speakers per split: shuffled, the first ones are validation, the next testing.
    std::vector<std::size_t> order(speakers.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    random.shuffle(order);
    const auto share = [&](double percent) {
        return percent <= 0 ? 0 : std::max<int>(1, std::lround(options.speakers * percent / 100));
    };
    const int validation = share(options.validationPercent);
    const int testing = share(options.testingPercent);
    for (int k = 0; k < validation + testing; ++k) {
        speakers[order[static_cast<std::size_t>(k)]].split = k < validation ? 1 : 2;
    }
    return speakers;
}

// Speakers with the splits interleaved in proportion (largest deficit first), so any run of
// consecutive speakers, and so every word's clips, splits close to the requested shares.
std::vector<std::size_t> interleavedSpeakers(const std::vector<Speaker>& speakers) {
    std::vector<std::size_t> bySplit[3];
    for (std::size_t i = 0; i < speakers.size(); ++i) bySplit[speakers[i].split].push_back(i);
    std::vector<std::size_t> order;
    std::size_t used[3] = {0, 0, 0};
    while (order.size() < speakers.size()) {
        int best = -1;
        double bestDeficit = 0;
        for (int s = 0; s < 3; ++s) {
            const double deficit =
                double(order.size() + 1) * bySplit[s].size() / speakers.size() - double(used[s]);
            if (used[s] < bySplit[s].size() && (best < 0 || deficit > bestDeficit)) {
                best = s, bestDeficit = deficit;
            }
        }
        order.push_back(bySplit[best][used[best]++]);
    }
    return order;
}

// ---- audio -----------------------------------------------------------------------------------

// Cuts espeak's leading/trailing silence so placement inside the 1 s window is ours to choose.
void trimSilence(std::vector<float>& samples, int rateHz) {
    float peak = 0;
    for (float x : samples) peak = std::max(peak, std::fabs(x));
    const auto loud = [&](float x) { return std::fabs(x) > 0.02F * peak; };
    const std::ptrdiff_t margin = rateHz / 100;  // 10 ms
    const auto first = std::find_if(samples.begin(), samples.end(), loud) - samples.begin();
    const auto last = samples.rend() - std::find_if(samples.rbegin(), samples.rend(), loud);
    const auto begin = std::max<std::ptrdiff_t>(0, first - margin);
    const auto end = std::min<std::ptrdiff_t>(std::ssize(samples), last + margin);
    if (end > begin) samples = std::vector<float>(samples.begin() + begin, samples.begin() + end);
}

// Tempo and pitch change together, like a tape played faster: Catmull-Rom interpolation at
// steps of `speed` input samples; cheap per take, and the input is band-limited already.
std::vector<float> changeSpeed(const std::vector<float>& in, double speed) {
    const auto at = [&](std::ptrdiff_t i) {
        return in[std::clamp<std::ptrdiff_t>(i, 0, std::ssize(in) - 1)];
    };
    std::vector<float> out(static_cast<std::size_t>(double(in.size() - 1) / speed) + 1);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto k = static_cast<std::ptrdiff_t>(double(i) * speed);
        const double t = double(i) * speed - double(k);
        const double p0 = at(k - 1), p1 = at(k), p2 = at(k + 1), p3 = at(k + 2);
        out[i] = static_cast<float>(
            p1 +
            0.5 * t *
                (p2 - p0 + t * (2 * p0 - 5 * p1 + 4 * p2 - p3 + t * (3 * (p1 - p2) + p3 - p0))));
    }
    return out;
}

// One take: tempo/pitch change (+-8 %), gain -20..0 dB, random position in the 1 s window, and a
// random stretch of one background recording 25..50 dB below the speech peak.
std::vector<float> renderClip(const std::vector<float>& utterance,
                              const std::vector<std::vector<float>>& noises, Random& random) {
    const double maxLength = 0.95 * kClipSamples;  // slow speakers still fit the window
    const double speed = std::max(1.0 + random.uniform(-kMaxSpeedChange, kMaxSpeedChange),
                                  double(utterance.size()) / maxLength);
    std::vector<float> voice = changeSpeed(utterance, speed);
    AudioDecoder::fitToLength(voice, std::min(voice.size(), kClipSamples));
    float peak = 0;
    for (float x : voice) peak = std::max(peak, std::fabs(x));
    const double level = 0.9 * std::pow(10.0, random.uniform(-20, 0) / 20);
    const double gain = peak > 0 ? level / peak : 0.0;
    const std::size_t offset = random.below(kClipSamples - voice.size() + 1);
    const std::vector<float>& noise = noises[random.below(noises.size())];
    const std::size_t noiseStart = random.below(noise.size() - kClipSamples + 1);
    const double noiseGain =
        level * std::pow(10.0, -random.uniform(25, 50) / 20) / BackgroundNoise::kRms;
    std::vector<float> clip(kClipSamples);
    for (std::size_t i = 0; i < clip.size(); ++i) {
        clip[i] = static_cast<float>(noiseGain * noise[noiseStart + i]);
        if (i >= offset && i - offset < voice.size()) clip[i] += float(gain * voice[i - offset]);
    }
    return clip;
}

// ---- output folder ---------------------------------------------------------------------------

bool isClipName(const std::string& name) {  // <8 hex>_nohash_<digits>.wav
    const auto digits = [](auto from, auto to, auto is) {
        return std::all_of(from, to, [&](char c) { return is(static_cast<unsigned char>(c)); });
    };
    return name.size() >= 21 && name.compare(8, 8, "_nohash_") == 0 && name.ends_with(".wav") &&
           digits(name.begin(), name.begin() + 8, ::isxdigit) &&
           digits(name.begin() + 16, name.end() - 4, ::isdigit);
}

json optionsJson(const DemoDataOptions& o) {
    return {{"seed", o.seed},
            {"clipsPerWord", o.clipsPerWord},
            {"clipsPerUnknownWord", o.clipsPerUnknownWord},
            {"keywords", o.keywords},
            {"unknownWords", o.unknownWords},
            {"speakers", o.speakers},
            {"backgroundNoiseSeconds", o.backgroundNoiseSeconds},
            {"validationPercent", o.validationPercent},
            {"testingPercent", o.testingPercent},
            {"sampleRateHz", kRateHz}};
}

// Write-then-rename: a reader sees the old file or the whole new one, never half of it.
Status writeText(const fs::path& file, const std::string& text) {
    const fs::path temporary = file.string() + ".tmp";
    if (!(std::ofstream(temporary, std::ios::binary | std::ios::trunc) << text).flush()) {
        return ioError(temporary, "cannot write");
    }
    std::error_code ec;
    fs::rename(temporary, file, ec);
    return ec ? Status(ioError(file, "cannot write (" + ec.message() + ")")) : Status(Done{});
}

Status writeMarker(const DemoDataOptions& options, const json& report, bool complete) {
    const json marker = {{"format", kFormatName},
                         {"formatVersion", DemoDataSynthesizer::kFormatVersion},
                         {"complete", complete},
                         {"generator", EspeakProcess::version()},
                         {"options", optionsJson(options)},
                         {"report", report}};
    return writeText(options.outputDir / DemoDataSynthesizer::kMarkerFileName,
                     marker.dump(2) + "\n");
}

// Removes only what an earlier run wrote (clip-named WAVs in its word folders, its noise files,
// its lists); anything a user added stays. Words were validated as plain folder names.
void removeEarlierDataset(const fs::path& dir, const json& oldOptions,
                          const DemoDataOptions& options) {
    std::error_code ec;
    std::set<std::string> words(options.keywords.begin(), options.keywords.end());
    words.insert(options.unknownWords.begin(), options.unknownWords.end());
    for (const char* key : {"keywords", "unknownWords"}) {
        for (const json& word : oldOptions.value(key, json::array())) {
            const std::string name = word.is_string() ? word.get<std::string>() : "";
            if (!name.empty() && name.find_first_of("/\\") == std::string::npos && name[0] != '.') {
                words.insert(name);
            }
        }
    }
    const auto removeIf = [&](const fs::path& folder, auto ours) {
        for (const auto& entry : fs::directory_iterator(folder, ec)) {
            if (entry.is_regular_file(ec) && ours(entry.path().filename().string())) {
                fs::remove(entry.path(), ec);
            }
        }
        if (fs::is_empty(folder, ec)) fs::remove(folder, ec);
    };
    for (const std::string& word : words) removeIf(dir / word, isClipName);
    removeIf(dir / kNoiseFolder, [](const std::string& name) {
        return std::find(std::begin(kNoiseNames), std::end(kNoiseNames), name) !=
               std::end(kNoiseNames);
    });
    for (const std::string name :
         {kListNames[1], kListNames[2], DemoDataSynthesizer::kMarkerFileName}) {
        fs::remove(dir / name, ec);
        fs::remove(dir / (name + ".tmp"), ec);  // left by a run killed inside writeText
    }
}

Status validate(const DemoDataOptions& o) {
    const auto outside = [](int value, int low, int high) { return value < low || value > high; };
    std::string problem;
    if (o.outputDir.empty()) problem = "no output folder given";
    if (outside(o.clipsPerWord, 1, 100000)) problem = "clips per word must be 1..100000";
    if (outside(o.clipsPerUnknownWord, 0, 100000)) problem = "clips per unknown word: 0..100000";
    if (outside(o.speakers, 3, 1000)) problem = "speakers must be 3..1000";
    if (outside(o.backgroundNoiseSeconds, 2, 600)) problem = "noise seconds must be 2..600";
    if (o.validationPercent < 0 || o.testingPercent < 0 ||
        o.validationPercent + o.testingPercent > 60) {
        problem = "validation and testing percentages must be >= 0 and sum to at most 60";
    }
    if (o.keywords.empty()) problem = "no keywords";
    std::set<std::string> seen;
    for (const auto* list : {&o.keywords, &o.unknownWords}) {
        for (const std::string& word : *list) {
            if (word.empty() || word.size() > 64 || word[0] == '_' || word[0] == '.' ||
                word.find_first_of("/\\") != std::string::npos) {
                problem = "\"" + word + "\" cannot be a word folder name";
            } else if (!seen.insert(word).second) {
                problem = "word \"" + word + "\" is listed twice";
            }
        }
    }
    if (problem.empty()) return Done{};
    return makeError(ErrorCode::InvalidInput, "demo data: " + problem);
}

DemoDataReport reportFrom(const json& report, const fs::path& dir) {
    return {.outputDir = dir,
            .clips = report.value("clips", 0),
            .keywordClips = report.value("keywordClips", 0),
            .unknownWordClips = report.value("unknownWordClips", 0),
            .speakers = report.value("speakers", 0),
            .backgroundNoiseFiles = report.value("backgroundNoiseFiles", 0),
            .validationClips = report.value("validationClips", 0),
            .testingClips = report.value("testingClips", 0)};
}

// An existing folder is reused (same options: returns its report), rewritten (a demo dataset
// with other options, or an interrupted run) or refused (anything else that is not empty).
Result<std::optional<DemoDataReport>> prepareFolder(const DemoDataOptions& options) {
    const fs::path& dir = options.outputDir;
    std::error_code ec;
    if (!fs::exists(dir, ec)) {
        if (fs::create_directories(dir, ec); ec) return ioError(dir, "cannot create folder");
        return std::optional<DemoDataReport>();
    }
    const Error foreign = makeError(ErrorCode::InvalidInput,
                                    dir.string() +
                                        ": not empty and not a PerfNAS demo dataset; choose an "
                                        "empty folder");
    if (!fs::is_directory(dir, ec)) {
        return makeError(ErrorCode::InvalidInput, dir.string() + ": exists and is not a folder");
    }
    const fs::path markerFile = dir / DemoDataSynthesizer::kMarkerFileName;
    if (!fs::exists(markerFile, ec)) {
        if (fs::is_empty(dir, ec)) return std::optional<DemoDataReport>();
        return foreign;
    }
    std::ifstream in(markerFile);
    const json marker = json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (!marker.is_object() || marker.value("format", "") != kFormatName) return foreign;
    if (marker.value("complete", false) &&
        marker.value("formatVersion", 0) == DemoDataSynthesizer::kFormatVersion &&
        marker.value("options", json()) == optionsJson(options)) {
        DemoDataReport report = reportFrom(marker.value("report", json::object()), dir);
        report.reused = true;
        return std::optional(report);
    }
    fs::remove(markerFile, ec);  // first, so an interrupted cleanup never looks complete
    removeEarlierDataset(dir, marker.value("options", json::object()), options);
    return std::optional<DemoDataReport>();
}

struct ClipPlan {
    std::size_t word = 0, speaker = 0, utterance = 0;
    int take = 0;
};

}  // namespace

Result<DemoDataReport> DemoDataSynthesizer::synthesize(const DemoDataOptions& options,
                                                       const ProgressCallback& progress,
                                                       const CancelToken& cancel) {
    const auto started = std::chrono::steady_clock::now();
    const auto finish = [&](DemoDataReport report) {
        report.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return report;
    };
    const Error cancelled = makeError(ErrorCode::Cancelled, "demo data synthesis cancelled");
    if (auto valid = validate(options); !valid) return valid.error();
    auto existing = prepareFolder(options);
    if (!existing) return existing.error();
    if (*existing) return finish(**existing);
    if (cancel.cancelled()) return cancelled;
    // An incomplete marker claims the folder, so a later run may clean up after a killed one.
    if (auto claimed = writeMarker(options, json::object(), /*complete=*/false); !claimed) {
        return claimed.error();
    }
    const fs::path& dir = options.outputDir;

    // Plan: speakers, who says each clip, and the utterances espeak-ng speaks, each only once.
    Random random(streamSeed(options.seed, 0));
    const std::vector<Speaker> speakers = makeSpeakers(options, random);
    const std::vector<std::size_t> speakerOrder = interleavedSpeakers(speakers);
    std::vector<std::string> words = options.keywords;
    words.insert(words.end(), options.unknownWords.begin(), options.unknownWords.end());
    const std::size_t speakerCount = speakers.size();
    std::vector<SpeechRequest> requests;
    std::vector<std::size_t> utteranceOf(speakerCount * words.size(), SIZE_MAX);
    std::vector<int> takes(speakerCount * words.size(), 0);
    std::vector<ClipPlan> clips;
    for (std::size_t w = 0; w < words.size(); ++w) {
        const bool keyword = w < options.keywords.size();
        const int count = keyword ? options.clipsPerWord : options.clipsPerUnknownWord;
        const std::size_t first = random.below(speakerCount);
        for (std::size_t j = 0; j < static_cast<std::size_t>(count); ++j) {
            const std::size_t s = speakerOrder[(first + j) % speakerCount];
            const std::size_t key = s * words.size() + w;
            if (utteranceOf[key] == SIZE_MAX) {
                utteranceOf[key] = requests.size();
                requests.push_back(speakers[s].voice);
                requests.back().text = words[w];
            }
            clips.push_back({w, s, utteranceOf[key], takes[key]++});
        }
    }
    const std::size_t firstTalker = requests.size();
    const std::set<std::string> taken(words.begin(), words.end());
    const std::vector<std::string> babbleWords = splitWords(kBabbleWords);
    for (int talker = 0; talker < kBabbleTalkers; ++talker) {
        SpeechRequest request = speakers[random.below(speakerCount)].voice;
        for (int n = 0; n < options.backgroundNoiseSeconds * 3; ++n) {  // ~3 words a second
            const std::string& word = babbleWords[random.below(babbleWords.size())];
            if (!taken.contains(word)) request.text += word + (random.unit() < 0.15 ? ". " : " ");
        }
        requests.push_back(std::move(request));
    }

    auto speech = EspeakProcess::speak(requests, cancel);
    if (!speech) return speech.error();
    std::mutex errorMutex;
    std::optional<Error> firstError;
    const auto fail = [&](const Error& error) {
        const std::lock_guard lock(errorMutex);
        if (!firstError) firstError = error;
    };
    const auto stop = [&] {
        const std::lock_guard lock(errorMutex);
        return firstError.has_value() || cancel.cancelled();
    };
    // Each utterance is trimmed and brought to 16 kHz once (libsamplerate); its takes derive
    // from it cheaply.
    parallelFor(
        firstTalker, options.threads,
        [&](std::size_t u, int /*worker*/) {
            std::vector<float>& utterance = speech->utterances[u];
            trimSilence(utterance, speech->sampleRateHz);
            auto resampled = AudioDecoder::resample(utterance, speech->sampleRateHz, kRateHz);
            if (!resampled) return fail(resampled.error());
            utterance = std::move(*resampled);
        },
        stop);
    if (firstError) return *firstError;

    // Background recordings: written to _background_noise_ and mixed quietly under every clip.
    const auto noiseLength = static_cast<std::size_t>(options.backgroundNoiseSeconds) * kRateHz;
    std::vector<std::vector<float>> noises;
    for (const NoiseColour colour :
         {NoiseColour::White, NoiseColour::Pink, NoiseColour::Brown, NoiseColour::MainsHum}) {
        const auto stream = 1000 + static_cast<std::uint64_t>(colour);
        noises.push_back(
            BackgroundNoise::coloured(colour, noiseLength, streamSeed(options.seed, stream)));
    }
    auto talk =
        BackgroundNoise::babble(std::span(speech->utterances).subspan(firstTalker),
                                speech->sampleRateHz, noiseLength, streamSeed(options.seed, 1004));
    if (!talk) return talk.error();
    noises.push_back(std::move(*talk));
    std::set<std::string> folders = {kNoiseFolder};  // no empty word folders (0 clips)
    for (const ClipPlan& plan : clips) folders.insert(words[plan.word]);
    for (const std::string& folder : folders) {
        std::error_code ec;
        if (fs::create_directories(dir / folder, ec); ec) {
            return ioError(dir / folder, "cannot create folder (" + ec.message() + ")");
        }
    }
    for (std::size_t n = 0; n < noises.size(); ++n) {
        const fs::path file = dir / kNoiseFolder / kNoiseNames[n];
        if (auto written = WavWriter::writePcm16(file, noises[n], kRateHz); !written) {
            return written.error();
        }
    }

    // Clips are independent (own random stream each), so the thread count never changes a byte.
    const auto clipName = [&](const ClipPlan& c) {
        return speakers[c.speaker].id + "_nohash_" + std::to_string(c.take) + ".wav";
    };
    std::atomic<std::size_t> done{0};
    if (progress) progress(0, clips.size());
    parallelFor(
        clips.size(), options.threads,
        [&](std::size_t index, int /*worker*/) {
            const ClipPlan& plan = clips[index];
            Random clipRandom(streamSeed(options.seed, 1'000'000 + index));
            const auto clip = renderClip(speech->utterances[plan.utterance], noises, clipRandom);
            const fs::path file = dir / words[plan.word] / clipName(plan);
            if (auto written = WavWriter::writePcm16(file, clip, kRateHz); !written) {
                return fail(written.error());
            }
            if (progress) progress(++done, clips.size());
        },
        stop);
    if (firstError) return *firstError;
    if (cancel.cancelled()) return cancelled;

    std::vector<std::string> lists[3];
    int keywordClips = 0;
    for (const ClipPlan& plan : clips) {
        lists[speakers[plan.speaker].split].push_back(words[plan.word] + "/" + clipName(plan));
        keywordClips += plan.word < options.keywords.size() ? 1 : 0;
    }
    for (int split = 1; split < 3; ++split) {
        std::sort(lists[split].begin(), lists[split].end());
        std::string text;
        for (const std::string& line : lists[split]) text += line + "\n";
        if (auto written = writeText(dir / kListNames[split], text); !written) {
            return written.error();
        }
    }

    const json report = {{"clips", clips.size()},
                         {"keywordClips", keywordClips},
                         {"unknownWordClips", static_cast<int>(clips.size()) - keywordClips},
                         {"speakers", speakerCount},
                         {"backgroundNoiseFiles", noises.size()},
                         {"validationClips", lists[1].size()},
                         {"testingClips", lists[2].size()}};
    if (auto marked = writeMarker(options, report, /*complete=*/true); !marked) {
        return marked.error();
    }
    return finish(reportFrom(report, dir));
}

}  // namespace perfnas
