/* SPDX-License-Identifier: MIT */
/*
 * Our master against our zero-copy slave, both ways at once, each side on
 * its own data thread: the slave transmits from and receives into one
 * pool (packets of 1 to 5,000 bytes, chained across 2,048-byte buffers),
 * the master copies; every byte of 100,000 packets each way is checked,
 * and at the end every pool buffer is accounted for.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "internal.h"

#define N_PKTS 100000u
#define BS 2048u
#define N_BUFS 1024u
#define MAX_LEN 5000u

static struct memif *m, *s;
static struct memif_pool *pool;
static uint8_t *pool_base;
static struct memif_details *dm, *ds;
static uint8_t *stack[N_BUFS]; /* the slave's free buffers */
static uint32_t top;

static uint8_t pat(uint32_t seq, uint32_t i)
{
	return (uint8_t)(seq * 131u + i * 7u + (i >> 8));
}

static uint32_t len_of(uint32_t seq, uint32_t salt)
{
	return 1 + (seq * salt) % MAX_LEN;
}

static bool pat_ok(const uint8_t *b, uint32_t off, uint32_t len, uint32_t seq)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		if (b[i] != pat(seq, off + i))
			return false;
	return true;
}

struct side {
	uint32_t sent, received;
	const char *err;
};

/* Whether @sd still has packets to send or receive; false also when
 * @end has passed, with @timeout as its error. */
static bool side_busy(struct side *sd, uint64_t end, const char *timeout)
{
	if (sd->sent >= N_PKTS && sd->received >= N_PKTS)
		return false;
	if (test_now_ms() <= end)
		return true;
	sd->err = timeout;
	return false;
}

/* The slave's data thread: complete, send, lend, receive and check, in one
 * loop, as an application's would be; long because each step checks its
 * own result. */
static void *slave_thread(void *arg)
{
	struct side *sd = arg;
	struct memif_buf out[64], in[64], lend[64];
	uint32_t i;
	uint64_t end = test_now_ms() + 60000;

	for (i = 0; i < N_BUFS; i++)
		stack[top++] = pool_base + (uint64_t)i * BS;
	while (side_busy(sd, end, "slave: timeout")) {
		uint16_t n, k, nb = 0;
		uint32_t seq = sd->sent;

		/* Completed: ours again. */
		if (memif_tx_complete(s, 0, out, 64, &n)) {
			sd->err = "slave: tx_complete";
			break;
		}
		for (k = 0; k < n; k++)
			stack[top++] = out[k].data;
		/* Transmit whole packets from pool buffers. */
		while (seq < N_PKTS) {
			uint32_t len = len_of(seq, 7919), off = 0;
			uint16_t need = (uint16_t)((len + BS - 1) / BS);

			if (nb + need > 64 || top < need + 16u)
				break;
			while (off < len) {
				uint32_t part = len - off < BS ? len - off : BS;
				uint8_t *b = stack[--top];

				for (i = 0; i < part; i++)
					b[i] = pat(seq, off + i);
				off += part;
				out[nb].data = b;
				out[nb].len = part;
				out[nb].flags =
					off < len ? MEMIF_BUF_FLAG_NEXT : 0;
				nb++;
			}
			seq++;
		}
		if (nb) {
			if (memif_tx_burst_zc(s, 0, out, nb, &n)) {
				sd->err = "slave: tx_burst_zc";
				break;
			}
			/* What did not go goes back to the stack, and its
			 * packets are sent again later. */
			for (k = n; k < nb; k++)
				stack[top++] = out[k].data;
			for (k = 0; k < n; k++)
				if (!(out[k].flags & MEMIF_BUF_FLAG_NEXT))
					sd->sent++;
		}
		/* Receive into lent buffers; check; lend fresh ones. */
		if (memif_rx_burst_zc(s, 0, in, 64, &n)) {
			sd->err = "slave: rx_burst_zc";
			break;
		}
		{
			uint32_t off = 0;

			for (k = 0; k < n; k++) {
				if (!pat_ok(in[k].data, off, in[k].len,
					    sd->received)) {
					sd->err = "slave: bad bytes";
					return NULL;
				}
				off += in[k].len;
				stack[top++] = in[k].data;
				if (!(in[k].flags & MEMIF_BUF_FLAG_NEXT)) {
					if (off !=
					    len_of(sd->received, 104729)) {
						sd->err = "slave: bad length";
						return NULL;
					}
					off = 0;
					sd->received++;
				}
			}
		}
		for (k = 0; k < 64 && top > 0; k++) {
			lend[k].data = stack[--top];
			lend[k].len = BS;
		}
		if (memif_rx_refill(s, 0, lend, k, &n)) {
			sd->err = "slave: rx_refill";
			break;
		}
		while (n < k)
			stack[top++] = lend[n++].data;
	}
	return NULL;
}

