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

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fprintf(stderr, "bench-pingpong: cannot pin to cpu %d: %s\n",
			cpu, strerror(errno));
}

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

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "ping-cpu", required_argument, NULL, 'p' },
		{ "echo-cpu", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long count = 100000, warmup = 1000, i, total;
	int pcpu = 1, ecpu = 0, c, to_echo, to_ping, st;
	uint64_t *s, t0, sum = 0;
	pid_t pid;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'n':
			count = strtoul(optarg, NULL, 0);
			break;
		case 'w':
			warmup = strtoul(optarg, NULL, 0);
			break;
		case 'p':
			pcpu = atoi(optarg);
			break;
		case 'e':
			ecpu = atoi(optarg);
			break;
		case 'h':
			printf("usage: bench-pingpong [--count N] [--warmup N] "
			       "[--ping-cpu C] [--echo-cpu C]\n"
			       "Eventfd + epoll_wait round trips between two "
			       "processes; JSON on stdout.\n");
			return 0;
		default:
			return 2;
		}
	}
	if (!count)
		return 2;
	total = count + warmup;
	to_echo = eventfd(0, EFD_CLOEXEC);
	to_ping = eventfd(0, EFD_CLOEXEC);
	if (to_echo < 0 || to_ping < 0)
		die("bench-pingpong: eventfd");

	pid = fork();
	if (pid < 0)
		die("bench-pingpong: fork");
	if (pid == 0) {
		int ep;

		pin(ecpu);
		ep = epoll_on(to_echo);
		for (i = 0; i < total; i++) {
			wait_fd(ep, to_echo);
			kick(to_ping);
		}
		_exit(0);
	}

	pin(pcpu);
	{
		int ep = epoll_on(to_ping);

		s = malloc(sizeof(*s) * count);
		if (!s)
			die("bench-pingpong: malloc");
		for (i = 0; i < total; i++) {
			t0 = now_ns();
			kick(to_echo);
			wait_fd(ep, to_ping);
			if (i >= warmup)
				s[i - warmup] = now_ns() - t0;
		}
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		return 1;
	for (i = 0; i < count; i++)
		sum += s[i];
	qsort(s, count, sizeof(*s), cmp_u64);
	printf("{\"samples\":%lu,\"ping_cpu\":%d,\"echo_cpu\":%d,"
	       "\"min\":%" PRIu64 ",\"p50\":%" PRIu64 ",\"p99\":%" PRIu64
	       ",\"p999\":%" PRIu64 ",\"max\":%" PRIu64 ",\"mean\":%.1f}\n",
	       count, pcpu, ecpu, s[0], quantile(s, count, 0.50),
	       quantile(s, count, 0.99), quantile(s, count, 0.999),
	       s[count - 1], (double)sum / (double)count);
	free(s);
	return 0;
}
