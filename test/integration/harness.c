/* SPDX-License-Identifier: MIT */
/*
 * The integration harness's small parts: sleeps and checks, the local
 * interface with its counting callbacks (struct side), and the
 * configurations the tests share.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

/* ---- small utilities ----------------------------------------------------- */

static void sleep_ns(long ns)
{
	struct timespec ts = { .tv_sec = ns / 1000000000L,
			       .tv_nsec = ns % 1000000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

void sleep_ms(unsigned ms)
{
	sleep_ns((long)ms * 1000000L);
}

void sleep_us(unsigned us)
{
	sleep_ns((long)us * 1000L);
}

uint32_t xorshift(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

bool failf(char *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, ERRSZ, fmt, ap);
	va_end(ap);
	return false;
}

struct memif_details *details_new(void)
{
	struct memif_details *d = calloc(1, sizeof(*d));

	ck_assert_ptr_nonnull(d);
	return d;
}

int read_errors(struct memif *m, int *codes, int max)
{
	int n = 0, code;

	while (memif_read_interrupt_error(m, &code) == MEMIF_OK) {
		if (n < max)
			codes[n] = code;
		n++;
	}
	return n;
}

void drain_one(struct memif *m, uint8_t qid)
{
	struct memif_rx_pkt pk[4];
	uint8_t exp[100];
	uint16_t n = 0;

	ck_assert_int_eq(memif_rx_burst(m, qid, pk, 4, &n), MEMIF_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(pk[0].len, sizeof(exp));
	pkt_fill(exp, sizeof(exp), 'Q', qid, 0);
	ck_assert(!memcmp(pk[0].data, exp, sizeof(exp)));
	ck_assert_int_eq(memif_rx_burst(m, qid, pk, 4, &n), MEMIF_OK);
	ck_assert_uint_eq(n, 0);
}

/* ---- interface state shared with the callbacks -------------------------- */

int ld(atomic_int *p)
{
	return atomic_load(p);
}

struct memif *ldp(struct memif *_Atomic *p)
{
	return atomic_load(p);
}

static int cb_up(struct memif *m, void *ctx)
{
	struct side *s = ctx;

	atomic_store(&s->cb_m, m);
	if (s->close_in_cb)
		atomic_store(&s->close_ret, memif_close(m));
	if (s->cleanup_in_cb)
		atomic_store(&s->cleanup_ret, memif_cleanup());
	if (s->tx_in_cb) {
		static const uint8_t pkt[64];
		struct memif_tx_pkt p[TX_IN_CB];
		unsigned q, i;

		for (i = 0; i < TX_IN_CB; i++)
			p[i] = (struct memif_tx_pkt){ pkt, sizeof(pkt) };
		for (q = 0; q < s->tx_in_cb; q++) {
			uint16_t n = 0;

			if (memif_tx_burst(m, (uint8_t)q, p, TX_IN_CB, &n) !=
				    MEMIF_OK ||
			    n != TX_IN_CB)
				atomic_store(&s->tx_in_cb_bad, 1);
		}
	}
	atomic_fetch_add(&s->up, 1);
	return 0;
}

static int cb_down(struct memif *m, void *ctx)
{
	struct side *s = ctx;

	if (ld(&s->down) >= ld(&s->up))
		atomic_store(&s->bad_order, 1);
	if (ldp(&s->cb_m) != m)
		atomic_store(&s->bad_ptr, 1);
	atomic_fetch_add(&s->down, 1);
	return 0;
}

void side_reset(struct side *s)
{
	memset(s, 0, sizeof(*s));
	atomic_init(&s->up, 0);
	atomic_init(&s->down, 0);
	atomic_init(&s->bad_order, 0);
	atomic_init(&s->bad_ptr, 0);
	atomic_init(&s->cb_m, NULL);
	atomic_init(&s->tx_in_cb_bad, 0);
	atomic_init(&s->close_ret, -1000);
	atomic_init(&s->cleanup_ret, -1000);
}

int side_create(struct side *s, const struct memif_config *cfg)
{
	struct memif_callbacks cb = { .on_connect = cb_up,
				      .on_disconnect = cb_down,
				      .ctx = s };

	s->m = NULL;
	return memif_create_interface(cfg, &cb, &s->m);
}

bool side_linked(struct side *s)
{
	struct memif_details *d = calloc(1, sizeof(*d));
	bool up;

	if (!d)
		return false;
	up = memif_get_details(s->m, d) == MEMIF_OK && d->has_link;
	free(d);
	return up;
}

bool side_connected(struct side *s)
{
	return ld(&s->up) > ld(&s->down) && side_linked(s) &&
	       ldp(&s->cb_m) == s->m;
}

/* ---- configurations ------------------------------------------------------ */

void peer_cfg_strings(struct peer_cfg *pc)
{
	unsigned i;

	for (i = 0; i < pc->n_ifs; i++) {
		pc->cfg[i].socket_filename = pc->sock[i];
		pc->cfg[i].if_name = pc->name[i];
	}
}

void peer_one(struct peer_cfg *pc, const char *app, const char *sock,
	      bool is_master, unsigned nq, enum memif_rx_mode rx_mode,
	      const struct traffic *t)
{
	memset(pc, 0, sizeof(*pc));
	pc->app = app;
	pc->n_ifs = 1;
	snprintf(pc->sock[0], sizeof(pc->sock[0]), "%s", sock);
	snprintf(pc->name[0], sizeof(pc->name[0]), "%s-if",
		 is_master ? "master" : "slave");
	pc->cfg[0].conn_id = 7;
	pc->cfg[0].is_master = is_master;
	pc->cfg[0].num_rx_queues = (uint8_t)nq;
	pc->cfg[0].num_tx_queues = (uint8_t)nq;
	pc->cfg[0].rx_mode = rx_mode;
	pc->cfg[0].reconnect_interval_ms = 100;
	pc->nq[0] = nq;
	if (t)
		pc->tr[0] = *t;
	peer_cfg_strings(pc);
}

struct memif_config local_cfg(const struct peer_cfg *peer, const char *if_name)
{
	struct memif_config c = peer->cfg[0];

	c.is_master = !peer->cfg[0].is_master;
	c.if_name = if_name;
	return c;
}

struct memif_config master_for_slave(struct side *s, struct worker *w,
				     struct peer_cfg *pc, const char *sock,
				     unsigned nq, enum memif_rx_mode mode,
				     const struct traffic *t)
{
	side_reset(s);
	peer_one(pc, "integ-slave", sock, false, nq, mode, t);
	worker_start(w, "slave", pc);
	ck_assert_int_eq(memif_init("integ-master"), MEMIF_OK);
	return local_cfg(pc, "master-if");
}

void master_with_slave(struct side *s, struct worker *w, struct peer_cfg *pc,
		       const char *sock, enum memif_rx_mode mode,
		       const struct traffic *t)
{
	struct memif_config cfg = master_for_slave(s, w, pc, sock, 1, mode, t);

	ck_assert_int_eq(side_create(s, &cfg), MEMIF_OK);
	worker_do(w, WORKER_INIT, 0, NULL);
	worker_do(w, WORKER_CONNECTED, 0, NULL);
	WAIT_OK(side_connected(s), CONNECT_MS);
}

void traffic_with_worker(struct worker *w, uint8_t iface, struct side *s,
			 const struct traffic *t, bool is_master, unsigned nq,
			 bool polling)
{
	char err[ERRSZ];

	worker_send(w, WORKER_TRAFFIC, iface);
	ck_assert_msg(run_traffic(s, t, is_master, iface, nq, polling, err),
		      "%s", err);
	worker_expect(w, WORKER_TRAFFIC, NULL, REPLY_MS);
}

void side_close_after(struct side *s, int links)
{
	ck_assert_int_eq(memif_close(s->m), MEMIF_OK);
	ck_assert_int_eq(ld(&s->up), links);
	ck_assert_int_eq(ld(&s->down), links);
}

void side_close_finish(struct side *s, struct worker *w)
{
	ck_assert_int_eq(memif_close(s->m), MEMIF_OK);
	worker_finish(w);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
}
