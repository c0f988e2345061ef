/* SPDX-License-Identifier: MIT */
/*
 * memif-perf with no arguments: both ends of a memif link in two
 * processes, four short runs, one table.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "memif-perf.h"

/* The command line's defaults, as a slave with no time limit, saying
 * nothing: demo_opts() sets the roles and the sender's --duration. */
static void demo_defaults(struct opts *o)
{
	opts_defaults(o);
	o->master = false;
	o->duration = 0;
	o->wait_timeout = 5;
	o->silent = true;
	o->quiet = true;
}

struct demo_case {
	bool s2m; /* the slave sends */
	unsigned int size;
};

/* Both ends' options for @dc on @sock; each pinned to its own cpu when
 * there are two. */
static void demo_opts(const struct demo_case *dc, const char *sock,
		      long ncpu, struct opts *mo, struct opts *so)
{
	demo_defaults(mo);
	demo_defaults(so);
	mo->master = true;
	mo->socket = so->socket = sock;
	mo->size = so->size = dc->size;
	if (ncpu >= 2) {
		mo->cpus[0] = 0;
		so->cpus[0] = 1;
		mo->ncpus = so->ncpus = 1;
	}
	/* The sender stops after 2 s; the receiver stops when the sender
	 * closes. */
	mo->mode = dc->s2m ? MODE_RX : MODE_TX;
	so->mode = dc->s2m ? MODE_TX : MODE_RX;
	(dc->s2m ? so : mo)->duration = 2;
	(dc->s2m ? mo : so)->duration = 10;
}

/* The slave in a child, which hands its result back through a pipe, and
 * the master here.  Return: 0 both results in, 1 the child's is missing,
 * -1 no pipe or no child (said on stderr). */
static int demo_pair(const struct opts *mo, const struct opts *so,
		     struct result *mres, struct result *sres)
{
	int fds[2], st;
	pid_t pid;
	ssize_t r;

	if (pipe(fds)) {
		perror("memif-perf: pipe");
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		perror("memif-perf: fork");
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		run(so, sres);
		r = write(fds[1], sres, sizeof(*sres));
		_exit(r == (ssize_t)sizeof(*sres) ? 0 : 1);
	}
	close(fds[1]);
	run(mo, mres);
	memset(sres, 0, sizeof(*sres));
	r = read(fds[0], sres, sizeof(*sres));
	close(fds[0]);
	waitpid(pid, &st, 0);
	return r == (ssize_t)sizeof(*sres) ? 0 : 1;
}

/* The table's line for @dc.  Return: 1 if the case failed: no result, no
 * connection, nothing received, or any loss or corruption. */
static int demo_row(const struct demo_case *dc, bool got,
		    const struct result *mres, const struct result *sres)
{
	const struct result *rx = dc->s2m ? mres : sres;
	const struct result *tx = dc->s2m ? sres : mres;
	const char *dir = dc->s2m ? "slave -> master" : "master -> slave";

	if (!got || !mres->connected || !sres->connected) {
		printf("%-17s %6u   failed (no connection or child died)\n",
		       dir, dc->size);
		return 1;
	}
	printf("%-17s %6u %10.2f %10.2f %10" PRIu64 " %8" PRIu64 "\n", dir,
	       dc->size, mpps(rx->rx_pkts, rx->rx_secs),
	       gbps(rx->rx_bytes, rx->rx_secs),
	       tx->tx_pkts > rx->rx_pkts ? tx->tx_pkts - rx->rx_pkts : 0,
	       rx->corrupt);
	fflush(stdout);
	return rx->corrupt || rx->loss || tx->tx_pkts != rx->rx_pkts ||
	       !rx->rx_pkts;
}

/* Both ends in two processes (master here, slave in a child), each pinned
 * to its own core when there are two; slave->master then master->slave at
 * 64 and 1,500 bytes.  About 10 s. */
int demo(void)
{
	static const struct demo_case cases[] = {
		{ true, 64 }, { true, 1500 }, { false, 64 }, { false, 1500 }
	};
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	struct result mres, sres;
	struct opts mo, so;
	char sock[64];
	unsigned int c;
	int rc, bad = 0;

	printf("memif-perf demo: a master and a slave in two processes over "
	       "an abstract socket,\n"
	       "1 queue, polling, copy path, headers-only fill, burst 32, "
	       "2 s per run%s\n\n",
	       ncpu >= 2 ? "; master on cpu 0, slave on cpu 1" :
			   " (one cpu: both share it)");
	printf("%-17s %6s %10s %10s %10s %8s\n", "direction", "bytes",
	       "Mpps", "Gbps", "lost", "corrupt");
	fflush(stdout);
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		snprintf(sock, sizeof(sock), "@memif-perf-demo-%ld-%u",
			 (long)getpid(), c);
		demo_opts(&cases[c], sock, ncpu, &mo, &so);
		rc = demo_pair(&mo, &so, &mres, &sres);
		if (rc < 0)
			return 2;
		bad |= demo_row(&cases[c], rc == 0, &mres, &sres);
	}
	printf("\nMpps and Gbps measured by the receiver (frame bytes, no "
	       "preamble/IFG).\nThe tool: memif-perf --help\n");
	return bad;
}
