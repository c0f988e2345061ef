/* SPDX-License-Identifier: MIT */
/*
 * What the benchmarks (bench-floor, bench-pingpong, memif-scale, memif-perf)
 * share: the monotonic clock in ns, pinning the calling process to a cpu,
 * the back-off of an idle polling loop, and (bench-floor, bench-pingpong)
 * a command line read from a table.  Header-only, so each stays one
 * program with no library of its own.
 */
#ifndef MEMIF_BENCH_COMMON_H
#define MEMIF_BENCH_COMMON_H

#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

/* How an option's value is stored. */
enum bench_opt_kind {
	BENCH_OPT_ULONG, /* unsigned long (strtoul, base 0) */
	BENCH_OPT_SIZE, /* size_t (strtoul, base 0) */
	BENCH_OPT_DOUBLE, /* double (strtod) */
	BENCH_OPT_INT, /* int (atoi): a cpu number */
	BENCH_OPT_OFF, /* bool set to false; no argument (--no-<thing>) */
	BENCH_OPT_ON, /* bool set to true; no argument */
};

/* --@name, and where its value goes. */
struct bench_opt {
	const char *name;
	enum bench_opt_kind kind;
	void *dst;
};

#define BENCH_MAX_OPTS 24

/*
 * Read argv's long options against @opts (@n, at most BENCH_MAX_OPTS; --help
 * and -h are added).  Return: 0 parsed; 1 --help, @usage(stdout) printed;
 * 2 usage error, @usage(stderr) printed.
 */
static inline int bench_parse_args(int argc, char **argv,
				   const struct bench_opt *opts, size_t n,
				   void (*usage)(FILE *f))
{
	struct option lo[BENCH_MAX_OPTS + 2] = { { 0 } };
	const struct bench_opt *o;
	size_t i;
	int c;

	if (n > BENCH_MAX_OPTS) { /* a table the array cannot hold */
		fprintf(stderr, "more than %d options\n", BENCH_MAX_OPTS);
		return 2;
	}
	for (i = 0; i < n; i++) {
		lo[i].name = opts[i].name;
		lo[i].has_arg = opts[i].kind == BENCH_OPT_OFF ||
						opts[i].kind == BENCH_OPT_ON ?
					no_argument :
					required_argument;
		lo[i].val = 256 + (int)i;
	}
	lo[i].name = "help";
	lo[i].val = 'h';
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 1;
		}
		if (c < 256) {
			usage(stderr);
			return 2;
		}
		o = &opts[c - 256];
		switch (o->kind) {
		case BENCH_OPT_ULONG:
			*(unsigned long *)o->dst = strtoul(optarg, NULL, 0);
			break;
		case BENCH_OPT_SIZE:
			*(size_t *)o->dst = strtoul(optarg, NULL, 0);
			break;
		case BENCH_OPT_DOUBLE:
			*(double *)o->dst = strtod(optarg, NULL);
			break;
		case BENCH_OPT_INT:
			*(int *)o->dst = atoi(optarg);
			break;
		case BENCH_OPT_OFF:
			*(bool *)o->dst = false;
			break;
		case BENCH_OPT_ON:
			*(bool *)o->dst = true;
			break;
		}
	}
	return 0;
}

#endif /* MEMIF_BENCH_COMMON_H */
