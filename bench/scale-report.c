/* SPDX-License-Identifier: MIT */
/*
 * memif-scale's output: the table (a row per case as it ends, then the
 * spread behind the traffic medians) and the JSON (bench/scale-plot.py and
 * bench/runbench read its keys).
 */
#include <inttypes.h>

#include "memif-scale.h"

static const char *layout_name(enum layout l)
{
	return l == LAYOUT_ONE ? "one" : "many";
}

void print_header(void)
{
	printf("%5s %5s %8s %8s | %7s %7s %7s %7s %5s %5s | %6s %6s %5s %5s "
	       "| %8s %7s | %6s %6s %6s %5s\n",
	       "N", "socks", "conn_s", "reconn_s", "heapM", "heapS", "rssM",
	       "rssS", "fdM", "fdS", "cpuM_s", "cpuS_s", "cswM", "cswS",
	       "irq_ms", "irq_us", "mpps1", "mpps16", "mpps64", "64:1");
}

void print_row(const struct result *r)
{
	if (r->error[0]) {
		printf("%5u %5u  failed: %s\n", r->n, r->n_sockets, r->error);
		return;
	}
	printf("%5u %5u %8.3f %8.3f | %7.0f %7.0f %7.0f %7.0f %5.2f %5.2f | "
	       "%6.3f %6.3f %5.0f %5.0f | %8.2f %7.2f | %6.2f %6.2f %6.2f "
	       "%5.2f\n",
	       r->n, r->n_sockets, r->connect_s, r->reconnect_s,
	       r->mem[0].heap_b, r->mem[1].heap_b, r->mem[0].rss_b,
	       r->mem[1].rss_b, r->mem[0].fds, r->mem[1].fds, r->idle[0].cpu_s,
	       r->idle[1].cpu_s, r->idle[0].vcsw, r->idle[1].vcsw,
	       r->irq_total_ms, r->irq_ns_per_pkt / 1e3, r->tr[0].median,
	       r->tr[1].median, r->tr[2].median, r->ratio64);
	fflush(stdout);
}

/* The spread behind the medians: one line per case and interface count. */
void print_traffic(const struct result *rs, unsigned n, const struct opts *o)
{
	unsigned i, k;

	printf("\n# traffic: 64 B round-robin, one sender thread (master, cpu "
	       "%d) -> one receiver thread (slave, cpu %d), polling;\n# the "
	       "interface count changes every %u ms (1 16 64 64 16 1 ...), "
	       "%u ms per run; a phase counts when both threads had >= %.0f "
	       "%% of a cpu;\n# Mpps over the clean phases; txfull/rxempty: "
	       "median share of bursts that found the ring full/empty;\n# "
	       "64:1 = median and quartiles over cycles of mpps(64)/mpps(1) "
	       "within the cycle\n",
	       o->cpus[0], o->cpus[1], o->phase_ms, o->traffic_ms,
	       MIN_CPU_SHARE * 100);
	printf("%5s %5s %4s | %7s %7s %7s | %9s %6s %7s\n", "N", "socks", "k",
	       "median", "min", "max", "clean", "txfull", "rxempty");
	for (i = 0; i < n; i++) {
		const struct result *res = &rs[i];

		if (!res->n || res->error[0])
			continue;
		for (k = 0; k < 3; k++) {
			const struct traffic *t = &res->tr[k];

			if (!t->n && !t->disturbed)
				continue;
			printf("%5u %5u %4u | %7.2f %7.2f %7.2f | %4u/%-4u %6.2f "
			       "%7.2f\n",
			       res->n, res->n_sockets, traffic_ifaces[k],
			       t->median, t->min, t->max, t->n,
			       t->n + t->disturbed,
			       quantile(t->tx_full, t->n, 0.5),
			       quantile(t->rx_empty, t->n, 0.5));
		}
		if (res->n_ratios)
			printf("%5u %5u 64:1 | %7.2f %7.2f %7.2f | %4u cycles, %u "
			       "run(s), waited %.1f s for quiet\n",
			       res->n, res->n_sockets, res->ratio64,
			       res->ratio64_q1, res->ratio64_q3, res->n_ratios,
			       res->runs, res->quiet_wait_ms / 1e3);
	}
}

