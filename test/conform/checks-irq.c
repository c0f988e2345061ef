/* SPDX-License-Identifier: MIT */
/*
 * Checks of interrupts, in both roles: when the IUT signals, what it does
 * after one signal, after none, after spurious ones and under a storm.
 */
#include <unistd.h>

#include "checks.h"

/* ---- both roles ---------------------------------------------------------- */

static uint64_t efd_take(int efd)
{
	uint64_t v = 0;

	if (read(efd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

static enum cf_result signal_on(struct cf_run *r, struct cf_peer *p,
				long masked)
{
	struct cf_traffic t = {
		.packets = 16, .min_len = 60, .max_len = 200, .window = 1
	};
	struct cf_ring *rx = cf_rx_ring(p, 0);
	uint64_t v;

	cf_write_once(&rx->ring->flags, masked ? MEMIF_RING_FLAG_MASK_INT : 0);
	cf_fence();
	cf_sleep_ms(20);
	efd_take(rx->efd);
	if (cf_echo(r, p, &t) < 0)
		return CF_FAIL;
	cf_sleep_ms(20);
	v = efd_take(rx->efd);
	cf_note(r, "eventfd counter %llu after 16 echoes one by one",
		(unsigned long long)v);
	return (masked ? v == 0 : v >= 1 && v <= 16) ? CF_PASS : CF_FAIL;
}

/* C62: the IUT signals our RX ring only while we leave MASK_INT clear. */
enum cf_result c62_signal(struct cf_run *r, long masked)
{
	return cf_on_peer(r, cf_peer_warm_any(r), signal_on, masked);
}

static enum cf_result late_on(struct cf_run *r, struct cf_peer *p, long arg)
{
	uint8_t pkt[128];

	cf_sleep_ms(50);
	if (cf_read_once(&cf_tx_ring(p, 0)->ring->flags) &
	    MEMIF_RING_FLAG_MASK_INT)
		return cf_na(r, "the IUT polls %s (MASK_INT set)",
			     p->we_master ? "M2S" : "S2M");
	cf_pkt_fill(pkt, sizeof(pkt), p->seq++);
	cf_tx_stage(p, 0, pkt, sizeof(pkt), 0);
	cf_tx_publish(p, 0); /* no signal */
	if (cf_wait_echo(r, p, 300) == 1) {
		return cf_pass(r, "handled without a signal");
	}
	cf_tx_kick(p, 0, true);
	if (cf_wait_echo(r, p, r->o->timeout_ms) != 1)
		return CF_FAIL;
	return cf_pass(r, "handled after the next signal");
}

/* C64: packets published with no signal are handled after the next. */
enum cf_result c64_late(struct cf_run *r, long arg)
{
	return cf_on_peer(r, cf_peer_warm_any(r), late_on, 0);
}

static enum cf_result spurious_on(struct cf_run *r, struct cf_peer *p, long arg)
{
	uint64_t v = 5;
	int i;

	for (i = 0; i < 10; i++)
		if (write(cf_tx_ring(p, 0)->efd, &v, sizeof(v)) < 0)
			break;
	cf_sleep_ms(50);
	if (cf_echo_one(r, p, 100) != 0)
		return CF_FAIL;
	return cf_pass(r, "10 signals of value 5 with no packet tolerated");
}

/* C65: spurious signals, with no packet and with values > 1. */
enum cf_result c65_spurious(struct cf_run *r, long arg)
{
	return cf_on_peer(r, cf_peer_warm_any(r), spurious_on, 0);
}

static enum cf_result storm_on(struct cf_run *r, struct cf_peer *p, long arg)
{
	uint64_t v = 1, end, n = 0, c0, c1;
	int efd = cf_tx_ring(p, 0)->efd;

	c0 = cf_iut_cpu_ticks(r);
	end = cf_now_ms() + 1000;
	while (cf_now_ms() < end) {
		int i;

		for (i = 0; i < 256; i++)
			n += write(efd, &v, sizeof(v)) > 0;
	}
	c1 = cf_iut_cpu_ticks(r);
	if (cf_echo_one(r, p, 100) != 0)
		return CF_FAIL;
	return cf_pass(r,
		       "%llu signals in 1 s; IUT CPU %llu ticks; still echoes",
		       (unsigned long long)n, (unsigned long long)(c1 - c0));
}

/* J1: an interrupt storm keeps the IUT working. */
enum cf_result j1_storm(struct cf_run *r, long arg)
{
	return cf_on_peer(r, cf_peer_warm_any(r), storm_on, 0);
}

static enum cf_result batch_on(struct cf_run *r, struct cf_peer *p, long arg)
{
	uint8_t pkt[128], rbuf[2048];
	unsigned i, got = 0, n = 256;
	uint64_t end;
	bool polling;

	cf_sleep_ms(50);
	polling = cf_read_once(&cf_tx_ring(p, 0)->ring->flags) &
		  MEMIF_RING_FLAG_MASK_INT;
	cf_note(r, "the IUT %s on %s",
		polling ? "polls (MASK_INT set)" : "wants interrupts",
		p->we_master ? "M2S" : "S2M");
	if (p->we_master) {
		n = p->m2s[0].size / 2 < 256 ? p->m2s[0].size / 2 : 256;
		if (p->s2m[0].size / 2 < n)
			n = p->s2m[0].size / 2;
	}
	for (i = 0; i < n; i++) {
		cf_pkt_fill(pkt, sizeof(pkt), p->seq++);
		if (cf_tx_stage(p, 0, pkt, sizeof(pkt), 0) < 0)
			return CF_FAIL;
	}
	cf_tx_publish(p, 0);
	cf_tx_kick(p, 0, false); /* one signal at most, for all of them */
	end = cf_now_ms() + (uint64_t)r->o->timeout_ms;
	while (got < n && cf_now_ms() < end) {
		uint32_t len, seq;
		int e = cf_rx_one(p, 0, rbuf, sizeof(rbuf), &len);

		if (e < 0)
			return CF_FAIL;
		if (e == 1 && cf_pkt_check(rbuf, len, &seq))
			got++;
		else if (!e)
			cf_sleep_ms(1);
	}
	cf_note(r, "%u of %u packets echoed after a single signal", got, n);
	return got == n ? CF_PASS : CF_FAIL;
}

/* C63: the IUT sets its RX mode at connect and, in interrupt mode,
 * processes a large batch after one signal: 256 packets (we master, as
 * many as half the smaller ring holds, up to 256). */
enum cf_result c63_batch(struct cf_run *r, long arg)
{
	return cf_on_peer(r,
			  r->o->we_master ? cf_peer_warm_any(r) :
					    cf_peer_warm(r, 10, 2048),
			  batch_on, 0);
}
