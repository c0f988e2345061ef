/* SPDX-License-Identifier: MIT */
/*
 * The public API's argument and error paths: each function's documented
 * Return: codes (include/memif/memif.h) for missing arguments, unknown
 * handles, a library that is not initialised, a bad queue id, an
 * interface that is not connected and bad packet lengths; configuration
 * checks and defaults of memif_create_interface; resource exhaustion in
 * memif_init and memif_create_interface; the logger; callbacks that are
 * missing, return an error, or are still running when the interface or
 * the library is closed; and the one -errno -> MEMIF_ERR_* converter.
 * This file has the fixtures and the suite; the calls on a connected pair
 * and the callbacks are in test-api-pair.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "internal.h"
#include "test-api.h"

/* A handle no function may look into: only for calls that must refuse
 * before touching it (no library, so no interface can exist). */
static union {
	uint64_t align;
	char bytes[64];
} not_a_handle;
#define BOGUS ((struct memif *)&not_a_handle)

int fds_before;

/* ---- fixtures ------------------------------------------------------------ */

void lib_setup(void)
{
	fds_before = test_count_fds();
	memif_set_log_level(MEMIF_LOG_ERROR);
	ck_assert_int_eq(memif_init("test-api"), MEMIF_OK);
}

void lib_teardown(void)
{
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	ck_assert_int_eq(test_count_fds(), fds_before);
}

static void fds_setup(void)
{
	fds_before = test_count_fds();
	memif_set_log_level(MEMIF_LOG_ERROR);
}

static void fds_teardown(void)
{
	ck_assert_int_eq(test_count_fds(), fds_before);
}

struct side ms, ss;
char sock[64];

int cb_up(struct memif *m, void *ctx)
{
	struct side *s = ctx;

	atomic_store(&s->entered, 1);
	if (s->hold) {
		while (!atomic_load(s->hold))
			usleep(1000);
		usleep(100 * 1000);
	}
	atomic_fetch_add(&s->up, 1);
	atomic_store(&s->left, 1);
	return s->ret;
}

int cb_down(struct memif *m, void *ctx)
{
	struct side *s = ctx;

	if (atomic_load(&s->entered) && !atomic_load(&s->left))
		atomic_fetch_add(&s->overlap, 1);
	atomic_fetch_add(&s->down, 1);
	return 0;
}

void side_reset(struct side *s)
{
	s->m = NULL;
	atomic_store(&s->up, 0);
	atomic_store(&s->down, 0);
	atomic_store(&s->entered, 0);
	atomic_store(&s->left, 0);
	atomic_store(&s->overlap, 0);
	s->ret = 0;
	s->hold = NULL;
}

static struct memif_config pair_cfg(bool master)
{
	return (struct memif_config){ .if_name = master ? "api-m" : "api-s",
				      .socket_filename = sock,
				      .conn_id = 1,
				      .is_master = master,
				      .log2_ring_size = 4,
				      .reconnect_interval_ms = 20 };
}

void pair_create(const struct memif_callbacks *mcb,
		 const struct memif_callbacks *scb)
{
	struct memif_config mc = pair_cfg(true), sc = pair_cfg(false);

	ck_assert_int_eq(memif_create_interface(&mc, mcb, &ms.m), MEMIF_OK);
	ck_assert_int_eq(memif_create_interface(&sc, scb, &ss.m), MEMIF_OK);
}

void pair_setup(void)
{
	struct memif_callbacks mcb = { cb_up, cb_down, &ms };
	struct memif_callbacks scb = { cb_up, cb_down, &ss };

	lib_setup();
	side_reset(&ms);
	side_reset(&ss);
	snprintf(sock, sizeof(sock), "%s", test_socket_name("api"));
	pair_create(&mcb, &scb);
	ck_assert_msg(WAIT_UNTIL(atomic_load(&ms.up) == 1 &&
					 atomic_load(&ss.up) == 1,
				 CONNECT_MS),
		      "pair not connected");
}

void pair_teardown(void)
{
	ck_assert_int_eq(memif_close(ss.m), MEMIF_OK);
	ck_assert_int_eq(memif_close(ms.m), MEMIF_OK);
	lib_teardown();
}

struct memif_details *details_of(struct memif *m)
{
	struct memif_details *d = calloc(1, sizeof(*d));

	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(memif_get_details(m, d), MEMIF_OK);
	return d;
}

