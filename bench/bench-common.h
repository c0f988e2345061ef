/* SPDX-License-Identifier: MIT */
/*
 * What the benchmarks (bench-floor, bench-pingpong, memif-scale, memif-perf)
 * share: the monotonic clock in ns, pinning the calling process to a cpu,
 * and the back-off of an idle polling loop.  Header-only, so each stays one
 * program with no library of its own.
 */
#ifndef MEMIF_BENCH_COMMON_H
#define MEMIF_BENCH_COMMON_H

#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Pin this process to @cpu (a negative @cpu: leave it); @prog names the
 * program in the warning when that fails. */
static inline void pin(const char *prog, int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fprintf(stderr, "%s: cannot pin to cpu %d: %s\n", prog, cpu,
			strerror(errno));
}

/*
 * A polling loop that found nothing to do (ring empty, or full for the
 * sender) waits a little before it looks again, doubling up to 2^6 PAUSEs
 * while it stays idle (how long a PAUSE takes depends on the cpu).  Each
 * look at an index the peer is about to move pulls its cache line over and
 * makes the peer's next store wait for it; on a shared physical core a
 * tight reload loop also takes issue slots from the sibling.  Reset
 * *@level to 0 on progress.
 */
static inline void idle_backoff(unsigned int *level)
{
	unsigned int i, n = 1u << *level;

	for (i = 0; i < n; i++) {
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#elif defined(__aarch64__)
		__asm__ __volatile__("yield" ::: "memory");
#else
		atomic_signal_fence(memory_order_seq_cst);
#endif
	}
	if (*level < 6)
		(*level)++;
}

#endif /* MEMIF_BENCH_COMMON_H */
