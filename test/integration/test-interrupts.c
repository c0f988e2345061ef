/* SPDX-License-Identifier: MIT */
/*
 * The per-interface interrupt fd: which queues were signalled, through the
 * same fd before and after a reconnect.
 */
#include <poll.h>

#include "harness.h"

/* ---- TCase interrupts: the per-interface interrupt fd --------------------- */

static void expect_interrupts(struct memif *m, int ifd, uint64_t want)
{
	uint64_t got = 0;
	uint64_t end = test_now_ms() + 5000;
	uint8_t qid;

	while (got != want && test_now_ms() < end) {
		struct pollfd p = { .fd = ifd, .events = POLLIN };

		if (poll(&p, 1, 100) <= 0)
			continue;
		while (memif_read_interrupt(m, &qid) == MEMIF_OK) {
			ck_assert_msg(
				!(got & (1ull << qid)) &&
					(want & (1ull << qid)),
				"interrupt for queue %u (want 0x%llx, got 0x%llx)",
				qid, (unsigned long long)want,
				(unsigned long long)got);
			got |= 1ull << qid;
		}
	}
	ck_assert_msg(got == want, "interrupts 0x%llx, expected 0x%llx",
		      (unsigned long long)got, (unsigned long long)want);
	/* Nothing more, and the fd is no longer readable. */
	ck_assert_int_eq(memif_read_interrupt(m, &qid), MEMIF_ERR_AGAIN);
	{
		struct pollfd p = { .fd = ifd, .events = POLLIN };

		ck_assert_int_eq(poll(&p, 1, 0), 0);
	}
}

START_TEST(integration_interrupt_fd_reports_queue_ids)
{
	struct peer_cfg pc;
	struct worker w;
	struct side s;
	struct memif_config cfg;
	int ifd, ifd2;
	uint8_t qid;
	struct pollfd p;

	cfg = master_for_slave(&s, &w, &pc, test_socket_name("intfd"), 4,
			       MEMIF_RX_MODE_INTERRUPT, NULL);
	ck_assert_int_eq(side_create(&s, &cfg), MEMIF_OK);
	/* Before the connection: the fd is stable for the interface's life. */
	ck_assert_int_eq(memif_get_interrupt_fd(s.m, &ifd), MEMIF_OK);
	ck_assert_int_ge(ifd, 0);
	ck_assert_int_eq(memif_read_interrupt(s.m, &qid), MEMIF_ERR_AGAIN);
	worker_do(&w, WORKER_INIT, 0, NULL);
	worker_do(&w, WORKER_CONNECTED, 0, NULL);
	WAIT_OK(side_connected(&s), CONNECT_MS);
	ck_assert_int_eq(memif_get_interrupt_fd(s.m, &ifd2), MEMIF_OK);
	ck_assert_int_eq(ifd2, ifd);
	p = (struct pollfd){ .fd = ifd, .events = POLLIN };
	ck_assert_int_eq(poll(&p, 1, 100), 0);

	worker_do(&w, WORKER_SEND_ONE, 2, NULL);
	expect_interrupts(s.m, ifd, 1u << 2);
	drain_one(s.m, 2);

	worker_do(&w, WORKER_SEND_ONE, 0, NULL);
	worker_do(&w, WORKER_SEND_ONE, 3, NULL);
	expect_interrupts(s.m, ifd, 1u << 0 | 1u << 3);
	drain_one(s.m, 0);
	drain_one(s.m, 3);

	/* Queue 1 was never signalled and has nothing. */
	{
		struct memif_rx_pkt pk[1];
		uint16_t n = 9;

		ck_assert_int_eq(memif_rx_burst(s.m, 1, pk, 1, &n), MEMIF_OK);
		ck_assert_uint_eq(n, 0);
	}
	/* Still dispatched after a reconnect, through the same fd. */
	worker_do(&w, WORKER_CLOSE, 0, NULL);
	WAIT_OK(ld(&s.down) == 1, CONNECT_MS);
	worker_do(&w, WORKER_REOPEN, 0, NULL);
	worker_do(&w, WORKER_CONNECTED, 0, NULL);
	WAIT_OK(side_connected(&s), CONNECT_MS);
	ck_assert_int_eq(memif_get_interrupt_fd(s.m, &ifd2), MEMIF_OK);
	ck_assert_int_eq(ifd2, ifd);
	worker_do(&w, WORKER_SEND_ONE, 1, NULL);
	expect_interrupts(s.m, ifd, 1u << 1);
	drain_one(s.m, 1);

	side_close_finish(&s, &w);
}
END_TEST

TEST_SUITE(integration_interrupts_suite, "integration-interrupts",
	   TEST_CASE("interrupts", 60, NULL, NULL,
		     integration_interrupt_fd_reports_queue_ids))

MEMIF_TEST_MAIN(integration_interrupts_suite)
