#include "core/training/ComputeThreads.h"

#include <ATen/Parallel.h>
#include <dlfcn.h>

#include "core/common/ParallelFor.h"

namespace perfnas {

void configureComputeThreads(int threads) {
    at::set_num_threads(threads > 0 ? threads : defaultThreadCount());
    // libtorch reaches OpenBLAS through libblas.so.3; look the setter up at run time so the build
    // does not depend on which BLAS the alternatives system selected.
    using SetThreads = void (*)(int);
    if (auto* setter = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
        setter(1);
    }
}

}  // namespace perfnas
