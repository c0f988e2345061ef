/* SPDX-License-Identifier: MIT */
/*
 * The packet handle (memif_new_packet_handle, NewPacketHandle): packets
 * read in order with their capture info, rx_count packets fetched per
 * burst, slots given back, packets written one at a time, EOF for an
 * empty or full ring and after close, and the error codes passed through
 * from the bursts.  A master and a slave of this process, connected over
 * an abstract socket, with 16-slot rings.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "memif/memif.h"

#include "common.h"

#define CONNECT_MS 5000
#define LOG2_RING 4
#define RING_SLOTS (1u << LOG2_RING)
#define BUF_SIZE 2048

/* ---- a connected pair in this process ------------------------------------- */

static struct memif *master, *slave;
static atomic_int master_up, slave_up;
static char sock[64];
static int fds_before;

static int on_up(struct memif *m, void *ctx)
{
	atomic_fetch_add((atomic_int *)ctx, 1);
	return 0;
}

static int on_down(struct memif *m, void *ctx)
{
	atomic_fetch_sub((atomic_int *)ctx, 1);
	return 0;
}

static void setup(void)
{
	struct memif_callbacks mcb = { on_up, on_down, &master_up };
	struct memif_callbacks scb = { on_up, on_down, &slave_up };
	struct memif_config mc = { .if_name = "ph-master",
				   .conn_id = 1,
				   .is_master = true,
				   .log2_ring_size = LOG2_RING,
				   .buffer_size = BUF_SIZE };
	struct memif_config sc = mc;

	fds_before = test_count_fds();
	atomic_store(&master_up, 0);
	atomic_store(&slave_up, 0);
	snprintf(sock, sizeof(sock), "%s", test_socket_name("ph"));
	mc.socket_filename = sock;
	sc.socket_filename = sock;
	sc.if_name = "ph-slave";
	sc.is_master = false;
	sc.reconnect_interval_ms = 20;
	memif_set_log_level(MEMIF_LOG_ERROR);
	ck_assert_int_eq(memif_init("test-packet-handle"), MEMIF_OK);
	ck_assert_int_eq(memif_create_interface(&mc, &mcb, &master), MEMIF_OK);
	ck_assert_int_eq(memif_create_interface(&sc, &scb, &slave), MEMIF_OK);
	ck_assert_msg(WAIT_UNTIL(atomic_load(&master_up) == 1 &&
					 atomic_load(&slave_up) == 1,
				 CONNECT_MS),
		      "pair not connected");
}

static void teardown(void)
{
	ck_assert_int_eq(memif_close(slave), MEMIF_OK);
	ck_assert_int_eq(memif_close(master), MEMIF_OK);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	ck_assert_int_eq(test_count_fds(), fds_before);
}

/* ---- helpers ------------------------------------------------------------- */

static void pattern(uint8_t *p, uint32_t len, uint32_t seed)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(seed * 31u + i * 7u + (i >> 8));
}

/* Packet @seq of the tests: its length. */
static uint32_t len_of(uint32_t seq)
{
	static const uint32_t lens[] = { 60, 1, 1500, 2048, 700, 128 };

	return lens[seq % 6];
}

/* @n numbered packets from @m on queue 0, all of which must fit. */
static void send_numbered(struct memif *m, uint32_t first, uint16_t n)
{
	static uint8_t bufs[RING_SLOTS][BUF_SIZE];
	struct memif_tx_pkt p[RING_SLOTS];
	uint16_t i, sent = 0;

	ck_assert_uint_le(n, RING_SLOTS);
	for (i = 0; i < n; i++) {
		pattern(bufs[i], len_of(first + i), first + i);
		p[i] = (struct memif_tx_pkt){ bufs[i], len_of(first + i) };
	}
	ck_assert_int_eq(memif_tx_burst(m, 0, p, n, &sent), MEMIF_OK);
	ck_assert_uint_eq(sent, n);
}

static void expect_packet(const uint8_t *data, uint32_t len, uint32_t seq)
{
	uint8_t want[BUF_SIZE];

	ck_assert_uint_eq(len, len_of(seq));
	pattern(want, len, seq);
	ck_assert_msg(!memcmp(data, want, len), "packet %u: bytes differ", seq);
}

