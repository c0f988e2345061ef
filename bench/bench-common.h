/* SPDX-License-Identifier: MIT */
/*
 * What the stand-alone benchmarks (bench-floor, bench-pingpong, memif-scale)
 * share: the monotonic clock in ns, and pinning the calling process to a
 * cpu.  Header-only, so each stays one program with no library of its own.
 */
#ifndef MEMIF_BENCH_COMMON_H
#define MEMIF_BENCH_COMMON_H

#include <errno.h>
#include <sched.h>
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

#endif /* MEMIF_BENCH_COMMON_H */