static void *master_thread(void *arg)
{
	struct side *sd = arg;
	static uint8_t buf[32][MAX_LEN];
	struct memif_rx_pkt r[32];
	struct memif_tx_pkt t[32];
	uint64_t end = test_now_ms() + 60000;

	while (side_busy(sd, end, "master: timeout")) {
		uint16_t n, k, nb = 0;

		if (memif_rx_burst(m, 0, r, 32, &n)) {
			sd->err = "master: rx_burst";
			break;
		}
		for (k = 0; k < n; k++, sd->received++)
			if (r[k].len != len_of(sd->received, 7919) ||
			    !pat_ok(r[k].data, 0, r[k].len, sd->received)) {
				sd->err = "master: bad packet";
				return NULL;
			}
		while (nb < 32 && sd->sent + nb < N_PKTS) {
			uint32_t seq = sd->sent + nb, len = len_of(seq, 104729);
			uint32_t i;

			for (i = 0; i < len; i++)
				buf[nb][i] = pat(seq, i);
			t[nb].data = buf[nb];
			t[nb].len = len;
			nb++;
		}
		if (nb) {
			if (memif_tx_burst(m, 0, t, nb, &n)) {
				sd->err = "master: tx_burst";
				break;
			}
			sd->sent += n;
		}
	}
	return NULL;
}

static bool linked(void)
{
	ck_assert_int_eq(memif_get_details(m, dm), MEMIF_OK);
	ck_assert_int_eq(memif_get_details(s, ds), MEMIF_OK);
	return dm->has_link && ds->has_link;
}

START_TEST(zc_traffic_both_ways_every_byte)
{
	struct memif_pool_config pc = { .n_buffers = N_BUFS,
					.buffer_size = BS };
	struct memif_config mc = { .if_name = "m",
				   .is_master = true,
				   .rx_mode = MEMIF_RX_MODE_POLLING };
	struct memif_config sc = { .if_name = "s",
				   .n_pools = 1,
				   .zero_copy_rx = true,
				   .log2_ring_size = 8,
				   .rx_mode = MEMIF_RX_MODE_POLLING };
	struct memif_pool_info pi;
	struct memif_buf back[64];
	struct side ms = { 0 }, ss = { 0 };
	uint16_t n;
	pthread_t tm, ts;
	int fds = test_count_fds();

	dm = calloc(1, sizeof(*dm));
	ds = calloc(1, sizeof(*ds));
	memif_set_log_level(MEMIF_LOG_ERROR);
	ck_assert_int_eq(memif_init("test-zc-traffic"), MEMIF_OK);
	ck_assert_int_eq(memif_pool_create(&pc, &pool), MEMIF_OK);
	ck_assert_int_eq(memif_pool_get_info(pool, &pi), MEMIF_OK);
	pool_base = pi.base;
	sc.pools = &pool;
	mc.socket_filename = sc.socket_filename = test_socket_name("zct");
	ck_assert_int_eq(memif_create_interface(&mc, NULL, &m), MEMIF_OK);
	ck_assert_int_eq(memif_create_interface(&sc, NULL, &s), MEMIF_OK);
	ck_assert(WAIT_UNTIL(linked(), 5000));
	ck_assert_int_eq(pthread_create(&ts, NULL, slave_thread, &ss), 0);
	ck_assert_int_eq(pthread_create(&tm, NULL, master_thread, &ms), 0);
	pthread_join(ts, NULL);
	pthread_join(tm, NULL);
	ck_assert_msg(!ss.err, "%s", ss.err);
	ck_assert_msg(!ms.err, "%s", ms.err);
	ck_assert_uint_eq(ss.sent, N_PKTS);
	ck_assert_uint_eq(ms.received, N_PKTS);
	ck_assert_uint_eq(ms.sent, N_PKTS);
	ck_assert_uint_eq(ss.received, N_PKTS);
	ck_assert(linked());
	ck_assert_uint_eq(ds->rx_queues[0].drops_bad_desc, 0);
	ck_assert_uint_eq(dm->rx_queues[0].drops_bad_desc, 0);
	ck_assert_uint_eq(ds->rx_queues[0].packets, N_PKTS);
	/* Every buffer: free, or back from the slave once the master went. */
	ck_assert_int_eq(memif_close(m), MEMIF_OK);
	ck_assert(WAIT_UNTIL(memif_tx_complete(s, 0, back, 0, &n) ==
				     MEMIF_ERR_DISCONNECTED,
			     3000));
	do {
		ck_assert_int_eq(memif_zc_reclaim(s, back, 64, &n), MEMIF_OK);
		top += n;
	} while (n);
	ck_assert_uint_eq(top, N_BUFS);
	ck_assert_int_eq(memif_close(s), MEMIF_OK);
	memif_pool_destroy(pool);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	free(dm);
	free(ds);
	ck_assert_int_eq(test_count_fds(), fds);
}
END_TEST

TEST_SUITE(zc_traffic_suite, "zc-traffic",
	   TEST_CASE("traffic", 120, NULL, NULL,
		     zc_traffic_both_ways_every_byte))

MEMIF_TEST_MAIN(zc_traffic_suite)