/* A case's traffic figures: medians, ratios, then each count's phases. */
static void json_traffic(FILE *f, const struct result *r)
{
	unsigned k, j;

	fprintf(f, ", \"mpps\": {");
	for (k = 0; k < 3; k++)
		fprintf(f, "%s\"%u\": %.3f", k ? ", " : "", traffic_ifaces[k],
			r->tr[k].median);
	fprintf(f,
		"}, \"mpps_ratio_64_to_1\": %.3f, \"ratio_q1\": %.3f, "
		"\"ratio_q3\": %.3f, \"traffic_runs\": %u, "
		"\"quiet_wait_ms\": %u, \"ratios\": [",
		r->ratio64, r->ratio64_q1, r->ratio64_q3, r->runs,
		r->quiet_wait_ms);
	for (k = 0; k < r->n_ratios; k++)
		fprintf(f, "%s%.3f", k ? ", " : "", r->ratios[k]);
	fprintf(f, "], \"traffic\": {");
	for (k = 0; k < 3; k++) {
		const struct traffic *t = &r->tr[k];

		if (!t->n && !t->disturbed)
			break;
		fprintf(f,
			"%s\"%u\": {\"clean_phases\": %u, "
			"\"disturbed_phases\": %u, \"min\": %.3f, "
			"\"max\": %.3f, \"mpps\": [",
			k ? ", " : "", traffic_ifaces[k], t->n, t->disturbed,
			t->min, t->max);
		for (j = 0; j < t->n; j++)
			fprintf(f, "%s%.2f", j ? ", " : "", t->mpps[j]);
		fprintf(f, "]}");
	}
	fprintf(f, "}");
}

/* One case's object, without its closing brace. */
static void json_case(FILE *f, const struct result *r)
{
	unsigned k;

	fprintf(f, ", \"connect_s\": %.4f, \"reconnect_s\": %.4f", r->connect_s,
		r->reconnect_s);
	fprintf(f,
		", \"slave_ready_s\": %.4f, \"restart\": "
		"{\"reaped_s\": %.4f, \"bound_s\": %.4f, "
		"\"ready_s\": %.4f}",
		r->slave_ready_s, r->reaped_s, r->bound_s, r->master_ready_s);
	for (k = 0; k < 2; k++)
		fprintf(f,
			", \"%s\": {\"heap_bytes_per_if\": %.0f, "
			"\"rss_anon_bytes_per_if\": %.0f, "
			"\"fds_per_if\": %.3f, \"idle_cpu_s\": %.4f, "
			"\"idle_voluntary_csw\": %.0f}",
			k ? "slave" : "master", r->mem[k].heap_b,
			r->mem[k].rss_b, r->mem[k].fds, r->idle[k].cpu_s,
			r->idle[k].vcsw);
	fprintf(f,
		", \"irq_received\": %" PRIu64
		", \"irq_total_ms\": %.3f, \"irq_ns_per_pkt\": %.0f",
		r->irq_received, r->irq_total_ms, r->irq_ns_per_pkt);
	json_traffic(f, r);
}

void print_json(FILE *f, const struct result *rs, unsigned n,
		const struct opts *o)
{
	unsigned i;

	fprintf(f,
		"{\"ring_log2\": %d, \"reconnect_ms\": %u, \"idle_seconds\": "
		"%u, \"traffic\": {\"run_ms\": %u, \"phase_ms\": %u, "
		"\"guard_ms\": %d, \"min_cpu_share\": %.2f, \"tx_cpu\": "
		"%d, \"rx_cpu\": %d}, "
		"\"results\": [",
		LOG2_RING, o->reconnect_ms, o->idle_s, o->traffic_ms,
		o->phase_ms, GUARD_MS, MIN_CPU_SHARE, o->cpus[0], o->cpus[1]);
	for (i = 0; i < n; i++) {
		const struct result *r = &rs[i];

		fprintf(f,
			"%s\n {\"n\": %u, \"layout\": \"%s\", \"sockets\": %u",
			i ? "," : "", r->n, layout_name(r->layout),
			r->n_sockets);
		if (r->error[0]) {
			fprintf(f, ", \"error\": \"%s\"}", r->error);
			continue;
		}
		json_case(f, r);
		fprintf(f, "}");
	}
	fprintf(f, "\n]}\n");
}
