/* SPDX-License-Identifier: MIT */
/*
 * The application-driven event loop (memif_init_ex with no_event_thread):
 * an in-process master and slave connected by memif_process_events() on the
 * test thread, the pollable event fd, the calls a callback must not make,
 * init/cleanup state errors, and memif_strerror() over every code.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
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

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* User threads of this process: /proc/self/task without the kernel's
 * io_uring workers (comm "iou-wrk-N", "iou-sqp-N"), which come and go. */
static int count_threads(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char path[300], comm[64] = "";
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm",
			 e->d_name);
		f = fopen(path, "r");
		if (f) {
			if (!fgets(comm, sizeof(comm), f))
				comm[0] = 0;
			fclose(f);
		}
		if (strncmp(comm, "iou-", 4))
			n++;
	}
	closedir(d);
	return n;
}

struct side {
	struct memif *m;
	int up, down; /* only touched on the test thread */
	bool bad_thread; /* a callback ran on another thread */
	bool bad_order;
	pthread_t owner;
	/* calls made from inside the callbacks */
	bool call_forbidden;
	int pe_ret_up, pe_ret_down; /* memif_process_events */
	int cl_ret_up, cl_ret_down; /* memif_cleanup */
};

/* What both callbacks check and try: the thread and handle they are
 * called with, and (with call_forbidden) the two calls that would
 * deadlock from a callback, their returns into *@pe_ret and *@cl_ret. */
static void in_callback(struct side *s, struct memif *m, int *pe_ret,
			int *cl_ret)
{
	if (!pthread_equal(pthread_self(), s->owner) || m != s->m)
		s->bad_thread = true;
	if (s->call_forbidden) {
		*pe_ret = memif_process_events(0);
		*cl_ret = memif_cleanup();
	}
}

static int cb_up(struct memif *m, void *ctx)
{
	struct side *s = ctx;

	in_callback(s, m, &s->pe_ret_up, &s->cl_ret_up);
	s->up++;
	return 0;
}

static int cb_down(struct memif *m, void *ctx)
{
	struct side *s = ctx;

	if (s->down >= s->up)
		s->bad_order = true;
	in_callback(s, m, &s->pe_ret_down, &s->cl_ret_down);
	s->down++;
	return 0;
}

static void side_init(struct side *s)
{
	memset(s, 0, sizeof(*s));
	s->owner = pthread_self();
	s->pe_ret_up = s->pe_ret_down = -1000;
	s->cl_ret_up = s->cl_ret_down = -1000;
}

static int side_create(struct side *s, const struct memif_config *cfg)
{
	struct memif_callbacks cb = { cb_up, cb_down, s };

	return memif_create_interface(cfg, &cb, &s->m);
}

/* Run the loop on this thread until @cond holds. */
#define DRIVE_UNTIL(cond, ms)                                                 \
	__extension__({                                                                    \
		uint64_t du_end_ = now_ms() + (ms);                           \
		bool du_ok_;                                                  \
		while (!(du_ok_ = (cond)) && now_ms() < du_end_)              \
			ck_assert_int_eq(memif_process_events(10), MEMIF_OK); \
		du_ok_;                                                       \
	})

#define DRIVE_OK(cond, ms)                                           \
	ck_assert_msg(DRIVE_UNTIL(cond, ms), "not within %d ms: %s", \
		      (int)(ms), #cond)

static void pair_configs(struct memif_config *mc, struct memif_config *sc,
			 char *sock, size_t sock_sz, const char *tag,
			 uint8_t nq)
{
	snprintf(sock, sock_sz, "%s", test_socket_name(tag));
	*mc = (struct memif_config){ .if_name = "loop-master",
				     .socket_filename = sock,
				     .conn_id = 9,
				     .is_master = true,
				     .num_rx_queues = nq,
				     .num_tx_queues = nq };
	*sc = *mc;
	sc->if_name = "loop-slave";
	sc->is_master = false;
	sc->reconnect_interval_ms = 50;
}

/*
 * The library without its event thread, as instance @app, and a master and
 * a slave of @nq queues on a socket named after @tag (in @sock, 96 bytes),
 * created: they connect only when this thread drives the loop.  With
 * @forbidden their callbacks try the calls that would deadlock.
 */
static void own_loop_pair(struct side *ms, struct side *ss, char *sock,
			  const char *tag, uint8_t nq, const char *app,
			  bool forbidden)
{
	struct memif_init_opts o = { .no_event_thread = true };
	struct memif_config mc, sc;

	pair_configs(&mc, &sc, sock, 96, tag, nq);
	ck_assert_int_eq(memif_init_ex(app, &o), MEMIF_OK);
	side_init(ms);
	side_init(ss);
	ms->call_forbidden = forbidden;
	ss->call_forbidden = forbidden;
	ck_assert_int_eq(side_create(ms, &mc), MEMIF_OK);
	ck_assert_int_eq(side_create(ss, &sc), MEMIF_OK);
}

/* ---- traffic ------------------------------------------------------------- */

static void fill(uint8_t *p, uint32_t len, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1, i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)x;
	}
}