/* Out of fds: the next open gets EMFILE.  Returns the old soft limit. */
static rlim_t fds_exhaust(void)
{
	struct rlimit rl;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	test_set_nofile((rlim_t)test_lowest_free_fd());
	return rl.rlim_cur;
}

/* ---- library --------------------------------------------------------------- */

START_TEST(api_init_at_fd_limit_proc_file_limit)
{
	rlim_t old = fds_exhaust();
	int ret = memif_init("api");

	test_set_nofile(old);
	ck_assert_int_eq(ret, MEMIF_ERR_PROC_FILE_LIMIT);
	ck_assert_int_eq(test_count_fds(), fds_before);
	/* Nothing half-initialised was left behind. */
	ck_assert_int_eq(memif_cleanup(), MEMIF_ERR_NOT_INIT);
	ck_assert_int_eq(memif_init("api"), MEMIF_OK);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
}
END_TEST

/* Without a library no handle can be valid: every management call says
 * so before looking at it. */
START_TEST(api_calls_without_init_not_init)
{
	struct memif_details *d = calloc(1, sizeof(*d));
	int fd = -7, code = -7;

	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(memif_close(BOGUS), MEMIF_ERR_NOT_INIT);
	ck_assert_int_eq(memif_get_details(BOGUS, d), MEMIF_ERR_NOT_INIT);
	ck_assert_int_eq(memif_set_rx_mode(BOGUS, 0, MEMIF_RX_MODE_POLLING),
			 MEMIF_ERR_NOT_INIT);
	ck_assert_int_eq(memif_get_interrupt_fd(BOGUS, &fd),
			 MEMIF_ERR_NOT_INIT);
	ck_assert_int_eq(memif_read_interrupt_error(BOGUS, &code),
			 MEMIF_ERR_NOT_INIT);
	ck_assert_int_eq(memif_get_queue_interrupt_fd(BOGUS, 0, &fd),
			 MEMIF_ERR_NOT_INIT);
	ck_assert_int_eq(fd, -7);
	ck_assert_int_eq(code, -7);
	free(d);
}
END_TEST

struct pe_race {
	atomic_int ret; /* memif_process_events in the other thread */
};

static void *process_events_thread(void *arg)
{
	struct pe_race *r = arg;

	atomic_store(&r->ret, memif_process_events(0));
	return NULL;
}

static struct pe_race race;

/* on_connect, run by memif_process_events on the test thread, asks
 * another thread to run the loop too. */
static int cb_up_race(struct memif *m, void *ctx)
{
	pthread_t t;

	if (atomic_load(&race.ret) == -1000 &&
	    pthread_create(&t, NULL, process_events_thread, &race) == 0)
		pthread_join(t, NULL);
	return 0;
}

/* The loop runs in one thread at a time: a second thread that calls
 * memif_process_events while the first is inside it (here: inside a
 * callback, with no lock held) is refused, not let in. */
START_TEST(api_process_events_second_thread_would_deadlock)
{
	struct memif_init_opts o = { .no_event_thread = true };
	struct memif_callbacks cb = { cb_up_race, NULL, NULL };
	struct memif_config mc, sc;
	struct memif *m, *s;

	atomic_store(&race.ret, -1000);
	snprintf(sock, sizeof(sock), "%s", test_socket_name("api-race"));
	mc = pair_cfg(true);
	sc = pair_cfg(false);
	ck_assert_int_eq(memif_init_ex("api", &o), MEMIF_OK);
	ck_assert_int_eq(memif_create_interface(&mc, &cb, &m), MEMIF_OK);
	ck_assert_int_eq(memif_create_interface(&sc, NULL, &s), MEMIF_OK);
	{
		uint64_t end = test_now_ms() + CONNECT_MS;

		while (atomic_load(&race.ret) == -1000 && test_now_ms() < end)
			ck_assert_int_eq(memif_process_events(10), MEMIF_OK);
	}
	ck_assert_int_eq(atomic_load(&race.ret), MEMIF_ERR_WOULD_DEADLOCK);
	ck_assert_int_eq(memif_close(s), MEMIF_OK);
	ck_assert_int_eq(memif_close(m), MEMIF_OK);
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
}
END_TEST

/* ---- logger ---------------------------------------------------------------- */

