/* SPDX-License-Identifier: MIT */
/*
 * memif-scale: how memif-native's cost grows with the number of interfaces.
 * One process holds N master interfaces, another N slave interfaces (ids
 * 0..N-1), on one socket or on N/16 sockets; rings of 2^8, interrupt mode.
 * A third process (the one started) forks them, never calls memif_init,
 * and drives them over a socket pair with a fixed set of commands.
 *
 *   memif-scale [--n 1,64,256,1024,4096] [--layout both|one|many]
 *               [--idle-seconds 10] [--traffic-ms 3000] [--phase-ms 50]
 *               [--reconnect-ms 100] [--cpus 0,1] [--json]
 *
 * Per N and layout it measures: the time from the slave process's start
 * until on_connect has run for every interface on both sides, and again
 * after the master process is SIGKILLed and started anew (the slaves retry
 * every --reconnect-ms); heap (mallinfo2, one arena), anonymous RSS and fds
 * per interface on each side; CPU time and voluntary context switches of
 * each process over --idle-seconds with everything connected and no
 * traffic; one packet on every interface, received by waiting on each
 * interface's memif_get_interrupt_fd (time until all N arrived); and 64-byte
 * packets sent round-robin over 1, 16 and 64 interfaces by one thread and
 * received by one thread (polling), aggregate Mpps.
 *
 * The traffic figures are made to repeat (run_traffic): the sender
 * (master) and the receiver (slave) are pinned to two different cpus; both
 * back off with PAUSEs when a whole round over their interfaces did
 * nothing, as memif-perf does; one continuous run switches between 1, 16
 * and 64 interfaces every --phase-ms (1 16 64 64 16 1 ...), so each cycle
 * compares them within a few hundred ms, faster than the host moves this
 * VM's vCPUs; the start of each phase is not counted, nor a phase in which
 * either thread had less than 90 % of its cpu (another process ran
 * there).  The table gives medians over phases and the median over cycles
 * of the ratio 64:1.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "memif-scale.h"

/* The table's legend, or nothing with --json. */
static void print_intro(const struct opts *o)
{
	if (o->traffic_ms && o->cpus[0] < 0)
		fprintf(stderr,
			"memif-scale: traffic threads not pinned (fewer "
			"than two cpus, or --cpus -1,-1): expect the "
			"Mpps figures to wander\n");
	if (o->json)
		return;
	printf("# rings 2^%d, buffers 2048 B, interrupt mode; slaves "
	       "reconnect every %u ms; idle %u s; per-interface "
	       "figures are\n# deltas over the run on the master (M) "
	       "and slave (S) side, shared memory excluded\n",
	       LOG2_RING, o->reconnect_ms, o->idle_s);
	print_header();
}

/* The JSON into o->json_file as well.  Return: 0, or -1 (said why). */
static int write_json_file(const struct result *rs, unsigned n,
			   const struct opts *o)
{
	FILE *f = fopen(o->json_file, "we");

	if (!f) {
		fprintf(stderr, "memif-scale: %s: %s\n", o->json_file,
			strerror(errno));
		return -1;
	}
	print_json(f, rs, n, o);
	if (fclose(f)) {
		fprintf(stderr, "memif-scale: %s: %s\n", o->json_file,
			strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct result *rs;
	unsigned i, k, n_rs = 0, failed = 0;
	int l, rc;

	rc = opts_parse(argc, argv, &o);
	if (rc)
		return rc == 1 ? 0 : rc;
	rs = calloc(o.n_ns * 2, sizeof(*rs));
	if (!rs)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	print_intro(&o);
	for (l = 0; l < 2; l++)
		for (i = 0; i < o.n_ns; i++) {
			struct result *r = &rs[n_rs++];

			if (!o.layouts[l])
				continue;
			if (run_case(&o, o.ns[i], (enum layout)l, r) < 0)
				failed++;
			if (!o.json)
				print_row(r);
		}
	/* The cases run, without the layouts left out. */
	for (i = 0, k = 0; i < n_rs; i++)
		if (rs[i].n)
			rs[k++] = rs[i];
	n_rs = k;
	if (o.json)
		print_json(stdout, rs, n_rs, &o);
	else if (o.traffic_ms)
		print_traffic(rs, n_rs, &o);
	if (o.json_file && write_json_file(rs, n_rs, &o) < 0)
		failed++;
	free(rs);
	return failed ? 1 : 0;
}