/*
 * @n packets on every queue from @tx to @rx, @burst at a time: after each
 * burst the receiver's queue fd must be readable (the transmitter
 * signalled), and memif_rx_burst until 0 returns exactly that burst with
 * every byte intact.
 */
static void send_verified(struct memif *tx, struct memif *rx, uint8_t nq,
			  uint32_t tag, unsigned n, unsigned burst)
{
	static const uint32_t lens[] = { 64, 1500, 9000, 1, 2048, 2049 };
	uint8_t *buf = malloc(16 * 9000), *exp = malloc(9000);
	uint8_t q;

	ck_assert(buf && exp && burst <= 16);
	for (q = 0; q < nq; q++) {
		unsigned seq = 0, got = 0;
		int qfd;

		ck_assert_int_eq(memif_get_queue_interrupt_fd(rx, q, &qfd),
				 MEMIF_OK);
		while (seq < n) {
			struct memif_tx_pkt pk[16];
			struct memif_rx_pkt rp[32];
			struct pollfd p = { .fd = qfd, .events = POLLIN };
			uint16_t ns = 0, nr, i, k = 0;
			unsigned first = seq;

			for (i = 0; i < burst && seq + i < n; i++) {
				uint32_t len = lens[(seq + i) % 6];

				fill(buf + i * 9000, len,
				     tag ^ q << 20 ^ (seq + i));
				pk[i] = (struct memif_tx_pkt){ buf + i * 9000,
							       len };
			}
			ck_assert_int_eq(memif_tx_burst(tx, q, pk, i, &ns),
					 MEMIF_OK);
			ck_assert_uint_eq(ns, i);
			seq += ns;
			ck_assert_int_eq(poll(&p, 1, 1000), 1);
			do {
				nr = 0;
				ck_assert_int_eq(memif_rx_burst(rx, q, rp, 32,
								&nr),
						 MEMIF_OK);
				for (i = 0; i < nr; i++, k++) {
					uint32_t len = lens[(first + k) % 6];

					ck_assert_uint_eq(rp[i].len, len);
					fill(exp, len,
					     tag ^ q << 20 ^ (first + k));
					ck_assert(
						!memcmp(rp[i].data, exp, len));
				}
			} while (nr);
			ck_assert_uint_eq(k, ns);
			got += k;
		}
		ck_assert_uint_eq(got, n);
	}
	free(buf);
	free(exp);
}

/* ---- TCase state: init, cleanup, wrong-context calls ---------------------- */

START_TEST(loop_init_twice_already_init)
{
	struct memif_init_opts o = { .no_event_thread = true };

	ck_assert_int_eq(memif_init("loop"), MEMIF_OK);
	ck_assert_int_eq(memif_init("loop"), MEMIF_ERR_ALREADY_INIT);
	ck_assert_int_eq(memif_init_ex("loop", &o), MEMIF_ERR_ALREADY_INIT);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	ck_assert_int_eq(memif_cleanup(), MEMIF_ERR_NOT_INIT);
	/* Init again after cleanup, the other flavour, same rules. */
	ck_assert_int_eq(memif_init_ex("loop", &o), MEMIF_OK);
	ck_assert_int_eq(memif_init_ex("loop", &o), MEMIF_ERR_ALREADY_INIT);
	ck_assert_int_eq(memif_init(NULL), MEMIF_ERR_ALREADY_INIT);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	ck_assert_int_eq(memif_cleanup(), MEMIF_ERR_NOT_INIT);
}
END_TEST

