/* SPDX-License-Identifier: MIT */
/*
 * memif-scale's helpers: the thread cpu clock, what /proc says about this process
 * and the machine, whole-message send and receive on the driver's socket
 * pairs, the fd limit, and quantiles.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include "memif-scale.h"
#include "proc.h"

void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int count_fds(void)
{
	int n = proc_count_fds("/proc/self/fd");

	return n < 0 ? -1 : n - 1; /* the directory's own fd */
}

/* Voluntary context switches of every thread of this process. */
double voluntary_switches(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	char path[300];
	double sum = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/status",
			 e->d_name);
		sum += (double)proc_status_field(path,
						 "voluntary_ctxt_switches");
	}
	closedir(d);
	return sum;
}

double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

int send_all(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do {
		n = send(fd, buf, len, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

int recv_all(int fd, void *buf, size_t len)
{
	ssize_t n;

	do {
		n = recv(fd, buf, len, 0);
	} while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

/*
 * Room for @n interfaces of both roles' fds.  The soft limit goes to the
 * hard one; a privileged process may raise the hard one too.  Returns 0,
 * or -1 with @why filled when the limit stays too low.
 */
int raise_nofile(unsigned n, char *why, size_t len, bool quiet)
{
	rlim_t need = (rlim_t)n * FDS_PER_IFACE + FDS_SPARE;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -1;
	if (rl.rlim_cur >= need)
		return 0;
	if (rl.rlim_max < need) {
		struct rlimit up = { need, need };

		if (setrlimit(RLIMIT_NOFILE, &up) == 0) {
			if (!quiet)
				fprintf(stderr,
					"memif-scale: raised RLIMIT_NOFILE "
					"(soft and hard) from %llu/%llu to "
					"%llu for N=%u\n",
					(unsigned long long)rl.rlim_cur,
					(unsigned long long)rl.rlim_max,
					(unsigned long long)need, n);
			return 0;
		}
	}
	if (!quiet)
		fprintf(stderr,
			"memif-scale: raising RLIMIT_NOFILE from %llu to the "
			"hard limit %llu for N=%u\n",
			(unsigned long long)rl.rlim_cur,
			(unsigned long long)rl.rlim_max, n);
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur < need) {
		snprintf(why, len,
			 "RLIMIT_NOFILE hard limit %llu is below the %llu fds "
			 "that N=%u needs (ulimit -Hn, or run privileged)",
			 (unsigned long long)rl.rlim_max,
			 (unsigned long long)need, n);
		return -1;
	}
	return 0;
}

uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Busy and total jiffies of all cpus so far (/proc/stat; iowait is idle). */
int cpu_jiffies(unsigned long long *busy, unsigned long long *total)
{
	unsigned long long v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "re");
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
		   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
	fclose(f);
	if (n < 5)
		return -1;
	*total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
	*busy = *total - v[3] - v[4];
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The @q quantile (0..1) of @n values, by linear interpolation. */
double quantile(const double *v, unsigned n, double q)
{
	static double s[MAX_SAMPLES];
	double pos;
	unsigned i;

	if (!n)
		return -1;
	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(s[0]), cmp_double);
	pos = q * (n - 1);
	i = (unsigned)pos;
	return i + 1 < n ? s[i] + (pos - i) * (s[i + 1] - s[i]) : s[i];
}
