/* SPDX-License-Identifier: MIT */
/*
 * A role process's side of a memif-scale traffic run: one thread, pinned,
 * sends (master) or receives (slave) round-robin bursts over the
 * interfaces of the current phase and counts what moved in each phase.
 */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "memif-scale.h"

/* Pin the calling thread to @cpu, keeping its old mask in @saved; a
 * negative @cpu leaves it where it is. */
static int pin_self(int cpu, cpu_set_t *saved, struct reply *r)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	if (sched_getaffinity(0, sizeof(*saved), saved) < 0)
		goto fail;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		goto fail;
	return 0;
fail:
	r->status = errno;
	snprintf(r->msg, sizeof(r->msg), "pin to cpu %d: %s", cpu,
		 strerror(errno));
	return -1;
}

static void unpin_self(int cpu, const cpu_set_t *saved)
{
	if (cpu >= 0)
		sched_setaffinity(0, sizeof(*saved), saved);
}

static void set_polling(unsigned k, bool polling)
{
	unsigned i;

	for (i = 0; i < k; i++)
		if (memif_set_rx_mode(role.ifs[i], 0,
				      polling ? MEMIF_RX_MODE_POLLING :
						MEMIF_RX_MODE_INTERRUPT))
			fprintf(stderr, "memif-scale: rx mode of %u\n", i);
}

/* Rounds over @k interfaces between two looks at the clock. */
static unsigned clock_every(unsigned k)
{
	return k >= CLOCK_EVERY ? 1 : CLOCK_EVERY / k;
}

/* The interface count of phase @p: the counts in order, then backwards in
 * the next cycle (1 16 64 64 16 1 ...). */
unsigned phase_k(const struct traffic_plan *pl, uint64_t p)
{
	uint64_t c = p / pl->n_k, j = p % pl->n_k;

	return pl->ks[c % 2 ? pl->n_k - 1 - j : j];
}

/* A traffic loop's state between two looks at the clock. */
struct tloop {
	const struct traffic_plan *pl;
	struct phase_report *rep;
	uint64_t P, end; /* phase length; end of the last phase */
	uint64_t moved, bursts, idle_bursts, last_moved;
	uint64_t prev, cpu_start, wall_start;
	uint64_t cur; /* the phase of the last reading */
	unsigned k, k_max, every;
};

/* One round: a burst on each of the first tl->k interfaces.  Whether any
 * moved a packet. */
static bool one_round(struct tloop *tl, bool tx, struct memif_tx_pkt *tpk,
		      struct memif_rx_pkt *rpk)
{
	bool any = false;
	unsigned i;

	for (i = 0; i < tl->k; i++) {
		uint16_t n = 0;
		int ret = tx ? memif_tx_burst(role.ifs[i], 0, tpk, BURST, &n) :
			       memif_rx_burst(role.ifs[i], 0, rpk, BURST, &n);

		tl->bursts++;
		if (ret || !n) {
			tl->idle_bursts++;
			continue;
		}
		tl->moved += n;
		any = true;
	}
	return any;
}

/* The packets moved since the previous reading count for its phase when
 * both readings lie in it, past its first GUARD_MS. */
static void count_moved(struct tloop *tl, uint64_t now)
{
	const struct traffic_plan *pl = tl->pl;
	const uint64_t guard = GUARD_MS * 1000000ull;

	if (tl->moved)
		tl->last_moved = now;
	if (tl->prev >= pl->t0_ns && tl->prev < tl->end) {
		uint64_t p = (tl->prev - pl->t0_ns) / tl->P;

		if (now < pl->t0_ns + (p + 1) * tl->P &&
		    tl->prev - pl->t0_ns - p * tl->P >= guard) {
			tl->rep->ph[p].pkts += tl->moved;
			tl->rep->ph[p].ns += now - tl->prev;
		}
	}
	tl->moved = 0;
	tl->prev = now;
}

/* At a phase change: the phase that ended gets its cpu share and idle
 * share, and the interface count becomes the new phase's. */
