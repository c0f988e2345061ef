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

static void demo_defaults(struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->queues = 1;
	o->ring_log2 = 10;
	o->buffer_size = 2048;
	o->burst = 32;
	o->size = 64;
	o->wait_timeout = 5;
	o->silent = true;
	o->quiet = true;
}

/* Both ends in two processes (master here, slave in a child), each pinned
 * to its own core when there are two; slave->master then master->slave at
 * 64 and 1,500 bytes.  About 10 s. */
int demo(void)
{
	static const struct {
		bool s2m;
		unsigned int size;
	} cases[] = { { true, 64 }, { true, 1500 }, { false, 64 },
		      { false, 1500 } };
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	char sock[64];
	struct result mres, sres, *rx, *tx;
	struct opts mo, so;
	unsigned int c;
	int fds[2], st, bad = 0;
	pid_t pid;
	ssize_t r;

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
		demo_defaults(&mo);
		demo_defaults(&so);
		mo.master = true;
		mo.socket = so.socket = sock;
		mo.size = so.size = cases[c].size;
		if (ncpu >= 2) {
			mo.cpus[0] = 0;
			so.cpus[0] = 1;
			mo.ncpus = so.ncpus = 1;
		}
		/* The sender stops after 2 s; the receiver stops when the
		 * sender closes. */
		mo.mode = cases[c].s2m ? MODE_RX : MODE_TX;
		so.mode = cases[c].s2m ? MODE_TX : MODE_RX;
		(cases[c].s2m ? &so : &mo)->duration = 2;
		(cases[c].s2m ? &mo : &so)->duration = 10;
		if (pipe(fds)) {
			perror("memif-perf: pipe");
			return 2;
		}
		pid = fork();
		if (pid < 0) {
			perror("memif-perf: fork");
			return 2;
		}
		if (pid == 0) {
			close(fds[0]);
			run(&so, &sres);
			r = write(fds[1], &sres, sizeof(sres));
			_exit(r == (ssize_t)sizeof(sres) ? 0 : 1);
		}
		close(fds[1]);
		run(&mo, &mres);
		memset(&sres, 0, sizeof(sres));
		r = read(fds[0], &sres, sizeof(sres));
		close(fds[0]);
		waitpid(pid, &st, 0);
		rx = cases[c].s2m ? &mres : &sres;
		tx = cases[c].s2m ? &sres : &mres;
		if (r != (ssize_t)sizeof(sres) || !mres.connected ||
		    !sres.connected) {
			printf("%-17s %6u   failed (no connection or child "
			       "died)\n", cases[c].s2m ? "slave -> master" :
							 "master -> slave",
			       cases[c].size);
			bad = 1;
			continue;
		}
		printf("%-17s %6u %10.2f %10.2f %10" PRIu64 " %8" PRIu64 "\n",
		       cases[c].s2m ? "slave -> master" : "master -> slave",
		       cases[c].size, mpps(rx->rx_pkts, rx->rx_secs),
		       gbps(rx->rx_bytes, rx->rx_secs),
		       tx->tx_pkts > rx->rx_pkts ? tx->tx_pkts - rx->rx_pkts :
						   0,
		       rx->corrupt);
		fflush(stdout);
		if (rx->corrupt || rx->loss || tx->tx_pkts != rx->rx_pkts ||
		    !rx->rx_pkts)
			bad = 1;
	}
	printf("\nMpps and Gbps measured by the receiver (frame bytes, no "
	       "preamble/IFG).\nThe tool: memif-perf --help\n");
	return bad;
}
