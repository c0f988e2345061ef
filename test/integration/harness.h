/* SPDX-License-Identifier: MIT */
/*
 * The integration harness: master and slave in two processes over real
 * sockets (abstract names only) and real shared memory.  A forked worker
 * plays one side and runs the operations the test process sends it (enum
 * worker_op); the test process plays the other side with struct side.
 * Traffic checks send numbered, pseudo-random payloads on every queue in
 * both directions, verify each byte, then the counters and ring flags.
 */
#ifndef MEMIF_TEST_INTEGRATION_HARNESS_H
#define MEMIF_TEST_INTEGRATION_HARNESS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "memif/memif.h"

#include "common.h"

#define ERRSZ 512
#define MAXQ 8
#define TX_BURST 16
#define RX_BURST 32
#define CONNECT_MS 10000
#define FLOW_MS 90000
#define REPLY_MS 100000
#define TX_IN_CB 4

#define WAKE_MS 2000 /* a wait this long with a packet outstanding: lost */
#define ECHO_WAIT_MS 10000 /* the echoer's guard against a stalled sender */

/* ---- small utilities (harness.c) ----------------------------------------- */

void sleep_ms(unsigned ms);
void sleep_us(unsigned us);
uint32_t xorshift(uint32_t *x);

/* ... and fail the test, naming the condition as written, when it does
 * not come true. */