static void next_phase(struct tloop *tl, uint64_t now)
{
	const struct traffic_plan *pl = tl->pl;
	uint64_t p, c;

	if (now < pl->t0_ns)
		return;
	p = (now - pl->t0_ns) / tl->P;
	if (p == tl->cur)
		return;
	c = thread_cpu_ns();
	if (tl->cur < pl->n_phases) {
		struct phase_stat *ph = &tl->rep->ph[tl->cur];

		ph->share = (float)((double)(c - tl->cpu_start) /
				    (double)(now - tl->wall_start));
		ph->idle = tl->bursts ? (float)((double)tl->idle_bursts /
						(double)tl->bursts) :
					0;
	}
	tl->cur = p;
	tl->cpu_start = c;
	tl->wall_start = now;
	tl->bursts = tl->idle_bursts = 0;
	/* After the last phase the sender stops and the receiver drains
	 * every ring. */
	tl->k = p < pl->n_phases ? phase_k(pl, p) : tl->k_max;
	tl->every = clock_every(tl->k);
}

/*
 * One side of a traffic run, on one thread pinned to pl->cpu: round-robin
 * bursts over the interfaces of the current phase (the sender from t0 to
 * the end of the last phase, the receiver from its ready reply until the
 * rings have been quiet for QUIET_MS after it).  Every CLOCK_EVERY bursts
 * or so it reads the clock: the packets moved since the previous reading
 * count for the phase when both readings lie in it, past its first
 * GUARD_MS (what was left in the rings from the phase before).  At each
 * phase change it notes its thread cpu time, so each phase has its share
 * of a cpu.
 */
static void traffic_loop(bool tx, const struct traffic_plan *pl,
			 struct phase_report *rep)
{
	static const uint8_t frame[PKT_LEN];
	struct memif_tx_pkt tpk[BURST];
	struct memif_rx_pkt rpk[BURST];
	struct tloop tl = { .pl = pl, .rep = rep, .cur = UINT64_MAX };
	unsigned i, idle = 0, rounds = 0;
	uint64_t now;

	for (i = 0; i < BURST; i++) {
		tpk[i].data = frame;
		tpk[i].len = PKT_LEN;
	}
	for (i = 0; i < pl->n_k; i++)
		if (pl->ks[i] > tl.k_max)
			tl.k_max = pl->ks[i];
	tl.P = pl->phase_ms * 1000000ull;
	tl.end = pl->t0_ns + pl->n_phases * tl.P;
	tl.k = pl->ks[0];
	tl.every = clock_every(tl.k);
	rep->n = pl->n_phases;
	if (tx)
		while (now_ns() < pl->t0_ns)
			;
	tl.prev = tl.last_moved = now_ns();
	for (;;) {
		if (one_round(&tl, tx, tpk, rpk))
			idle = 0;
		else
			idle_backoff(&idle);
		if (++rounds < tl.every)
			continue;
		rounds = 0;
		now = now_ns();
		count_moved(&tl, now);
		next_phase(&tl, now);
		if (now >= tl.end &&
		    (tx || now - tl.last_moved > QUIET_MS * 1000000ull ||
		     now - tl.end > DRAIN_MAX_MS * 1000000ull))
			break;
	}
}

/* Pin, run the loop, unpin; the reply, then the per-phase report.  The
 * receiver switches to polling first and says when it is ready. */
void do_traffic(int ctl, bool tx, const struct traffic_plan *pl,
		struct reply *r)
{
	static struct phase_report rep;
	struct reply ready = { 0 };
	unsigned i, k_max = 0;
	cpu_set_t saved;

	memset(&rep, 0, sizeof(rep));
	for (i = 0; i < pl->n_k; i++)
		if (pl->ks[i] > k_max)
			k_max = pl->ks[i];
	if (!pl->n_k || pl->n_k > 3 || k_max > role.n ||
	    pl->n_phases > MAX_PHASES || !pl->phase_ms) {
		r->status = EINVAL;
		snprintf(r->msg, sizeof(r->msg), "bad traffic plan");
		return;
	}
	if (pin_self(pl->cpu, &saved, r) < 0)
		return;
	if (!tx) {
		set_polling(k_max, true);
		if (send_all(ctl, &ready, sizeof(ready)) < 0)
			_exit(1);
	}
	r->t_ns = now_ns();
	traffic_loop(tx, pl, &rep);
	r->t2_ns = now_ns();
	if (!tx)
		set_polling(k_max, false);
	unpin_self(pl->cpu, &saved);
	if (send_all(ctl, r, sizeof(*r)) < 0 ||
	    send_all(ctl, &rep, sizeof(rep)) < 0)
		_exit(1);
	r->status = -1; /* replied: role_serve sends nothing more */
}