static uint64_t rx_packets(struct memif *m)
{
	struct memif_details *d = calloc(1, sizeof(*d));
	uint64_t n;

	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(memif_get_details(m, d), MEMIF_OK);
	n = d->rx_queues[0].packets;
	free(d);
	return n;
}

static struct memif_packet_handle *handle_new(struct memif *m, uint8_t qid,
					      uint16_t rx_count)
{
	struct memif_packet_handle *h = NULL;

	ck_assert_int_eq(memif_new_packet_handle(m, qid, rx_count, &h),
			 MEMIF_OK);
	ck_assert_ptr_nonnull(h);
	return h;
}

/* One memif_packet_handle_read of @h, asserted MEMIF_OK: the packet in
 * *@data, *@len. */
static void read_ok(struct memif_packet_handle *h, const uint8_t **data,
		    uint32_t *len)
{
	ck_assert_int_eq(memif_packet_handle_read(h, data, len, NULL),
			 MEMIF_OK);
}

/* One read of @h returns @code. */
static void read_fails(struct memif_packet_handle *h, int code)
{
	const uint8_t *data;
	uint32_t len;

	ck_assert_int_eq(memif_packet_handle_read(h, &data, &len, NULL), code);
}

/* read_ok, and the packet is send_numbered's number @seq. */
static void read_numbered(struct memif_packet_handle *h, uint32_t seq)
{
	const uint8_t *data;
	uint32_t len;

	read_ok(h, &data, &len);
	expect_packet(data, len, seq);
}

/* What one read, or one write of "abc", returns on a new handle of queue
 * @qid of @m (rx_count 1). */
static int read_code(struct memif *m, uint8_t qid)
{
	struct memif_packet_handle *h = handle_new(m, qid, 1);
	const uint8_t *data;
	uint32_t len;
	int ret = memif_packet_handle_read(h, &data, &len, NULL);

	memif_packet_handle_free(h);
	return ret;
}

static int write_code(struct memif *m, uint8_t qid)
{
	struct memif_packet_handle *h = handle_new(m, qid, 1);
	int ret = memif_packet_handle_write(h, "abc", 3);

	memif_packet_handle_free(h);
	return ret;
}

/* The test @name: @op (read_code or write_code) on queue @qid of @m, or
 * of a slave that never connects when @m is NULL, returns @code. */
#define HANDLE_CODE_TEST(name, op, m, qid, code)                        \
	START_TEST(name)                                                \
	{                                                               \
		struct memif *lone_ = (m) ? NULL : test_lone_slave();   \
                                                                        \
		ck_assert_int_eq(op((m) ? (m) : lone_, qid), code);     \
		if (lone_)                                              \
			ck_assert_int_eq(memif_close(lone_), MEMIF_OK); \
	}                                                               \
	END_TEST

/* ---- creation -------------------------------------------------------------- */

START_TEST(packet_handle_new_null_iface_noconn)
{
	struct memif_packet_handle *h = NULL;

	ck_assert_int_eq(memif_new_packet_handle(NULL, 0, 1, &h),
			 MEMIF_ERR_NOCONN);
	ck_assert_ptr_null(h);
}
END_TEST

START_TEST(packet_handle_new_null_out_inval_arg)
{
	ck_assert_int_eq(memif_new_packet_handle(master, 0, 1, NULL),
			 MEMIF_ERR_INVAL_ARG);
}
END_TEST

/* ---- reading --------------------------------------------------------------- */

START_TEST(packet_handle_read_returns_packets_in_order)
{
	struct memif_packet_handle *h = handle_new(master, 0, 4);
	uint32_t i;

	send_numbered(slave, 0, 6);
	for (i = 0; i < 6; i++) {
		read_numbered(h, i);
	}
	memif_packet_handle_free(h);
}
END_TEST

START_TEST(packet_handle_read_empty_ring_eof)
{
	struct memif_packet_handle *h = handle_new(master, 0, 4);

	read_fails(h, MEMIF_ERR_EOF);
	send_numbered(slave, 0, 1);
	read_numbered(h, 0);
	read_fails(h, MEMIF_ERR_EOF);
	memif_packet_handle_free(h);
}
END_TEST

