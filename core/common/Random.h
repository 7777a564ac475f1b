#pragma once
// Portable randomness for reproducible data: the same seed gives the same draws with every
// standard library, because the integer -> float mapping is our own (std:: distributions are
// implementation-defined). Random is not thread-safe: one per thread or per stream.

#include <cstddef>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace perfnas {

// SplitMix64 (Steele, Lea, Flood 2014): a well-mixed 64-bit hash of x, for deriving independent
// seeds from (seed, stream) pairs without any state.
constexpr std::uint64_t splitMix64(std::uint64_t x) {
    std::uint64_t z = x + 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

// The seed of stream `stream` of `seed`: streams of one seed are independent of each other.
constexpr std::uint64_t streamSeed(std::uint64_t seed, std::uint64_t stream) {
    return splitMix64(seed + 0x9E3779B97F4A7C15ULL * stream);
}

class Random {
public:
    explicit Random(std::uint64_t seed) : m_engine(seed) {}

    double unit() { return static_cast<double>(m_engine() >> 11) * 0x1.0p-53; }  // [0, 1)
    double uniform(double low, double high) { return low + (high - low) * unit(); }
    std::size_t below(std::size_t n) {
        return static_cast<std::size_t>(unit() * static_cast<double>(n));
    }
    std::int64_t between(std::int64_t low, std::int64_t high) {  // [low, high]
        return low + static_cast<std::int64_t>(below(static_cast<std::size_t>(high - low + 1)));
    }
    std::uint32_t bits32() { return static_cast<std::uint32_t>(m_engine() >> 32); }
    std::uint64_t bits64() { return m_engine(); }

    template <typename T>
    void shuffle(std::vector<T>& values) {
        for (std::size_t i = values.size(); i > 1; --i) std::swap(values[i - 1], values[below(i)]);
    }

private:
    std::mt19937_64 m_engine;
};

}  // namespace perfnas
