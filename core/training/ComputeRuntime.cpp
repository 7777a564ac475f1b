#include "core/training/ComputeRuntime.h"

#include <ATen/Parallel.h>
#include <dlfcn.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "core/common/ParallelFor.h"

namespace perfnas {

void configureComputeRuntime(int threads) {
    // Only when it changes: at::set_num_threads also clears oneDNN's process-wide primitive cache,
    // so every other training would re-create (JIT) its convolution kernels.
    const int wanted = threads > 0 ? threads : defaultThreadCount();
    if (at::get_num_threads() != wanted) at::set_num_threads(wanted);
    // libtorch reaches OpenBLAS through libblas.so.3; look the setter up at run time so the build
    // does not depend on which BLAS the alternatives system selected.
    using SetThreads = void (*)(int);
    if (auto* setter =
            reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
        setter(1);
    }
#if defined(__GLIBC__)
    // Blocks up to 64 MiB (the paper seed's activations are 6.4 MB per unit at batch 25) come from
    // the heap, and up to 256 MiB of free heap stays mapped between steps instead of being trimmed.
    constexpr int kMiB = 1 << 20;
    mallopt(M_MMAP_THRESHOLD, 64 * kMiB);
    mallopt(M_TRIM_THRESHOLD, 256 * kMiB);
#endif
}

}  // namespace perfnas