struct log_rec {
	int calls;
	enum memif_log_level level;
	bool if_name_null;
	int queue_id;
	int err_code;
	char msg[64];
};

static void log_to(enum memif_log_level level, const char *if_name,
		   int queue_id, int err_code, const char *msg, void *ctx)
{
	struct log_rec *r = ctx;

	r->calls++;
	r->level = level;
	r->if_name_null = if_name == NULL;
	r->queue_id = queue_id;
	r->err_code = err_code;
	snprintf(r->msg, sizeof(r->msg), "%s", msg);
}

/* The sink gets the formatted message with its context, level, code and
 * queue; messages less severe than the level never reach it. */
START_TEST(api_logger_receives_messages_at_level)
{
	struct log_rec r = { 0 };

	memif_set_logger(log_to, &r);
	memif_set_log_level(MEMIF_LOG_WARN);
	memif__log(MEMIF_LOG_INFO, NULL, -1, 0, "quiet %d", 1);
	ck_assert_int_eq(r.calls, 0);
	memif__log(MEMIF_LOG_ERROR, NULL, 3, MEMIF_ERR_NOMEM, "loud %d", 2);
	ck_assert_int_eq(r.calls, 1);
	ck_assert_int_eq(r.level, MEMIF_LOG_ERROR);
	ck_assert(r.if_name_null);
	ck_assert_int_eq(r.queue_id, 3);
	ck_assert_int_eq(r.err_code, MEMIF_ERR_NOMEM);
	ck_assert_str_eq(r.msg, "loud 2");
	memif_set_logger(NULL, NULL);
}
END_TEST

/* A new sink replaces the old one, and NULL restores the default: stderr. */
START_TEST(api_logger_replaced_then_default_stderr)
{
	struct log_rec a = { 0 }, b = { 0 };
	char buf[256] = "";
	int pfd[2], saved;
	ssize_t n;

	memif_set_log_level(MEMIF_LOG_WARN);
	memif_set_logger(log_to, &a);
	memif_set_logger(log_to, &b);
	memif__log(MEMIF_LOG_WARN, NULL, -1, 0, "to b");
	ck_assert_int_eq(a.calls, 0);
	ck_assert_int_eq(b.calls, 1);

	memif_set_logger(NULL, NULL);
	ck_assert_int_eq(pipe2(pfd, O_CLOEXEC), 0);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_ge(dup2(pfd[1], STDERR_FILENO), 0);
	memif__log(MEMIF_LOG_WARN, NULL, -1, 0, "to stderr %d", 42);
	fflush(stderr);
	ck_assert_int_ge(dup2(saved, STDERR_FILENO), 0);
	close(saved);
	close(pfd[1]);
	n = read(pfd[0], buf, sizeof(buf) - 1);
	close(pfd[0]);
	ck_assert_int_gt(n, 0);
	/* 2026-12-07T06:20:01.123Z: UTC to the millisecond, then the text */
	ck_assert_int_eq(n, 25 + 32);
	ck_assert_msg(buf[4] == '-' && buf[10] == 'T' && buf[19] == '.' &&
			      buf[23] == 'Z' && buf[24] == ' ',
		      "no timestamp: %s", buf);
	ck_assert_str_eq(buf + 25, "memif-native warn: to stderr 42\n");
	ck_assert_int_eq(b.calls, 1);
}
END_TEST

/* MEMIF_LOG_LEVEL takes a digit or a level's name, in any case. */
START_TEST(api_log_level_env_digits_and_names)
{
	ck_assert_int_eq(memif__log_level_parse("0"), MEMIF_LOG_PANIC);
	ck_assert_int_eq(memif__log_level_parse("6"), MEMIF_LOG_TRACE);
	ck_assert_int_eq(memif__log_level_parse("error"), MEMIF_LOG_ERROR);
	ck_assert_int_eq(memif__log_level_parse("WARN"), MEMIF_LOG_WARN);
	ck_assert_int_eq(memif__log_level_parse("Warning"), MEMIF_LOG_WARN);
	ck_assert_int_eq(memif__log_level_parse("info"), MEMIF_LOG_INFO);
	ck_assert_int_eq(memif__log_level_parse("Debug"), MEMIF_LOG_DEBUG);
	ck_assert_int_eq(memif__log_level_parse("trace"), MEMIF_LOG_TRACE);
	ck_assert_int_eq(memif__log_level_parse("7"), -1);
	ck_assert_int_eq(memif__log_level_parse("44"), -1);
	ck_assert_int_eq(memif__log_level_parse("loud"), -1);
	ck_assert_int_eq(memif__log_level_parse(""), -1);
	ck_assert_int_eq(memif__log_level_parse(NULL), -1);
}
END_TEST

