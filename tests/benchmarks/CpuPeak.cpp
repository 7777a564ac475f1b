// cpu_peak: this CPU's single-precision FMA throughput, measured, for "achieved GFLOP/s as a
// share of peak" in run_train_benchmark.sh. Per thread count, every thread runs independent chains
// of fused multiply-adds on registers of the widest vector ISA the CPU has (AVX-512, else AVX2+FMA,
// else SSE mul+add) for about a second; 2 FLOP per FMA lane. No memory traffic: an upper bound a
// convolution can approach, not reach.
//
//   cpu_peak [--threads 1,2] [--seconds S] [--isa best|avx512|avx2]
// --isa avx2 measures the AVX2 peak on an AVX-512 CPU: the ceiling of oneDNN capped at AVX2.
// Output: human-readable lines on stderr, one JSON object per thread count on stdout.

#include <immintrin.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kChains = 12;  // enough independent FMAs in flight to cover latency x ports
constexpr long kRounds = 1 << 20;

// Each function returns its accumulated sum so the work cannot be optimized away.
__attribute__((target("avx512f"))) float fmaRoundsAvx512(long rounds) {
    __m512 acc[kChains];
    for (int i = 0; i < kChains; ++i) acc[i] = _mm512_set1_ps(0.001F * static_cast<float>(i));
    const __m512 a = _mm512_set1_ps(0.999999F);
    const __m512 b = _mm512_set1_ps(1e-7F);
    for (long r = 0; r < rounds; ++r) {
#pragma GCC unroll 16  // unrolled, the chains live in registers
        for (int i = 0; i < kChains; ++i) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
    }
    float sum = 0.0F;
    for (int i = 0; i < kChains; ++i) sum += _mm512_reduce_add_ps(acc[i]);
    return sum;
}

__attribute__((target("avx2,fma"))) float fmaRoundsAvx2(long rounds) {
    __m256 acc[kChains];
    for (int i = 0; i < kChains; ++i) acc[i] = _mm256_set1_ps(0.001F * static_cast<float>(i));
    const __m256 a = _mm256_set1_ps(0.999999F);
    const __m256 b = _mm256_set1_ps(1e-7F);
    for (long r = 0; r < rounds; ++r) {
#pragma GCC unroll 16
        for (int i = 0; i < kChains; ++i) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
    }
    alignas(32) float lanes[8];
    float sum = 0.0F;
    for (int i = 0; i < kChains; ++i) {
        _mm256_store_ps(lanes, acc[i]);
        for (float v : lanes) sum += v;
    }
    return sum;
}

struct Isa {
    const char* name;
    int lanes;
    float (*run)(long);
};

// The widest ISA the CPU has, no wider than `limit` ("best", "avx512" or "avx2").
Isa chooseIsa(const std::string& limit) {
    __builtin_cpu_init();
    if (limit != "avx2" && __builtin_cpu_supports("avx512f"))
        return {"avx512", 16, fmaRoundsAvx512};
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return {"avx2+fma", 8, fmaRoundsAvx2};
    std::fprintf(stderr, "cpu_peak: this CPU has neither AVX-512 nor AVX2+FMA; not measured\n");
    std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<int> threadCounts = {1, 2};
    double seconds = 1.0;
    std::string isaLimit = "best";
    CLI::App app("cpu_peak: this CPU's single-precision FMA throughput");
    app.add_option("--threads", threadCounts, "Thread counts")
        ->delimiter(',')
        ->check(CLI::Range(1, 1024));
    app.add_option("--seconds", seconds, "Seconds per thread count")->check(CLI::Range(0.01, 60.0));
    app.add_option("--isa", isaLimit, "Widest ISA to use")
        ->check(CLI::IsMember({"best", "avx512", "avx2"}));
    CLI11_PARSE(app, argc, argv);
    const Isa isa = chooseIsa(isaLimit);
    isa.run(kRounds);  // warm up: clocks settle, code paged in
    for (int threads : threadCounts) {
        std::vector<long> calls(static_cast<std::size_t>(threads), 0);
        std::vector<float> sinks(calls.size(), 0.0F);
        const auto start = Clock::now();
        const auto deadline = start + std::chrono::duration<double>(seconds);
        std::vector<std::thread> workers;
        for (int t = 0; t < threads; ++t) {
            workers.emplace_back([&, t] {
                while (Clock::now() < deadline) {
                    sinks[static_cast<std::size_t>(t)] += isa.run(kRounds);
                    ++calls[static_cast<std::size_t>(t)];
                }
            });
        }
        for (auto& worker : workers) worker.join();
        const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
        long total = 0;
        for (long c : calls) total += c;
        const double flops =
            2.0 * isa.lanes * kChains * static_cast<double>(kRounds) * static_cast<double>(total);
        const double gflops = flops / elapsed / 1e9;
        // Printing a sum keeps the compiler from dropping the work.
        std::fprintf(stderr, "peak %dT (%s FMA): %.1f GFLOP/s (checksum %.3g)\n", threads, isa.name,
                     gflops, static_cast<double>(sinks[0]));
        std::printf("{\"side\": \"peak\", \"threads\": %d, \"isa\": \"%s\", \"gflops\": %.2f}\n",
                    threads, isa.name, gflops);
    }
    return 0;
}
