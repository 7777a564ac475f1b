#pragma once
// CancelToken: a flag one thread raises and long-running core functions poll between steps.
// Thread-safe; copies share the same flag.

#include <atomic>
#include <memory>

namespace perfnas {

class CancelToken {
public:
    CancelToken() : m_flag(std::make_shared<std::atomic<bool>>(false)) {}
    void cancel() { m_flag->store(true, std::memory_order_relaxed); }
    bool cancelled() const { return m_flag->load(std::memory_order_relaxed); }

private:
    std::shared_ptr<std::atomic<bool>> m_flag;
};

}  // namespace perfnas
