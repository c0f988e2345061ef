/* SPDX-License-Identifier: MIT */
/*
 * bench-pingpong: the raw wake-up round trip that memif's interrupt mode
 * sits on.  Two processes, two eventfds (one each way), each side sleeping
 * in epoll_wait on its own: the pinger (--ping-cpu) stamps the time, writes
 * the echoer's eventfd and waits; the echoer (--echo-cpu) wakes, reads its
 * eventfd, writes the pinger's; the pinger wakes, reads, stamps.  No shared
 * memory, no packets: epoll_wait + read + write on each side per round trip,
 * the least a sleeping receiver that is woken through an eventfd can do.
 *
 *   bench-pingpong [--count N] [--warmup N] [--ping-cpu C] [--echo-cpu C]
 *
 * Prints one JSON line on stdout: round trips and min/p50/p99/p99.9/max/mean
 * in nanoseconds.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench-common.h"

static void die(const char *what)
{
	perror(what);
	exit(2);
}

/* Sleep until fd is readable, then consume its counter. */
static void wait_fd(int ep, int fd)
{
	struct epoll_event ev;
	uint64_t v;
	int n;

	do {
		n = epoll_wait(ep, &ev, 1, -1);
	} while (n < 0 && errno == EINTR);
	if (n != 1)
		die("bench-pingpong: epoll_wait");
	if (read(fd, &v, sizeof(v)) != sizeof(v))
		die("bench-pingpong: read");
}

static void kick(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) != sizeof(one))
		die("bench-pingpong: write");
}

static int epoll_on(int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
		die("bench-pingpong: epoll");
	return ep;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t quantile(const uint64_t *s, size_t n, double q)
{
	size_t i = (size_t)(q * (double)n);

	return s[i < n ? i : n - 1];
}

struct args {
	unsigned long count, warmup;
	int pcpu, ecpu;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: bench-pingpong [--count N] [--warmup N] "
		   "[--ping-cpu C] [--echo-cpu C]\n"
		   "Eventfd + epoll_wait round trips between two "
		   "processes; JSON on stdout.\n");
}

/* Return: 0 parsed, 1 --help printed, 2 usage error. */
static int parse_args(int argc, char **argv, struct args *a)
{
	const struct bench_opt opts[] = {
		{ "count", BENCH_OPT_ULONG, &a->count },
		{ "warmup", BENCH_OPT_ULONG, &a->warmup },
		{ "ping-cpu", BENCH_OPT_INT, &a->pcpu },
		{ "echo-cpu", BENCH_OPT_INT, &a->ecpu },
	};
	int rc = bench_parse_args(argc, argv, opts,
				  sizeof(opts) / sizeof(opts[0]), usage);

	return rc ? rc : a->count ? 0 : 2;
}

/* The echoer process: @total wake-ups on @to_echo, each answered on
 * @to_ping. */
static void echoer(const struct args *a, unsigned long total, int to_echo,
		   int to_ping)
{
	unsigned long i;
	int ep;

	pin("bench-pingpong", a->ecpu);
	ep = epoll_on(to_echo);
	for (i = 0; i < total; i++) {
		wait_fd(ep, to_echo);
		kick(to_ping);
	}
}

/* The pinger: @total round trips, the ones after the warm-up timed into a
 * new array of a->count samples. */
static uint64_t *pinger(const struct args *a, unsigned long total, int to_echo,
			int to_ping)
{
	int ep = epoll_on(to_ping);
	unsigned long i;
	uint64_t *s, t0;

	s = malloc(sizeof(*s) * a->count);
	if (!s)
		die("bench-pingpong: malloc");
	for (i = 0; i < total; i++) {
		t0 = now_ns();
		kick(to_echo);
		wait_fd(ep, to_ping);
		if (i >= a->warmup)
			s[i - a->warmup] = now_ns() - t0;
	}
	return s;
}

/* The JSON line over @a->count samples, which it sorts. */
static void report(const struct args *a, uint64_t *s)
{
	unsigned long i, count = a->count;
	uint64_t sum = 0;

	for (i = 0; i < count; i++)
		sum += s[i];
	qsort(s, count, sizeof(*s), cmp_u64);
	printf("{\"samples\":%lu,\"ping_cpu\":%d,\"echo_cpu\":%d,"
	       "\"min\":%" PRIu64 ",\"p50\":%" PRIu64 ",\"p99\":%" PRIu64
	       ",\"p999\":%" PRIu64 ",\"max\":%" PRIu64 ",\"mean\":%.1f}\n",
	       count, a->pcpu, a->ecpu, s[0], quantile(s, count, 0.50),
	       quantile(s, count, 0.99), quantile(s, count, 0.999),
	       s[count - 1], (double)sum / (double)count);
}

int main(int argc, char **argv)
{
	struct args a = { .count = 100000, .warmup = 1000, .pcpu = 1 };
	unsigned long total;
	int to_echo, to_ping, st, rc;
	uint64_t *s;
	pid_t pid;

	rc = parse_args(argc, argv, &a);
	if (rc)
		return rc == 1 ? 0 : rc;
	total = a.count + a.warmup;
	to_echo = eventfd(0, EFD_CLOEXEC);
	to_ping = eventfd(0, EFD_CLOEXEC);
	if (to_echo < 0 || to_ping < 0)
		die("bench-pingpong: eventfd");

	pid = fork();
	if (pid < 0)
		die("bench-pingpong: fork");
	if (pid == 0) {
		echoer(&a, total, to_echo, to_ping);
		_exit(0);
	}
	pin("bench-pingpong", a.pcpu);
	s = pinger(&a, total, to_echo, to_ping);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		return 1;
	report(&a, s);
	free(s);
	return 0;
}