/* memif_version() is the project's version, as the header's macros. */
START_TEST(api_version_matches_header)
{
	ck_assert_str_eq(memif_version(), MEMIF_NATIVE_VERSION_STRING);
	ck_assert_int_eq(MEMIF_NATIVE_VERSION,
			 (MEMIF_NATIVE_VERSION_MAJOR << 16) |
				 (MEMIF_NATIVE_VERSION_MINOR << 8) |
				 MEMIF_NATIVE_VERSION_PATCH);
}
END_TEST

/* ---- the converter ----------------------------------------------------------- */

/* STYLE.md 3.4's table; any other errno is MEMIF_ERR_SYSCALL and kept for
 * memif_errno(). */
START_TEST(api_err_from_errno_maps_table)
{
	static const struct {
		int err, code;
	} map[] = {
		{ 0, MEMIF_OK },
		{ ECONNREFUSED, MEMIF_ERR_CONNREFUSED },
		{ EACCES, MEMIF_ERR_ACCES },
		{ ENOENT, MEMIF_ERR_NO_FILE },
		{ ENFILE, MEMIF_ERR_FILE_LIMIT },
		{ EMFILE, MEMIF_ERR_PROC_FILE_LIMIT },
		{ EALREADY, MEMIF_ERR_ALREADY },
		{ EAGAIN, MEMIF_ERR_AGAIN },
		{ EBADF, MEMIF_ERR_BAD_FD },
		{ ENOMEM, MEMIF_ERR_NOMEM },
		{ EINVAL, MEMIF_ERR_INVAL_ARG },
		{ ENOTSOCK, MEMIF_ERR_FILE_NOT_SOCK },
	};
	unsigned i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		ck_assert_msg(memif__err_from_errno(-map[i].err) == map[i].code,
			      "errno %d", map[i].err);
	ck_assert_int_eq(memif__err_from_errno(-EPERM), MEMIF_ERR_SYSCALL);
	ck_assert_int_eq(memif_errno(), EPERM);
	ck_assert_int_eq(memif__err_from_errno(-EADDRINUSE), MEMIF_ERR_SYSCALL);
	ck_assert_int_eq(memif_errno(), EADDRINUSE);
}
END_TEST

/* memif_errno() is per thread. */
static void *errno_thread(void *arg)
{
	*(int *)arg = memif_errno();
	return NULL;
}

