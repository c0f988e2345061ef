/* SPDX-License-Identifier: MIT */
/*
 * memif-scale's traffic measurement, on the driver's side: it plans runs
 * of phases over 1, 16 and 64 interfaces, waits for a quiet machine before
 * each, keeps the clean phases and the ratio 64:1 of each clean cycle, and
 * reduces them to medians and quartiles.
 */
#include <string.h>

#include "memif-scale.h"

const unsigned traffic_ifaces[3] = { 1, 16, 64 };

/* Send the plan to the receiver (wait for "ready") and the sender; collect
 * both replies and reports.  Returns 0, or -1 with @err filled. */
static int traffic_run(struct child *ms, struct child *sl,
		       const struct traffic_plan *plan, const int cpus[2],
		       struct phase_report *tx, struct phase_report *rx,
		       char *err, size_t len)
{
	struct request q = { .cmd = CMD_TRAFFIC_RX, .plan = *plan };
	struct reply rm, rs;

	q.plan.cpu = cpus[1];
	if (call_q(sl, &q, &rs) < 0) {
		snprintf(err, len, "traffic: %s", rs.msg);
		return -1;
	}
	q.cmd = CMD_TRAFFIC_TX;
	q.plan.cpu = cpus[0];
	if (call_q(ms, &q, &rm) < 0 || recv_all(ms->ctl, tx, sizeof(*tx)) < 0 ||
	    recv_all(sl->ctl, &rs, sizeof(rs)) < 0 || rs.status ||
	    recv_all(sl->ctl, rx, sizeof(*rx)) < 0) {
		snprintf(err, len, "traffic: %s",
			 rm.status ? rm.msg :
			 rs.status ? rs.msg :
				     "lost a role process");
		return -1;
	}
	return 0;
}

/*
 * Wait until the machine has been quiet (other processes use less than
 * QUIET_BUSY of all cpus over QUIET_SAMPLE_MS) before a traffic run, for
 * at most @max_ms: two busy-polling threads measure nothing on cpus
 * that something else wants.  Returns the ms waited beyond the first
 * sample.
 */
static unsigned wait_quiet(unsigned max_ms)
{
	unsigned long long b0, t0, b1, t1;
	unsigned waited = 0;

	for (;;) {
		if (cpu_jiffies(&b0, &t0) < 0)
			return waited;
		sleep_ms(QUIET_SAMPLE_MS);
		if (cpu_jiffies(&b1, &t1) < 0 || t1 <= t0 ||
		    (double)(b1 - b0) / (double)(t1 - t0) < QUIET_BUSY ||
		    waited >= max_ms)
			return waited;
		waited += QUIET_SAMPLE_MS;
	}
}

/* Which of @res->tr a phase's interface count is. */
static unsigned k_index(unsigned k)
{
	return k == traffic_ifaces[0] ? 0 : k == traffic_ifaces[1] ? 1 : 2;
}

/* The plan's interface counts (those <= @n) and its number of phases,
 * whole cycles; returns the number of counts. */
static unsigned plan_init(struct traffic_plan *plan, const struct opts *o,
			  unsigned n)
{
	unsigned n_k = 0;

	while (n_k < 3 && traffic_ifaces[n_k] <= n) {
		plan->ks[n_k] = (uint16_t)traffic_ifaces[n_k];
		n_k++;
	}
	plan->n_k = (uint8_t)n_k;
	plan->n_phases = o->traffic_ms / o->phase_ms / n_k * n_k;
	if (plan->n_phases > MAX_PHASES)
		plan->n_phases = MAX_PHASES / n_k * n_k;
	if (plan->n_phases < n_k)
		plan->n_phases = n_k;
	return n_k;
}

/* Phase @p counts: both threads had their cpu, and the receiver counted. */
static bool phase_clean(const struct phase_report *tx,
			const struct phase_report *rx, unsigned p)
{
	return !(tx->ph[p].share < MIN_CPU_SHARE ||
		 rx->ph[p].share < MIN_CPU_SHARE || !rx->ph[p].ns);
}

