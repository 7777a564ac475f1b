#pragma once
// configureComputeThreads: sets libtorch's intra-op thread count deliberately (its default here
// is 1 on a 2-core machine) and pins OpenBLAS to one thread, because its own pool fights libtorch's
// OpenMP pool (torchaudio's MFCC fell from 2,586 to 885 clips/s here when both ran threads).
// Process-wide; call before training or inference. threads <= 0 means every hardware thread.

namespace perfnas {

void configureComputeThreads(int threads);

}  // namespace perfnas
