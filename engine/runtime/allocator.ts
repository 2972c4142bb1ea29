// glibc malloc settings for a process that trains on the node backend. With the CPU arena off
// (backends.ts), onnxruntime mallocs and frees every intermediate of a step, and glibc's defaults hand much
// of it back to the kernel after each run (heap trimming, per-thread arenas, a moving mmap threshold): the
// next step faults it in again. On 2m h3 at batch 64 the first five steps spent ~1 s each in the kernel
// and the throughput over them was 0.6× the steady one. They are read when the process starts, so they
// are set by whatever starts it: bin/run.js's shebang, the pool and SLURM launchers (the batch search's
// trials inherit the job's).

/**
 * The environment under which a training process keeps its freed step memory for the next step:
 * one malloc arena for all threads (memory freed on an onnxruntime thread is reused on another), a fixed
 * mmap threshold of 32 MiB (glibc's largest; only tensors above it are mapped per step) and no trimming
 * below 4 GiB. Peak RSS does not grow (2m h3, batch 64: 2,820 MB against 3,046 MB without); the memory
 * stays with the process until it exits. glibc only (musl and macOS ignore the names). Source: mallopt(3),
 * M_ARENA_MAX, M_MMAP_THRESHOLD, M_TRIM_THRESHOLD.
 */
export const ALLOCATOR_ENV: Readonly<Record<string, string>> = Object.freeze({
  MALLOC_ARENA_MAX: '1',
  MALLOC_MMAP_THRESHOLD_: String(32 * 2 ** 20),
  MALLOC_TRIM_THRESHOLD_: String(4 * 2 ** 30),
});