/* Lengths of the packet, and CLOCK_REALTIME taken while reading it. */
START_TEST(packet_handle_read_fills_capture_info)
{
	struct memif_packet_handle *h = handle_new(master, 0, 1);
	struct memif_capture_info ci;
	struct timespec t0, t1;
	const uint8_t *data;
	uint32_t len;

	send_numbered(slave, 2, 1); /* 1500 bytes */
	memset(&ci, 0xff, sizeof(ci));
	ck_assert_int_eq(clock_gettime(CLOCK_REALTIME, &t0), 0);
	ck_assert_int_eq(memif_packet_handle_read(h, &data, &len, &ci),
			 MEMIF_OK);
	ck_assert_int_eq(clock_gettime(CLOCK_REALTIME, &t1), 0);
	expect_packet(data, len, 2);
	ck_assert_uint_eq(ci.capture_length, 1500);
	ck_assert_uint_eq(ci.length, 1500);
	ck_assert(ci.timestamp.tv_sec > t0.tv_sec ||
		  (ci.timestamp.tv_sec == t0.tv_sec &&
		   ci.timestamp.tv_nsec >= t0.tv_nsec));
	ck_assert(ci.timestamp.tv_sec < t1.tv_sec ||
		  (ci.timestamp.tv_sec == t1.tv_sec &&
		   ci.timestamp.tv_nsec <= t1.tv_nsec));
	memif_packet_handle_free(h);
}
END_TEST

/* Packets of one burst carry the time of that burst. */
START_TEST(packet_handle_read_burst_shares_timestamp)
{
	struct memif_packet_handle *h = handle_new(master, 0, 3);
	struct memif_capture_info ci[3];
	const uint8_t *data;
	uint32_t len, i;

	send_numbered(slave, 0, 3);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(memif_packet_handle_read(h, &data, &len,
							  &ci[i]),
				 MEMIF_OK);
	for (i = 1; i < 3; i++) {
		ck_assert_int_eq(ci[i].timestamp.tv_sec,
				 ci[0].timestamp.tv_sec);
		ck_assert_int_eq(ci[i].timestamp.tv_nsec,
				 ci[0].timestamp.tv_nsec);
	}
	memif_packet_handle_free(h);
}
END_TEST

/* rx_count packets come off the ring per burst: the queue's packet
 * counter moves by rx_count on the first read, not at all on the next
 * ones of that burst. */
/* @sent packets read through a handle of @rx_count: the first read takes
 * @burst off the ring, the rest of that burst none, the read after it
 * (packet @burst) the next burst, @final in all. */
static void check_fetches(uint16_t rx_count, uint16_t sent, uint32_t burst,
			  uint64_t final)
{
	struct memif_packet_handle *h = handle_new(master, 0, rx_count);
	const uint8_t *data;
	uint32_t len, i;
	uint64_t base = rx_packets(master);

	send_numbered(slave, 0, sent);
	read_ok(h, &data, &len);
	ck_assert_uint_eq(rx_packets(master) - base, burst);
	for (i = 1; i < burst; i++)
		read_ok(h, &data, &len);
	ck_assert_uint_eq(rx_packets(master) - base, burst);
	read_numbered(h, burst);
	ck_assert_uint_eq(rx_packets(master) - base, final);
	memif_packet_handle_free(h);
}

TEST_CALL(packet_handle_read_fetches_rx_count_per_burst, check_fetches, 4, 6, 4,
	  6)
TEST_CALL(packet_handle_read_rx_count_zero_means_one, check_fetches, 0, 3, 1, 2)

/* A full ring read through the handle is free again once the handle has
 * fetched its next burst: the peer can fill it once more. */
START_TEST(packet_handle_read_gives_slots_back)
{
	struct memif_packet_handle *h = handle_new(master, 0, RING_SLOTS);
	struct memif_tx_pkt p = { "x", 1 };
	const uint8_t *data;
	uint32_t len, i;
	uint16_t sent = 0;

	send_numbered(slave, 0, RING_SLOTS);
	ck_assert_int_eq(memif_tx_burst(slave, 0, &p, 1, &sent), MEMIF_OK);
	ck_assert_uint_eq(sent, 0); /* full */
	for (i = 0; i < RING_SLOTS; i++)
		read_ok(h, &data, &len);
	read_fails(h, MEMIF_ERR_EOF);
	send_numbered(slave, 100, RING_SLOTS);
	for (i = 0; i < RING_SLOTS; i++) {
		read_numbered(h, 100 + i);
	}
	memif_packet_handle_free(h);
}
END_TEST