/* Each clean phase's Mpps into its interface count's samples. */
static void keep_phases(const struct traffic_plan *plan,
			const struct phase_report *tx,
			const struct phase_report *rx, struct result *res)
{
	unsigned p;

	for (p = 0; p < plan->n_phases; p++) {
		struct traffic *t = &res->tr[k_index(phase_k(plan, p))];

		if (!phase_clean(tx, rx, p)) {
			t->disturbed++;
			continue;
		}
		t->mpps[t->n] =
			(double)rx->ph[p].pkts / ((double)rx->ph[p].ns / 1e3);
		t->tx_full[t->n] = tx->ph[p].idle;
		t->rx_empty[t->n] = rx->ph[p].idle;
		t->n++;
	}
}

/* A cycle's ratio 64:1: both its phases clean. */
static void keep_ratios(const struct traffic_plan *plan,
			const struct phase_report *tx,
			const struct phase_report *rx, struct result *res)
{
	unsigned p, j, n_k = plan->n_k;

	for (p = 0; p + n_k <= plan->n_phases; p += n_k) {
		const struct phase_stat *one = NULL, *all = NULL;

		for (j = p; j < p + n_k; j++) {
			if (!phase_clean(tx, rx, j))
				continue;
			if (phase_k(plan, j) == traffic_ifaces[0])
				one = &rx->ph[j];
			else if (phase_k(plan, j) == traffic_ifaces[2])
				all = &rx->ph[j];
		}
		if (one && all && one->pkts)
			res->ratios[res->n_ratios++] =
				((double)all->pkts / (double)all->ns) /
				((double)one->pkts / (double)one->ns);
	}
}

/* Medians and extremes per interface count, quartiles of the ratios. */
static void summarize(struct result *res, unsigned n_k)
{
	unsigned k;

	for (k = 0; k < n_k; k++) {
		struct traffic *t = &res->tr[k];

		if (!t->n) {
			t->median = t->min = t->max = -1;
			continue;
		}
		t->median = quantile(t->mpps, t->n, 0.5);
		t->min = quantile(t->mpps, t->n, 0);
		t->max = quantile(t->mpps, t->n, 1);
	}
	if (res->n_ratios) {
		res->ratio64 = quantile(res->ratios, res->n_ratios, 0.5);
		res->ratio64_q1 = quantile(res->ratios, res->n_ratios, 0.25);
		res->ratio64_q3 = quantile(res->ratios, res->n_ratios, 0.75);
	}
}

/*
 * Round-robin traffic over 1, 16 and 64 interfaces (those <= N) in one
 * continuous run: the interface count changes every o->phase_ms, cycling
 * 1 16 64 64 16 1 ..., so that each cycle compares the counts within a
 * few hundred ms, faster than this VM's placement changes.  A phase is
 * clean when both threads had at least MIN_CPU_SHARE of their cpu; the
 * figures are medians over clean phases, and the ratio 64:1 the median
 * over cycles of mpps(64)/mpps(1) of that cycle.  Another run follows,
 * at most o->runs in all, while fewer than MIN_CYCLES were clean.
 */
int run_traffic(const struct opts *o, struct child *ms, struct child *sl,
		struct result *res)
{
	static struct phase_report tx, rx;
	struct traffic_plan plan = { .phase_ms = o->phase_ms };
	unsigned n_k = plan_init(&plan, o, res->n);

	for (res->runs = 0; res->runs < o->runs; res->runs++) {
		/* Enough: cycles with a ratio, or clean phases of the one
		 * interface count there is (N < 64: no ratio). */
		if ((n_k == 3 ? res->n_ratios : res->tr[0].n) >= MIN_CYCLES)
			break;
		res->quiet_wait_ms += wait_quiet(o->quiet_wait_ms);
		plan.t0_ns = now_ns() + START_MS * 1000000ull;
		if (traffic_run(ms, sl, &plan, o->cpus, &tx, &rx, res->error,
				sizeof(res->error)) < 0)
			return -1;
		keep_phases(&plan, &tx, &rx, res);
		if (n_k == 3)
			keep_ratios(&plan, &tx, &rx, res);
	}
	summarize(res, n_k);
	return 0;
}
