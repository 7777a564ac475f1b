#pragma once
// configureComputeRuntime: process-wide settings for training and inference; call before either.
// - libtorch's intra-op thread count, set deliberately (its default here is 1 on a 2-core machine);
//   threads <= 0 means every hardware thread. Training treats the count as a ceiling and uses
//   fewer while other processes keep cores busy (core/training/ThreadGovernor.h).
// - OpenBLAS pinned to one thread, because its own pool fights libtorch's OpenMP pool (torchaudio's
//   MFCC fell from 2,586 to 885 clips/s here when both ran threads).
// - glibc malloc keeps freed memory: by default every activation of a few MB is a fresh mmap, so
//   each training step page-faults and zeroes all of them again (17% of a small model's step was
//   in the kernel; kws12 trained 27-37% faster with the memory kept).

namespace perfnas {

void configureComputeRuntime(int threads);

}  // namespace perfnas