/* A packet chained over several slots comes back whole. */
START_TEST(packet_handle_read_reassembles_chained_packet)
{
	static uint8_t big[5000], want[5000];
	struct memif_packet_handle *h = handle_new(master, 0, 2);
	struct memif_tx_pkt p = { big, sizeof(big) };
	const uint8_t *data;
	uint16_t sent = 0;
	uint32_t len;

	pattern(big, sizeof(big), 77);
	memcpy(want, big, sizeof(big));
	ck_assert_int_eq(memif_tx_burst(slave, 0, &p, 1, &sent), MEMIF_OK);
	ck_assert_uint_eq(sent, 1);
	read_ok(h, &data, &len);
	ck_assert_uint_eq(len, sizeof(big));
	ck_assert(!memcmp(data, want, sizeof(want)));
	memif_packet_handle_free(h);
}
END_TEST

START_TEST(packet_handle_read_null_args_inval_arg)
{
	struct memif_packet_handle *h = handle_new(master, 0, 1);
	const uint8_t *data;
	uint32_t len;

	send_numbered(slave, 0, 1);
	ck_assert_int_eq(memif_packet_handle_read(NULL, &data, &len, NULL),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(memif_packet_handle_read(h, NULL, &len, NULL),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(memif_packet_handle_read(h, &data, NULL, NULL),
			 MEMIF_ERR_INVAL_ARG);
	/* None of them consumed the packet. */
	read_numbered(h, 0);
	memif_packet_handle_free(h);
}
END_TEST

HANDLE_CODE_TEST(packet_handle_read_bad_queue_qid, read_code, master, 1,
		 MEMIF_ERR_QID)
HANDLE_CODE_TEST(packet_handle_read_not_connected_disconnected, read_code, NULL,
		 0, MEMIF_ERR_DISCONNECTED)

/* ---- writing --------------------------------------------------------------- */

START_TEST(packet_handle_write_sends_one_packet)
{
	struct memif_packet_handle *h = handle_new(slave, 0, 1);
	struct memif_rx_pkt p[4];
	uint8_t buf[1500];
	uint16_t n = 0;

	pattern(buf, sizeof(buf), 2);
	ck_assert_int_eq(memif_packet_handle_write(h, buf, sizeof(buf)),
			 MEMIF_OK);
	ck_assert_int_eq(memif_rx_burst(master, 0, p, 4, &n), MEMIF_OK);
	ck_assert_uint_eq(n, 1);
	expect_packet(p[0].data, p[0].len, 2);
	memif_packet_handle_free(h);
}
END_TEST

START_TEST(packet_handle_write_full_ring_eof)
{
	struct memif_packet_handle *h = handle_new(slave, 0, 1);
	unsigned written = 0;
	int ret;

	while ((ret = memif_packet_handle_write(h, "abc", 3)) == MEMIF_OK &&
	       written <= RING_SLOTS)
		written++;
	ck_assert_int_eq(ret, MEMIF_ERR_EOF);
	ck_assert_uint_eq(written, RING_SLOTS);
	ck_assert_uint_eq(test_drain(master), RING_SLOTS);
	/* Room again. */
	ck_assert_int_eq(memif_packet_handle_write(h, "abc", 3), MEMIF_OK);
	memif_packet_handle_free(h);
}
END_TEST

/* Length 0, and longer than the whole ring holds: MEMIF_ERR_PKT_LEN
 * (from memif_tx_burst), nothing sent. */
START_TEST(packet_handle_write_bad_length_pkt_len)
{
	static uint8_t big[RING_SLOTS * BUF_SIZE + 1];
	struct memif_packet_handle *h = handle_new(slave, 0, 1);

	ck_assert_int_eq(memif_packet_handle_write(h, big, 0),
			 MEMIF_ERR_PKT_LEN);
	ck_assert_int_eq(memif_packet_handle_write(h, NULL, 0),
			 MEMIF_ERR_PKT_LEN);
	ck_assert_int_eq(memif_packet_handle_write(h, big, sizeof(big)),
			 MEMIF_ERR_PKT_LEN);
	ck_assert_uint_eq(test_drain(master), 0);
	memif_packet_handle_free(h);
}
END_TEST

START_TEST(packet_handle_write_null_args_inval_arg)
{
	struct memif_packet_handle *h = handle_new(slave, 0, 1);

	ck_assert_int_eq(memif_packet_handle_write(NULL, "abc", 3),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(memif_packet_handle_write(h, NULL, 3),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_uint_eq(test_drain(master), 0);
	memif_packet_handle_free(h);
}
END_TEST

HANDLE_CODE_TEST(packet_handle_write_bad_queue_qid, write_code, slave, 3,
		 MEMIF_ERR_QID)
HANDLE_CODE_TEST(packet_handle_write_not_connected_disconnected, write_code,
		 NULL, 0, MEMIF_ERR_DISCONNECTED)

/* ---- close ----------------------------------------------------------------- */

/* After close, reads are EOF, even with packets of the last burst still
 * cached and more waiting on the ring. */
START_TEST(packet_handle_closed_read_eof)
{
	struct memif_packet_handle *h = handle_new(master, 0, 4);
	const uint8_t *data;
	uint32_t len;

	send_numbered(slave, 0, 6);
	read_ok(h, &data, &len);
	memif_packet_handle_close(h);
	read_fails(h, MEMIF_ERR_EOF);
	memif_packet_handle_free(h);
}
END_TEST

START_TEST(packet_handle_closed_write_eof)
{
	struct memif_packet_handle *h = handle_new(slave, 0, 1);

	memif_packet_handle_close(h);
	ck_assert_int_eq(memif_packet_handle_write(h, "abc", 3), MEMIF_ERR_EOF);
	ck_assert_uint_eq(test_drain(master), 0);
	memif_packet_handle_free(h);
}
END_TEST

/* Close twice, then free; close and free of NULL do nothing. */
START_TEST(packet_handle_close_idempotent)
{
	struct memif_packet_handle *h = handle_new(slave, 0, 1);

	memif_packet_handle_close(h);
	memif_packet_handle_close(h);
	ck_assert_int_eq(memif_packet_handle_write(h, "abc", 3), MEMIF_ERR_EOF);
	memif_packet_handle_free(h);
	memif_packet_handle_close(NULL);
	memif_packet_handle_free(NULL);
}
END_TEST

/* Two handles on one interface, one per direction of the same queue id:
 * a packet written by the slave's handle is read by the master's. */
START_TEST(packet_handle_pair_round_trip)
{
	struct memif_packet_handle *w = handle_new(slave, 0, 1),
				   *r = handle_new(master, 0, 8);
	const uint8_t *data;
	uint8_t buf[700];
	uint32_t len;

	pattern(buf, sizeof(buf), 4);
	ck_assert_int_eq(memif_packet_handle_write(w, buf, sizeof(buf)),
			 MEMIF_OK);
	ck_assert_int_eq(memif_packet_handle_read(r, &data, &len, NULL),
			 MEMIF_OK);
	expect_packet(data, len, 4);
	memif_packet_handle_free(w);
	memif_packet_handle_free(r);
}
END_TEST

TEST_SUITE(packet_handle_suite, "packet-handle",
	   TEST_CASE("new", 30, setup, teardown,
		     packet_handle_new_null_iface_noconn,
		     packet_handle_new_null_out_inval_arg),
	   TEST_CASE("read", 30, setup, teardown,
		     packet_handle_read_returns_packets_in_order,
		     packet_handle_read_empty_ring_eof,
		     packet_handle_read_fills_capture_info,
		     packet_handle_read_burst_shares_timestamp,
		     packet_handle_read_fetches_rx_count_per_burst,
		     packet_handle_read_rx_count_zero_means_one,
		     packet_handle_read_gives_slots_back,
		     packet_handle_read_reassembles_chained_packet,
		     packet_handle_read_null_args_inval_arg,
		     packet_handle_read_bad_queue_qid,
		     packet_handle_read_not_connected_disconnected),
	   TEST_CASE("write", 30, setup, teardown,
		     packet_handle_write_sends_one_packet,
		     packet_handle_write_full_ring_eof,
		     packet_handle_write_bad_length_pkt_len,
		     packet_handle_write_null_args_inval_arg,
		     packet_handle_write_bad_queue_qid,
		     packet_handle_write_not_connected_disconnected),
	   TEST_CASE("close", 30, setup, teardown,
		     packet_handle_closed_read_eof,
		     packet_handle_closed_write_eof,
		     packet_handle_close_idempotent,
		     packet_handle_pair_round_trip))

MEMIF_TEST_MAIN(packet_handle_suite)