START_TEST(api_errno_is_per_thread)
{
	pthread_t t;
	int other = -1;

	ck_assert_int_eq(memif__err_from_errno(-EPIPE), MEMIF_ERR_SYSCALL);
	ck_assert_int_eq(pthread_create(&t, NULL, errno_thread, &other), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(other, 0);
	ck_assert_int_eq(memif_errno(), EPIPE);
}
END_TEST

START_TEST(api_err_from_fault_none_and_internal)
{
	ck_assert_int_eq(memif__err_from_fault(MEMIF_FAULT_NONE), MEMIF_OK);
	ck_assert_int_eq(memif__err_from_fault(MEMIF_FAULT_INTERNAL),
			 MEMIF_ERR_NOMEM);
}
END_TEST

static atomic_int go;

void pair_with_held_callback(const char *tag)
{
	struct memif_callbacks mcb = { cb_up, cb_down, &ms };

	atomic_store(&go, 0);
	snprintf(sock, sizeof(sock), "%s", test_socket_name(tag));
	side_reset(&ms);
	side_reset(&ss);
	ms.hold = &go;
	pair_create(&mcb, NULL);
	ck_assert(WAIT_UNTIL(atomic_load(&ms.entered), CONNECT_MS));
	atomic_store(&go, 1);
}

void assert_callback_finished(void)
{
	ck_assert_int_eq(atomic_load(&ms.left), 1);
	ck_assert_int_eq(atomic_load(&ms.down), 1);
	ck_assert_int_eq(atomic_load(&ms.overlap), 0);
}

/* memif_cleanup while an interface's on_connect runs returns only after
 * the callback has, then closes the interface (memif_close does the same:
 * api_close_waits_for_running_callback in test-api-pair.c). */
START_TEST(api_cleanup_waits_for_running_callback)
{
	fds_before = test_count_fds();
	ck_assert_int_eq(memif_init("test-api"), MEMIF_OK);
	pair_with_held_callback("api-clwait");
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	assert_callback_finished();
	ck_assert_int_eq(test_count_fds(), fds_before);
}
END_TEST

/* ---- memif_create_interface --------------------------------------------------- */

/* memif_create_interface(@c) returns @code and no handle. */
static void create_refused(const struct memif_config *c, int code)
{
	struct memif *m = NULL;

	ck_assert_int_eq(memif_create_interface(c, NULL, &m), code);
	ck_assert_ptr_null(m);
}

/* memif_create_interface(@c) succeeds; the interface is closed again. */
static void create_accepted(const struct memif_config *c)
{
	struct memif *m = NULL;

	ck_assert_int_eq(memif_create_interface(c, NULL, &m), MEMIF_OK);
	ck_assert_int_eq(memif_close(m), MEMIF_OK);
}

/* memif_create_interface(@c) succeeds: the new interface's details (for
 * the caller to free), taken before it is closed again. */
static struct memif_details *created_details(const struct memif_config *c)
{
	struct memif_details *d;
	struct memif *m = NULL;

	ck_assert_int_eq(memif_create_interface(c, NULL, &m), MEMIF_OK);
	d = details_of(m);
	ck_assert_int_eq(memif_close(m), MEMIF_OK);
	return d;
}

/* A slave "x" on a socket named after @tag, of this many queues each way,
 * ring size and buffer size. */
static struct memif_config slave_geometry(const char *tag, uint16_t rxq,
					  uint16_t txq, uint8_t log2,
					  uint16_t buffer_size)
{
	return (struct memif_config){ .if_name = "x",
				      .socket_filename = test_socket_name(tag),
				      .num_rx_queues = rxq,
				      .num_tx_queues = txq,
				      .log2_ring_size = log2,
				      .buffer_size = buffer_size };
}

/* memif_create_interface(@c) succeeds, and the details' string @field
 * is @want. */
#define ASSERT_CREATED_STR(c, field, want)                     \
	do {                                                   \
		struct memif_details *d_ = created_details(c); \
                                                               \
		ck_assert_str_eq(d_->field, want);             \
		free(d_);                                      \
	} while (0)

START_TEST(api_create_null_args_inval_arg)
{
	struct memif_config c = { .if_name = "x", .is_master = true };
	struct memif *m = NULL;

	ck_assert_int_eq(memif_create_interface(NULL, NULL, &m),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(memif_create_interface(&c, NULL, NULL),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_ptr_null(m);
}
END_TEST

START_TEST(api_create_bad_modes_inval_arg)
{
	struct memif_config c = { .if_name = "x",
				  .socket_filename = test_socket_name("mode") };

	c.mode = (enum memif_if_mode)3;
	create_refused(&c, MEMIF_ERR_INVAL_ARG);
	c.mode = MEMIF_IF_MODE_PUNT_INJECT;
	c.rx_mode = (enum memif_rx_mode)3;
	create_refused(&c, MEMIF_ERR_INVAL_ARG);
	c.rx_mode = (enum memif_rx_mode)(-1);
	create_refused(&c, MEMIF_ERR_INVAL_ARG);
}
END_TEST

START_TEST(api_create_log2_above_14_max_ring)
{
	struct memif_config c = { .if_name = "x",
				  .is_master = true,
				  .socket_filename = test_socket_name("log2"),
				  .log2_ring_size = 15 };

	create_refused(&c, MEMIF_ERR_MAX_RING);
	c.log2_ring_size = 14;
	create_accepted(&c);
}
END_TEST

/* Up to 256 queues each way (HELLO's highest ring index is 255); 257 is
 * refused, not wrapped. */
START_TEST(api_create_queues_over_256_inval_arg)
{
	struct memif_config c = slave_geometry("q256", 257, 1, 4, 128);

	create_refused(&c, MEMIF_ERR_INVAL_ARG);
	c.num_rx_queues = 1;
	c.num_tx_queues = 257;
	create_refused(&c, MEMIF_ERR_INVAL_ARG);
	c.num_rx_queues = 256;
	c.num_tx_queues = 256;
	create_accepted(&c);
}
END_TEST

START_TEST(api_create_secret_over_23_chars_inval_arg)
{
	struct memif_config c = { .if_name = "x",
				  .is_master = true,
				  .socket_filename = test_socket_name("secret"),
				  .secret = "123456789012345678901234" };

	create_refused(&c, MEMIF_ERR_INVAL_ARG);
	c.secret = "12345678901234567890123";
	ASSERT_CREATED_STR(&c, secret, "12345678901234567890123");
}
END_TEST

START_TEST(api_create_socket_path_over_107_chars_inval_arg)
{
	char name[MEMIF_SOCKET_PATH_MAX + 1];
	struct memif_config c = { .if_name = "x", .socket_filename = name };

	memset(name, 'a', sizeof(name));
	name[0] = '@';
	name[MEMIF_SOCKET_PATH_MAX] = 0; /* 108 characters */
	create_refused(&c, MEMIF_ERR_INVAL_ARG);
	c.is_master = true;
	create_refused(&c, MEMIF_ERR_INVAL_ARG);
}
END_TEST

/* "@" names no abstract socket, for either role. */
START_TEST(api_create_lone_at_socket_inval_arg)
{
	struct memif_config c = { .if_name = "x", .socket_filename = "@" };

	create_refused(&c, MEMIF_ERR_INVAL_ARG);
	c.is_master = true;
	create_refused(&c, MEMIF_ERR_INVAL_ARG);
}
END_TEST

/* 255 + 255 rings of 16384 slots of 65535 bytes cannot fit the 4 GiB a
 * region offset can address: a slave refuses at once. */
START_TEST(api_create_slave_layout_over_4gib_inval_arg)
{
	struct memif_config c = slave_geometry("big", 255, 255, 14, 65535);

	create_refused(&c, MEMIF_ERR_INVAL_ARG);
}
END_TEST

START_TEST(api_create_at_fd_limit_proc_file_limit)
{
	struct memif_config c = { .if_name = "x",
				  .is_master = true,
				  .socket_filename =
					  test_socket_name("emfile") };
	struct memif *m = NULL;
	int before = test_count_fds(), ret;
	rlim_t old = fds_exhaust();

	ret = memif_create_interface(&c, NULL, &m);
	test_set_nofile(old);
	ck_assert_int_eq(ret, MEMIF_ERR_PROC_FILE_LIMIT);
	ck_assert_ptr_null(m);
	ck_assert_int_eq(test_count_fds(), before);
	/* One fd is enough for a master (its listener): the interrupt and
	 * error eventfds come when asked for, and asking at the limit fails
	 * cleanly and can be retried. */
	{
		int fd = test_lowest_free_fd(), efd;

		test_set_nofile((rlim_t)fd + 1);
		ret = memif_create_interface(&c, NULL, &m);
		ck_assert_int_eq(ret, MEMIF_OK);
		ret = memif_get_interrupt_fd(m, &efd);
		ck_assert_int_eq(ret, MEMIF_ERR_PROC_FILE_LIMIT);
		ret = memif_get_interrupt_error_fd(m, &efd);
		ck_assert_int_eq(ret, MEMIF_ERR_PROC_FILE_LIMIT);
		test_set_nofile(old);
		ck_assert_int_eq(test_count_fds(), before + 1);
		ck_assert_int_eq(memif_get_interrupt_fd(m, &efd), MEMIF_OK);
		ck_assert_int_eq(memif_get_interrupt_error_fd(m, &efd),
				 MEMIF_OK);
		ck_assert_int_eq(test_count_fds(), before + 3);
		ck_assert_int_eq(memif_close(m), MEMIF_OK);
		ck_assert_int_eq(test_count_fds(), before);
	}
}
END_TEST

/* instance_name, else the config's app_name, else memif_init's. */
START_TEST(api_create_instance_name_defaults)
{
	struct memif_config c = { .if_name = "x",
				  .socket_filename = test_socket_name("names"),
				  .reconnect_interval_ms = 60000 };
	struct memif_details *d;

	d = created_details(&c);
	ck_assert_str_eq(d->instance_name, "test-api");
	ck_assert_str_eq(d->app_name, "");
	free(d);

	c.app_name = "cfg-app";
	d = created_details(&c);
	ck_assert_str_eq(d->instance_name, "cfg-app");
	ck_assert_str_eq(d->app_name, "cfg-app");
	free(d);

	c.instance_name = "cfg-instance";
	ASSERT_CREATED_STR(&c, instance_name, "cfg-instance");
}
END_TEST

/* Names are cut to 31 characters, not refused. */
START_TEST(api_create_long_if_name_truncated)
{
	struct memif_config c = {
		.if_name = "0123456789012345678901234567890123456789",
		.socket_filename = test_socket_name("longname"),
		.reconnect_interval_ms = 60000
	};

	ASSERT_CREATED_STR(&c, if_name, "0123456789012345678901234567890");
}
END_TEST

/* No socket_filename: VPP's default path (a slave only tries to connect
 * there: nothing is created). */
START_TEST(api_create_default_socket_path)
{
	struct memif_config c = { .if_name = "x",
				  .reconnect_interval_ms = 60000 };

	ASSERT_CREATED_STR(&c, socket_filename, MEMIF_DEFAULT_SOCKET);
}
END_TEST

START_TEST(api_user_data_returned)
{
	int cookie;
	struct memif_config c = { .if_name = "x",
				  .socket_filename = test_socket_name("ud"),
				  .reconnect_interval_ms = 60000,
				  .user_data = &cookie };
	struct memif *m;

	ck_assert_int_eq(memif_create_interface(&c, NULL, &m), MEMIF_OK);
	ck_assert_ptr_eq(memif_get_user_data(m), &cookie);
	ck_assert_ptr_null(memif_get_user_data(NULL));
	ck_assert_int_eq(memif_close(m), MEMIF_OK);
}
END_TEST

/* ---- handles and management calls -------------------------------------------- */

static struct memif *lone; /* the "handles" tests' slave */

/* lib_setup, and a slave that never connects, closed again (asserted) at
 * teardown. */
static void lone_setup(void)
{
	lib_setup();
	lone = test_lone_slave();
}

static void lone_teardown(void)
{
	ck_assert_int_eq(memif_close(lone), MEMIF_OK);
	lib_teardown();
}

START_TEST(api_close_null_noconn)
{
	ck_assert_int_eq(memif_close(NULL), MEMIF_ERR_NOCONN);
}
END_TEST

START_TEST(api_get_details_null_args)
{
	struct memif_details *d = calloc(1, sizeof(*d));

	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(memif_get_details(NULL, d), MEMIF_ERR_NOCONN);
	ck_assert_int_eq(memif_get_details(lone, NULL), MEMIF_ERR_INVAL_ARG);
	free(d);
}
END_TEST

START_TEST(api_set_rx_mode_null_and_bad_mode)
{
	ck_assert_int_eq(memif_set_rx_mode(NULL, 0, MEMIF_RX_MODE_POLLING),
			 MEMIF_ERR_NOCONN);
	ck_assert_int_eq(memif_set_rx_mode(lone, 0, (enum memif_rx_mode)3),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(memif_set_rx_mode(lone, 0, (enum memif_rx_mode)(-1)),
			 MEMIF_ERR_INVAL_ARG);
}
END_TEST

START_TEST(api_set_rx_mode_not_connected_disconnected)
{
	ck_assert_int_eq(memif_set_rx_mode(lone, 0, MEMIF_RX_MODE_POLLING),
			 MEMIF_ERR_DISCONNECTED);
}
END_TEST

START_TEST(api_interrupt_fd_calls_null_args)
{
	int fd = -7, code = -7;
	uint8_t qid = 7;

	ck_assert_int_eq(memif_get_interrupt_fd(NULL, &fd), MEMIF_ERR_NOCONN);
	ck_assert_int_eq(memif_get_interrupt_fd(lone, NULL),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(memif_read_interrupt(NULL, &qid), MEMIF_ERR_NOCONN);
	ck_assert_int_eq(memif_read_interrupt(lone, NULL), MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(memif_get_interrupt_error_fd(NULL, &fd),
			 MEMIF_ERR_NOCONN);
	ck_assert_int_eq(memif_get_interrupt_error_fd(lone, NULL),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(memif_read_interrupt_error(NULL, &code),
			 MEMIF_ERR_NOCONN);
	ck_assert_int_eq(memif_read_interrupt_error(lone, NULL),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(memif_get_queue_interrupt_fd(NULL, 0, &fd),
			 MEMIF_ERR_NOCONN);
	ck_assert_int_eq(memif_get_queue_interrupt_fd(lone, 0, NULL),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(fd, -7);
	ck_assert_int_eq(code, -7);
	ck_assert_uint_eq(qid, 7);
}
END_TEST

/* Nothing pending: AGAIN, and the interrupt fd is not readable. */
START_TEST(api_read_interrupt_none_pending_again)
{
	struct pollfd p = { .events = POLLIN };
	uint8_t qid = 7;

	ck_assert_int_eq(memif_get_interrupt_fd(lone, &p.fd), MEMIF_OK);
	ck_assert_int_ge(p.fd, 0);
	ck_assert_int_eq(poll(&p, 1, 0), 0);
	ck_assert_int_eq(memif_read_interrupt(lone, &qid), MEMIF_ERR_AGAIN);
	ck_assert_uint_eq(qid, 7);
}
END_TEST

/* A lone slave's refused connect is queued; once it is read the queue is
 * empty (AGAIN) and its fd no longer readable. */
START_TEST(api_read_interrupt_error_empty_again)
{
	struct pollfd p = { .events = POLLIN };
	int code = -7;

	ck_assert_int_eq(memif_get_interrupt_error_fd(lone, &p.fd), MEMIF_OK);
	ck_assert_int_eq(poll(&p, 1, 0), 1);
	ck_assert_int_eq(memif_read_interrupt_error(lone, &code), MEMIF_OK);
	ck_assert_int_eq(code, MEMIF_ERR_CONNREFUSED);
	code = -7;
	ck_assert_int_eq(memif_read_interrupt_error(lone, &code),
			 MEMIF_ERR_AGAIN);
	ck_assert_int_eq(code, -7);
	ck_assert_int_eq(poll(&p, 1, 0), 0);
}
END_TEST

START_TEST(api_get_queue_interrupt_fd_not_connected_disconnected)
{
	int fd = -7;

	ck_assert_int_eq(memif_get_queue_interrupt_fd(lone, 0, &fd),
			 MEMIF_ERR_DISCONNECTED);
	ck_assert_int_eq(fd, -7);
}
END_TEST

TEST_SUITE(api_suite, "api",
	   TEST_CASE("library", 30, fds_setup, fds_teardown,
		     api_init_at_fd_limit_proc_file_limit,
		     api_calls_without_init_not_init,
		     api_process_events_second_thread_would_deadlock,
		     api_logger_receives_messages_at_level,
		     api_logger_replaced_then_default_stderr,
		     api_log_level_env_digits_and_names,
		     api_version_matches_header, api_err_from_errno_maps_table,
		     api_errno_is_per_thread,
		     api_err_from_fault_none_and_internal,
		     api_cleanup_waits_for_running_callback),
	   TEST_CASE("create", 30, lib_setup, lib_teardown,
		     api_create_null_args_inval_arg,
		     api_create_bad_modes_inval_arg,
		     api_create_log2_above_14_max_ring,
		     api_create_queues_over_256_inval_arg,
		     api_create_secret_over_23_chars_inval_arg,
		     api_create_socket_path_over_107_chars_inval_arg,
		     api_create_lone_at_socket_inval_arg,
		     api_create_slave_layout_over_4gib_inval_arg,
		     api_create_at_fd_limit_proc_file_limit,
		     api_create_instance_name_defaults,
		     api_create_long_if_name_truncated,
		     api_create_default_socket_path, api_user_data_returned),
	   TEST_CASE("handles", 30, lone_setup, lone_teardown,
		     api_close_null_noconn, api_get_details_null_args,
		     api_set_rx_mode_null_and_bad_mode,
		     api_set_rx_mode_not_connected_disconnected,
		     api_interrupt_fd_calls_null_args,
		     api_read_interrupt_none_pending_again,
		     api_read_interrupt_error_empty_again,
		     api_get_queue_interrupt_fd_not_connected_disconnected),
	   api_pair_tcases(suite))

MEMIF_TEST_MAIN(api_suite)