START_TEST(loop_cleanup_without_init_not_init)
{
	struct memif_config c = { .if_name = "x", .is_master = true };
	struct memif *m = NULL;
	int fd = -7;

	ck_assert_int_eq(memif_cleanup(), MEMIF_ERR_NOT_INIT);
	ck_assert_int_eq(memif_get_event_fd(&fd), MEMIF_ERR_NOT_INIT);
	ck_assert_int_eq(fd, -7);
	ck_assert_int_eq(memif_process_events(0), MEMIF_ERR_NOT_INIT);
	ck_assert_int_eq(memif_create_interface(&c, NULL, &m),
			 MEMIF_ERR_NOT_INIT);
	ck_assert_ptr_null(m);
	ck_assert_int_eq(memif_cleanup(), MEMIF_ERR_NOT_INIT);
}
END_TEST

START_TEST(loop_init_ex_starts_no_thread)
{
	struct memif_init_opts o = { .no_event_thread = true };
	int fd, base = count_threads();

	ck_assert_int_ge(base, 1);
	ck_assert_int_eq(memif_init_ex("loop", &o), MEMIF_OK);
	ck_assert_int_eq(count_threads(), base);
	ck_assert_int_eq(memif_get_event_fd(NULL), MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(memif_get_event_fd(&fd), MEMIF_OK);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(memif_process_events(0), MEMIF_OK);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	/* memif_init does start one, and then the loop is not ours.  (TSan
	 * starts its own thread at the first pthread_create, so compare with
	 * the count after cleanup.) */
	ck_assert_int_eq(memif_init("loop"), MEMIF_OK);
	base = count_threads();
	ck_assert_int_eq(memif_process_events(0), MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	ck_assert_int_eq(count_threads(), base - 1);
}
END_TEST

START_TEST(loop_process_events_in_callback_would_deadlock)
{
	struct side ms, ss;
	char sock[96];

	own_loop_pair(&ms, &ss, sock, "cbdead", 1, "loop", true);
	DRIVE_OK(ms.up == 1 && ss.up == 1, CONNECT_MS);
	ck_assert_int_eq(ms.pe_ret_up, MEMIF_ERR_WOULD_DEADLOCK);
	ck_assert_int_eq(ss.pe_ret_up, MEMIF_ERR_WOULD_DEADLOCK);
	ck_assert_int_eq(ms.cl_ret_up, MEMIF_ERR_WOULD_DEADLOCK);
	ck_assert_int_eq(ss.cl_ret_up, MEMIF_ERR_WOULD_DEADLOCK);
	/* The refused calls changed nothing: the link is still up. */
	ck_assert(test_linked(ms.m) && test_linked(ss.m));
	/* on_disconnect: the slave's runs inside memif_close, the master's
	 * inside memif_process_events. */
	ck_assert_int_eq(memif_close(ss.m), MEMIF_OK);
	ck_assert_int_eq(ss.down, 1);
	DRIVE_OK(ms.down == 1, CONNECT_MS);
	ck_assert_int_eq(ms.pe_ret_down, MEMIF_ERR_WOULD_DEADLOCK);
	ck_assert_int_eq(ss.pe_ret_down, MEMIF_ERR_WOULD_DEADLOCK);
	ck_assert_int_eq(ms.cl_ret_down, MEMIF_ERR_WOULD_DEADLOCK);
	ck_assert_int_eq(ss.cl_ret_down, MEMIF_ERR_WOULD_DEADLOCK);
	ck_assert(!ms.bad_thread && !ss.bad_thread);
	ck_assert_int_eq(memif_close(ms.m), MEMIF_OK);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
}
END_TEST

/* ---- TCase pair: connect and pass traffic on the test thread -------------- */

START_TEST(loop_pair_connects_and_passes_traffic)
{
	struct memif_details *d = calloc(1, sizeof(*d));
	struct side ms, ss;
	char sock[96];
	int fds0 = test_count_fds();

	ck_assert_ptr_nonnull(d);
	own_loop_pair(&ms, &ss, sock, "pair", 2, "loop-app", false);
	/* Nothing happens without the loop: the handshake needs it. */
	usleep(100 * 1000);
	ck_assert(!test_linked(ms.m) && !test_linked(ss.m));
	ck_assert_int_eq(ms.up + ss.up, 0);
	DRIVE_OK(ms.up == 1 && ss.up == 1 && test_linked(ms.m) &&
			 test_linked(ss.m),
		 CONNECT_MS);
	ck_assert(!ms.bad_thread && !ss.bad_thread);
	ck_assert_int_eq(memif_get_details(ss.m, d), MEMIF_OK);
	ck_assert_str_eq(d->remote_if_name, "loop-master");
	ck_assert_str_eq(d->remote_instance_name, "loop-app");
	ck_assert_uint_eq(d->num_rx_queues, 2);
	ck_assert_uint_eq(d->num_tx_queues, 2);
	ck_assert_uint_eq(d->connects, 1);
	/* The data path needs no loop at all. */
	send_verified(ss.m, ms.m, 2, 0x5000, 1500, 16);
	send_verified(ms.m, ss.m, 2, 0x3000, 1500, 7);
	ck_assert_int_eq(memif_get_details(ms.m, d), MEMIF_OK);
	ck_assert_uint_eq(d->rx_queues[0].packets, 1500);
	ck_assert_uint_eq(d->rx_queues[1].packets, 1500);
	ck_assert_uint_eq(d->tx_queues[1].packets, 1500);
	ck_assert_uint_eq(d->rx_queues[0].drops_bad_desc, 0);

	ck_assert_int_eq(memif_close(ss.m), MEMIF_OK);
	ck_assert_int_eq(ss.down, 1);
	DRIVE_OK(ms.down == 1, CONNECT_MS);
	ck_assert_int_eq(memif_get_details(ms.m, d), MEMIF_OK);
	ck_assert(!d->has_link);
	ck_assert_str_eq(d->remote_disconnect_reason, "interface deleted");
	ck_assert_int_eq(memif_close(ms.m), MEMIF_OK);
	ck_assert(!ms.bad_order && !ss.bad_order);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	ck_assert_int_eq(test_count_fds(), fds0);
	free(d);
}
END_TEST

/* memif_cleanup closes what is still open, on_disconnect included. */
START_TEST(loop_cleanup_closes_open_pair)
{
	struct side ms, ss;
	char sock[96];
	int fds0 = test_count_fds();

	own_loop_pair(&ms, &ss, sock, "cleanup", 1, "loop", false);
	DRIVE_OK(ms.up == 1 && ss.up == 1, CONNECT_MS);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	ck_assert_int_eq(ms.down, 1);
	ck_assert_int_eq(ss.down, 1);
	ck_assert(!ms.bad_order && !ss.bad_order);
	ck_assert_int_eq(test_count_fds(), fds0);
}
END_TEST

/* ---- TCase eventfd: memif_get_event_fd is pollable ------------------------ */

/* Handle everything pending until the fd goes quiet. */
static void drain_events(int efd)
{
	struct pollfd p = { .fd = efd, .events = POLLIN };
	int i;

	for (i = 0; i < 1000 && poll(&p, 1, 0) > 0; i++)
		ck_assert_int_eq(memif_process_events(0), MEMIF_OK);
	ck_assert_int_eq(poll(&p, 1, 0), 0);
}

/*
 * Drive the loop only when the fd says so: poll(efd), then
 * memif_process_events(0).  If some work did not make the fd readable,
 * the poll times out before @cond holds.
 */
#define POLL_DRIVE_UNTIL(efd, cond, ms)                                      \
	do {                                                                 \
		uint64_t pd_end_ = now_ms() + (ms);                          \
		while (!(cond)) {                                            \
			struct pollfd pd_p_ = { .fd = (efd),                 \
						.events = POLLIN };          \
			int pd_r_ = poll(&pd_p_, 1,                          \
					 (int)(pd_end_ > now_ms() ?          \
						       pd_end_ - now_ms() :  \
						       0));                  \
			ck_assert_msg(pd_r_ == 1,                            \
				      "event fd not readable "               \
				      "while work is pending (poll %d)",     \
				      pd_r_);                                \
			ck_assert_int_eq(memif_process_events(0), MEMIF_OK); \
		}                                                            \
	} while (0)

struct creator {
	const struct memif_config *cfg;
	struct side *s;
	int ret;
};

static void *create_thread(void *arg)
{
	struct creator *cr = arg;

	cr->ret = side_create(cr->s, cr->cfg);
	return NULL;
}

START_TEST(loop_event_fd_pollable)
{
	struct memif_init_opts o = { .no_event_thread = true };
	struct memif_config mc, sc, mc2;
	struct side ms, ss, ms2;
	struct creator cr;
	pthread_t th;
	char sock[96], sock2[96];
	int efd;
	struct pollfd p;
	uint64_t t0;

	pair_configs(&mc, &sc, sock, sizeof(sock), "efd", 1);
	snprintf(sock2, sizeof(sock2), "%s", test_socket_name("efd2"));
	mc2 = mc;
	mc2.socket_filename = sock2;
	ck_assert_int_eq(memif_init_ex("loop", &o), MEMIF_OK);
	ck_assert_int_eq(memif_get_event_fd(&efd), MEMIF_OK);
	drain_events(efd);
	/* Idle: nothing to do, the fd stays quiet. */
	p = (struct pollfd){ .fd = efd, .events = POLLIN };
	ck_assert_int_eq(poll(&p, 1, 100), 0);

	/* A slave with no master: its retry timer (50 ms) wakes the fd,
	 * again and again. */
	side_init(&ss);
	ck_assert_int_eq(side_create(&ss, &sc), MEMIF_OK);
	t0 = now_ms();
	POLL_DRIVE_UNTIL(efd, now_ms() - t0 > 300, 1000);
	ck_assert(!test_linked(ss.m));

	/* The master appears: the slave's next retry, the accept and the
	 * whole handshake are all signalled through the fd. */
	side_init(&ms);
	ck_assert_int_eq(side_create(&ms, &mc), MEMIF_OK);
	POLL_DRIVE_UNTIL(efd, ms.up == 1 && ss.up == 1, CONNECT_MS);
	ck_assert(test_linked(ms.m) && test_linked(ss.m));

	/* Another thread's management call wakes the loop. */
	drain_events(efd);
	side_init(&ms2);
	cr = (struct creator){ &mc2, &ms2, -1 };
	ck_assert_int_eq(pthread_create(&th, NULL, create_thread, &cr), 0);
	p.revents = 0;
	ck_assert_int_eq(poll(&p, 1, 2000), 1);
	ck_assert(p.revents & POLLIN);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_int_eq(cr.ret, MEMIF_OK);
	ck_assert_int_eq(memif_process_events(0), MEMIF_OK);

	/* A peer's DISCONNECT wakes it too. */
	drain_events(efd);
	ck_assert_int_eq(memif_close(ss.m), MEMIF_OK);
	POLL_DRIVE_UNTIL(efd, ms.down == 1, CONNECT_MS);

	ck_assert_int_eq(memif_close(ms2.m), MEMIF_OK);
	ck_assert_int_eq(memif_close(ms.m), MEMIF_OK);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
}
END_TEST

/* ---- TCase strerror -------------------------------------------------------- */

static const int known_codes[] = {
	MEMIF_OK,
	MEMIF_ERR_SYSCALL,
	MEMIF_ERR_CONNREFUSED,
	MEMIF_ERR_ACCES,
	MEMIF_ERR_NO_FILE,
	MEMIF_ERR_FILE_LIMIT,
	MEMIF_ERR_PROC_FILE_LIMIT,
	MEMIF_ERR_ALREADY,
	MEMIF_ERR_AGAIN,
	MEMIF_ERR_BAD_FD,
	MEMIF_ERR_NOMEM,
	MEMIF_ERR_INVAL_ARG,
	MEMIF_ERR_NOCONN,
	MEMIF_ERR_CONN,
	MEMIF_ERR_CB_FDUPDATE,
	MEMIF_ERR_FILE_NOT_SOCK,
	MEMIF_ERR_NO_SHMFD,
	MEMIF_ERR_COOKIE,
	MEMIF_ERR_NOBUF_RING,
	MEMIF_ERR_NOBUF,
	MEMIF_ERR_NOBUF_DET,
	MEMIF_ERR_INT_WRITE,
	MEMIF_ERR_MFMSG,
	MEMIF_ERR_QID,
	MEMIF_ERR_PROTO,
	MEMIF_ERR_ID,
	MEMIF_ERR_ACCSLAVE,
	MEMIF_ERR_ALRCONN,
	MEMIF_ERR_MODE,
	MEMIF_ERR_SECRET,
	MEMIF_ERR_NOSECRET,
	MEMIF_ERR_MAXREG,
	MEMIF_ERR_MAXRING,
	MEMIF_ERR_NO_INTFD,
	MEMIF_ERR_DISCONNECT,
	MEMIF_ERR_DISCONNECTED,
	MEMIF_ERR_UNKNOWN_MSG,
	MEMIF_ERR_POLL_CANCELED,
	MEMIF_ERR_MAX_RING,
	MEMIF_ERR_PRIVHDR,
	MEMIF_ERR_NOT_INIT,
	MEMIF_ERR_ALREADY_INIT,
	MEMIF_ERR_UNSUPPORTED,
	MEMIF_ERR_EOF,
	MEMIF_ERR_WOULD_DEADLOCK,
	MEMIF_ERR_PKT_LEN,
};

#define N_KNOWN (sizeof(known_codes) / sizeof(known_codes[0]))

static bool is_known(int code)
{
	size_t i;

	for (i = 0; i < N_KNOWN; i++)
		if (known_codes[i] == code)
			return true;
	return false;
}

START_TEST(loop_strerror_every_code)
{
	static const int odd[] = { INT_MIN,	INT_MIN + 1, -1000000, -105,
				   -104,	-101,	     -100,     -40,
				   -39,		-22,	     -2,       40,
				   41,		99,	     105,      107,
				   200,		255,	     256,      1000000,
				   INT_MAX - 1, INT_MAX };
	const char *unknown = memif_strerror(MEMIF_ERR_UNKNOWN);
	const char *texts[N_KNOWN];
	char copy[N_KNOWN][128];
	size_t i, j;
	int code;

	ck_assert_ptr_nonnull(unknown);
	ck_assert_uint_gt(strlen(unknown), 0);
	/* Every defined code: its own non-empty text, distinct from the
	 * others and from the unknown-code text. */
	for (i = 0; i < N_KNOWN; i++) {
		texts[i] = memif_strerror(known_codes[i]);
		ck_assert_msg(texts[i] && texts[i][0], "code %d: no text",
			      known_codes[i]);
		ck_assert_msg(strcmp(texts[i], unknown) != 0,
			      "code %d: \"%s\" (the unknown-code text)",
			      known_codes[i], texts[i]);
		snprintf(copy[i], sizeof(copy[i]), "%s", texts[i]);
		for (j = 0; j < i; j++)
			ck_assert_msg(strcmp(texts[i], texts[j]) != 0,
				      "codes %d and %d: same text \"%s\"",
				      known_codes[i], known_codes[j], texts[i]);
	}
	/* Every integer in a wide range, and the extremes: non-NULL; an
	 * undefined code gets the unknown-code text. */
	for (code = -70000; code <= 70000; code++) {
		const char *t = memif_strerror(code);

		ck_assert_msg(t != NULL, "code %d: NULL", code);
		if (!is_known(code))
			ck_assert_msg(!strcmp(t, unknown), "code %d: \"%s\"",
				      code, t);
	}
	for (i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		const char *t = memif_strerror(odd[i]);

		ck_assert_msg(t && !strcmp(t, unknown), "code %d: \"%s\"",
			      odd[i], t ? t : "(null)");
	}
	/* Static: the same pointer every time, and the earlier strings were
	 * not overwritten by the later calls. */
	for (i = 0; i < N_KNOWN; i++) {
		ck_assert_ptr_eq(memif_strerror(known_codes[i]), texts[i]);
		ck_assert_str_eq(texts[i], copy[i]);
	}
	/* Spot checks against the adapter's meanings. */
	ck_assert_str_eq(memif_strerror(MEMIF_ERR_SECRET), "secret mismatch");
	ck_assert_str_eq(memif_strerror(MEMIF_ERR_ID),
			 "unmatched interface id");
}
END_TEST

static void *strerror_thread(void *arg)
{
	const char **out = arg;
	size_t i;

	for (i = 0; i < N_KNOWN; i++)
		out[i] = memif_strerror(known_codes[i]);
	return NULL;
}

/* The same static strings from another thread (no per-thread buffer). */
START_TEST(loop_strerror_same_pointer_across_threads)
{
	const char *mine[N_KNOWN], *theirs[N_KNOWN];
	pthread_t th;
	size_t i;

	for (i = 0; i < N_KNOWN; i++)
		mine[i] = memif_strerror(known_codes[i]);
	ck_assert_int_eq(pthread_create(&th, NULL, strerror_thread, theirs), 0);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	for (i = 0; i < N_KNOWN; i++)
		ck_assert_ptr_eq(mine[i], theirs[i]);
}
END_TEST

TEST_SUITE(loop_suite, "loop",
	   TEST_CASE("state", 30, NULL, NULL, loop_init_twice_already_init,
		     loop_cleanup_without_init_not_init,
		     loop_init_ex_starts_no_thread,
		     loop_process_events_in_callback_would_deadlock),
	   TEST_CASE("pair", 60, NULL, NULL,
		     loop_pair_connects_and_passes_traffic,
		     loop_cleanup_closes_open_pair),
	   TEST_CASE("eventfd", 30, NULL, NULL, loop_event_fd_pollable),
	   TEST_CASE("strerror", 30, NULL, NULL, loop_strerror_every_code,
		     loop_strerror_same_pointer_across_threads))

MEMIF_TEST_MAIN(loop_suite)