#define WAIT_OK(cond, ms)                                                      \
	ck_assert_msg(WAIT_UNTIL(cond, ms), "not within %d ms: %s", (int)(ms), \
		      #cond)

/* Format into @err (ERRSZ bytes); returns false. */
bool failf(char *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A zeroed struct memif_details (asserts the allocation). */
struct memif_details *details_new(void);

/* Drain the interrupt-error queue into @codes; returns how many. */
int read_errors(struct memif *m, int *codes, int max);

/* Exactly one packet on RX queue @qid, the one WORKER_SEND_ONE sent. */
void drain_one(struct memif *m, uint8_t qid);

/* ---- interface state shared with the callbacks (harness.c) -------------- */

struct side {
	struct memif *m; /* written by memif_create_interface, which may
			    return after the first callback: callbacks use
			    their own argument */
	atomic_int up; /* on_connect calls */
	atomic_int down; /* on_disconnect calls */
	atomic_int bad_order; /* on_disconnect without an on_connect owed */
	atomic_int bad_ptr; /* on_disconnect got another handle */
	_Atomic(struct memif *) cb_m; /* the handle on_connect saw */
	/* calls made from inside on_connect */
	bool close_in_cb;
	bool cleanup_in_cb;
	unsigned tx_in_cb; /* queues to send TX_IN_CB packets on, each */
	atomic_int tx_in_cb_bad; /* a send from on_connect failed */
	atomic_int close_ret;
	atomic_int cleanup_ret;
};

/* Plain function calls, so that Check's messages stay readable. */
int ld(atomic_int *p);
struct memif *ldp(struct memif *_Atomic *p);

void side_reset(struct side *s);
/* memif_create_interface with the counting callbacks. */
int side_create(struct side *s, const struct memif_config *cfg);
/* memif_get_details reports a link. */
bool side_linked(struct side *s);
/* Connected now, as the callbacks and the details both see it, and the
 * callbacks saw our handle. */
bool side_connected(struct side *s);

/* ---- payloads and traffic (traffic.c) ----------------------------------- */

/* Packet @seq of queue @qid sent with @tag (see traffic.c). */
void pkt_fill(uint8_t *p, uint32_t len, uint32_t tag, uint32_t qid,
	      uint32_t seq);

extern const uint32_t small_lens[8];

struct traffic {
	unsigned count; /* packets per queue and direction */
	const uint32_t *lens; /* packet seq of queue q: lens[(seq+q)%n_lens] */
	unsigned n_lens;
};

/* One side's traffic on one interface. */
struct flow {
	struct memif *m;
	struct traffic t;
	uint32_t tx_tag, rx_tag;
	unsigned nq; /* queues each way */
	bool irq; /* receive only when poll() reports the queue's fd */
	uint32_t sent[MAXQ], gen[MAXQ], rcvd[MAXQ];
	int qfd[MAXQ];
	uint8_t *slab[MAXQ]; /* TX_BURST packets being sent */
	uint32_t max_len;
	uint8_t *exp;
	bool failed;
	char err[ERRSZ];
};

bool flow_init(struct flow *f, struct memif *m, const struct traffic *t,
	       uint32_t tx_tag, uint32_t rx_tag, unsigned nq, bool irq);
void flow_free(struct flow *f);
/* Run several flows (one per interface in this process) to completion. */
bool flows_run(struct flow **fs, unsigned n_fs, int timeout_ms, char *err);
/* One side's part of an exchange: wait for the link, run, check the
 * counters and flags. */
bool run_traffic(struct side *s, const struct traffic *t, bool is_master,
		 uint32_t iface_tag, unsigned nq, bool polling, char *err);

/* ---- edge-triggered waits, MEMIF_RX_MODE_INTERRUPT_EDGE (echo.c) -------- */

/*
 * RX queue 0 of an interface, waited on only with epoll_wait on an
 * EPOLLIN | EPOLLET registration of its queue fd, and drained with
 * memif_rx_burst until it returns 0 after every wake-up.  Nothing here
 * reads the queue fd.
 */
struct edge_rx {
	struct memif *m;
	int qfd;
	int ep;
	unsigned wakes; /* epoll_wait calls that reported the queue */
	unsigned empty_wakes; /* ... whose drain found nothing (stale edge) */
};

bool edge_open(struct edge_rx *e, struct memif *m, char *err);
void edge_close(struct edge_rx *e);
/* One epoll_wait: 1 when the queue was reported, 0 on timeout, -1 on an
 * error (in @err). */
int edge_wait(struct edge_rx *e, int ms, char *err);
/* After a timed-out wait: how many packets sat in the ring without a
 * wake-up (they are consumed; the run has failed anyway). */
unsigned edge_probe(struct edge_rx *e);
/* The eventfd counter, taken once without blocking (0 when the fd is not
 * readable, UINT64_MAX when the read fails). */
uint64_t efd_take(int fd);

struct echo_stats {
	unsigned echoed;
	unsigned wakes;
	unsigned empty_wakes;
};

/* Echo @total packets on queue 0, waiting edge-triggered only. */
bool echo_run(struct memif *m, unsigned total, struct echo_stats *st,
	      char *err);

/* ---- workers: the other process (worker.c) ------------------------------ */

/*
 * What a worker does for the test process.  Each operation is one request
 * (the operation and a one-byte argument) and one reply (the operation, a
 * status and a line of text); a worker whose check fails replies
 * WORKER_FAILED with the reason and exits.
 */
enum worker_op {
	WORKER_INIT, /* memif_init, create the interfaces; text: how many
			EADDRINUSE retries create needed */
	WORKER_CONNECTED, /* wait until interface arg is connected */
	WORKER_TRAFFIC, /* traffic on interface arg (run_traffic) */
	WORKER_DOWN, /* wait until interface 0 went down arg times; text:
			the remote disconnect reason */
	WORKER_LINK_LOST, /* wait until interface 0 lost its link with a
			     reason; text: "<reason>|connects=<n>" */
	WORKER_REFUSAL, /* text: "<last refusal reason>|<peer>" of
			   interface arg */
	WORKER_STATE, /* text: "up=<n> down=<n>" of interface arg */
	WORKER_REOPEN, /* create interface arg again after WORKER_CLOSE */
	WORKER_CLOSE, /* memif_close interface arg */
	WORKER_SEND_ONE, /* one packet on TX queue arg of interface 0 */
	WORKER_ECHO, /* echo tr[0].count packets on interface 0 (echo_run);
			text: "<tx irq> <rx irq> <wakes> <empty wakes>" */
	WORKER_TAKE_COUNTER, /* text: RX queue 0's eventfd counter, taken */
	WORKER_SIGNALS, /* text: signals sent so far on TX queue arg */
	WORKER_QUIT, /* close everything, memif_cleanup, exit 0 */
	WORKER_N_OPS
};

/* What a worker is configured with: up to two interfaces. */
struct peer_cfg {
	const char *app;
	unsigned n_ifs;
	struct memif_config cfg[2];
	struct traffic tr[2];
	unsigned nq[2];
	char sock[2][64];
	char name[2][32];
};

/* The test process's handle on a worker. */
struct worker {
	pid_t pid;
	int cmd; /* we write requests */
	int evt; /* we read replies */
	const char *name;
};

/* Fork a worker that idles until its first request.  Call before
 * memif_init in this process. */
void worker_start(struct worker *w, const char *name, struct peer_cfg *pc);
/* Send a request without waiting for its reply. */
void worker_send(struct worker *w, enum worker_op op, uint8_t arg);
/* Wait up to @ms for the next reply; it must be @op's and a success.  Its
 * text goes to @text (ERRSZ bytes; may be NULL). */
void worker_expect(struct worker *w, enum worker_op op, char *text, int ms);
/* worker_send, then worker_expect with REPLY_MS. */
void worker_do(struct worker *w, enum worker_op op, uint8_t arg, char *text);
/* Orderly end: WORKER_QUIT, then exit status 0. */
void worker_finish(struct worker *w);
/* A crash: SIGKILL, no goodbye on the control channel. */
void worker_kill(struct worker *w);

/* ---- configurations (harness.c) ----------------------------------------- */

/* One interface (conn_id 7, 100 ms reconnect) on @sock for a worker. */
void peer_one(struct peer_cfg *pc, const char *app, const char *sock,
	      bool is_master, unsigned nq, enum memif_rx_mode rx_mode,
	      const struct traffic *t);
/* Point the config strings at pc->sock and pc->name. */
void peer_cfg_strings(struct peer_cfg *pc);
/* The config the test process uses for its own interface: the peer's,
 * with the other role. */
struct memif_config local_cfg(const struct peer_cfg *peer, const char *if_name);
/* A slave worker with @nq queues on @sock, started but not initialised,
 * memif_init in this process and @s reset: the config of this process's
 * master, for the caller to adjust before side_create. */
struct memif_config master_for_slave(struct side *s, struct worker *w,
				     struct peer_cfg *pc, const char *sock,
				     unsigned nq, enum memif_rx_mode mode,
				     const struct traffic *t);
/* A one-queue slave worker on @sock and this process as its master,
 * started in that order and connected. */
void master_with_slave(struct side *s, struct worker *w, struct peer_cfg *pc,
		       const char *sock, enum memif_rx_mode mode,
		       const struct traffic *t);
/* A round of traffic between worker @w's interface @iface and @s here:
 * run_traffic on both sides, each asserted. */
void traffic_with_worker(struct worker *w, uint8_t iface, struct side *s,
			 const struct traffic *t, bool is_master, unsigned nq,
			 bool polling);
/* The end of a test against a worker: close @s's interface, let the
 * worker finish, clean the library up (each asserted). */
void side_close_finish(struct side *s, struct worker *w);
/* Close @s's interface (asserted), which had @links links: as many
 * on_connect and on_disconnect calls. */
void side_close_after(struct side *s, int links);

#endif /* MEMIF_TEST_INTEGRATION_HARNESS_H */
