#pragma once
// TrainingHold: lets a latency measurement run on the local CPU without sharing it with training.
// Every in-process training registers for its run (Registration) and calls pausePoint() between
// iterations; hold() returns once each registered training waits at its pause point, and the
// trainings go on when the returned Hold is destroyed. Trainings in other processes (subprocess
// and Slurm backends) are not held. One per process; thread-safe.
#include <condition_variable>
#include <mutex>
#include <utility>

namespace perfnas {

class TrainingHold {
public:
    static TrainingHold& instance() {
        static TrainingHold hold;
        return hold;
    }

    // Registers the calling training for its lifetime.
    class Registration {
    public:
        Registration() { TrainingHold::instance().change(+1); }
        ~Registration() { TrainingHold::instance().change(-1); }
        Registration(const Registration&) = delete;
        Registration& operator=(const Registration&) = delete;
    };

    // Ends the hold when destroyed.
    class Hold {
    public:
        ~Hold() {
            std::lock_guard lock(m_owner.m_mutex);
            m_owner.m_held = false;
            m_owner.m_changed.notify_all();
        }
        Hold(const Hold&) = delete;
        Hold& operator=(const Hold&) = delete;

    private:
        friend class TrainingHold;
        explicit Hold(TrainingHold& owner) : m_owner(owner) {}
        TrainingHold& m_owner;
    };

    // Waits until no registered training is between pause points; one hold at a time.
    [[nodiscard]] Hold hold() {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return !m_held; });
        m_held = true;
        m_changed.wait(lock, [this] { return m_waiting == m_active; });
        return Hold(*this);
    }

    // Runs `work` while every registered training waits at its pause point.
    template <typename Work>
    auto whileHeld(Work&& work) {
        const Hold held = hold();
        return work();
    }

    // A training's iteration boundary: waits while a hold is in place.
    void pausePoint() {
        std::unique_lock lock(m_mutex);
        if (!m_held) return;
        ++m_waiting;
        m_changed.notify_all();
        m_changed.wait(lock, [this] { return !m_held; });
        --m_waiting;
    }

private:
    TrainingHold() = default;
    void change(int delta) {
        std::lock_guard lock(m_mutex);
        m_active += delta;
        m_changed.notify_all();
    }

    std::mutex m_mutex;
    std::condition_variable m_changed;
    int m_active = 0;   // registered trainings
    int m_waiting = 0;  // of them, waiting at a pause point
    bool m_held = false;
};

}  // namespace perfnas
