/* SPDX-License-Identifier: MIT */
/*
 * The master's socket file: created with the configured mode and owner,
 * a stale file replaced, a live listener never stolen, a path that is not
 * a socket refused, the file removed on close only while it is still
 * ours; the listener's accept errors; the slave's reconnect errors; and
 * the address conversion (memif__socket_addr).  Paths live in a fresh
 * mkdtemp directory per test, listeners of the other tests on abstract
 * names.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "internal.h"

#define WAIT_MS 3000

static char dir[96];
static char path[160];
static int fds_before;

/* ---- fixtures ------------------------------------------------------------ */

static void dir_setup(void)
{
	fds_before = test_count_fds();
	snprintf(dir, sizeof(dir), "/tmp/memif-test-socket-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/memif.sock", dir);
	memif_set_log_level(MEMIF_LOG_ERROR);
}

/* The directory must be empty again: every test removes what it made, and
 * the library removes its own socket files. */
static void dir_teardown(void)
{
	ck_assert_msg(rmdir(dir) == 0, "rmdir %s: %s", dir,
		      strerrordesc_np(errno));
	ck_assert_int_eq(test_count_fds(), fds_before);
}

static void lib_setup(void)
{
	dir_setup();
	ck_assert_int_eq(memif_init("test-socket"), MEMIF_OK);
}

static void lib_teardown(void)
{
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	dir_teardown();
}

/* ---- helpers ------------------------------------------------------------- */

static struct memif_config master_cfg(const char *name, uint32_t id)
{
	return (struct memif_config){ .if_name = "sock-master",
				      .socket_filename = name,
				      .conn_id = id,
				      .is_master = true };
}

static struct memif *master_new(const struct memif_config *cfg)
{
	struct memif *m = NULL;
	int ret = memif_create_interface(cfg, NULL, &m);

	ck_assert_msg(ret == MEMIF_OK, "create: %s (errno %d)",
		      memif_strerror(ret), memif_errno());
	return m;
}

static int sun_fill(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (name[0] == '@') {
		memcpy(a->sun_path + 1, name + 1, strlen(name) - 1);
		return (int)(offsetof(struct sockaddr_un, sun_path) +
			     strlen(name));
	}
	/* Cut to sun_path, as a caller's too-long path would be. */
	memcpy(a->sun_path, name,
	       strnlen(name, sizeof(a->sun_path) - 1));
	return (int)sizeof(*a);
}

/* A SEQPACKET socket bound to @name, listening with @backlog (or only
 * bound when @backlog < 0). */
static int raw_listener(const char *name, int backlog)
{
	struct sockaddr_un a;
	int len = sun_fill(&a, name);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_msg(bind(fd, (struct sockaddr *)&a, (socklen_t)len) == 0,
		      "bind %s: %s", name, strerrordesc_np(errno));
	if (backlog >= 0)
		ck_assert_int_eq(listen(fd, backlog), 0);
	return fd;
}

/* connect() of a fresh non-blocking SEQPACKET socket: the fd, or -errno. */
static int raw_try_connect(const char *name)
{
	struct sockaddr_un a;
	int len = sun_fill(&a, name), err;
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK,
			0);

	ck_assert_int_ge(fd, 0);
	if (connect(fd, (struct sockaddr *)&a, (socklen_t)len) == 0)
		return fd;
	err = errno;
	close(fd);
	return -err;
}

static int raw_connect_ok(const char *name)
{
	int fd = raw_try_connect(name);

	ck_assert_msg(fd >= 0, "connect %s: %s", name, strerrordesc_np(-fd));
	return fd;
}

/* Wait for one datagram on @fd: its length, 0 on EOF, -errno on error,
 * -ETIMEDOUT when nothing came within @ms. */
static ssize_t recv_wait(int fd, void *buf, size_t size, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, ms) != 1)
		return -ETIMEDOUT;
	n = recv(fd, buf, size, MSG_DONTWAIT);
	return n < 0 ? -errno : n;
}

/* The library is the one listening on @name: it greets with HELLO. */
static void expect_hello(const char *name)
{
	struct memif_msg msg;
	int fd = raw_connect_ok(name);

	ck_assert_int_eq(recv_wait(fd, &msg, sizeof(msg), WAIT_MS),
			 MEMIF_MSG_SIZE);
	ck_assert_uint_eq(msg.type, MEMIF_MSG_TYPE_HELLO);
	close(fd);
}

/* The raw listener @lfd, not the library, owns @name: a client's
 * connection shows up in its accept queue. */
static void expect_raw_owner(int lfd, const char *name)
{
	int c = raw_connect_ok(name), a;

	a = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	ck_assert_msg(a >= 0, "accept: %s", strerrordesc_np(errno));
	close(a);
	close(c);
}

/* memif_create_interface(@cfg) returns @code, with the errno @err behind
 * it (unless 0), and no handle. */
static void create_fails(const struct memif_config *cfg, int code, int err)
{
	struct memif *m = NULL;

	ck_assert_int_eq(memif_create_interface(cfg, NULL, &m), code);
	if (err)
		ck_assert_int_eq(memif_errno(), err);
	ck_assert_ptr_null(m);
}

/* expect_raw_owner on the test's path; then the raw listener @lfd closes
 * and its file is removed. */
static void raw_owner_leaves(int lfd)
{
	expect_raw_owner(lfd, path);
	close(lfd);
	ck_assert_int_eq(unlink(path), 0);
}

static bool path_exists(const char *p)
{
	struct stat st;

	return lstat(p, &st) == 0;
}

/* @m is the master listening on the test's path (it greets with HELLO);
 * closing it, the last there, removes the file. */
static void close_last_master(struct memif *m)
{
	expect_hello(path);
	ck_assert_int_eq(memif_close(m), MEMIF_OK);
	ck_assert(!path_exists(path));
}

static mode_t file_mode(const char *p)
{
	struct stat st;

	ck_assert_msg(lstat(p, &st) == 0, "lstat %s: %s", p,
		      strerrordesc_np(errno));
	ck_assert_msg(S_ISSOCK(st.st_mode), "%s is not a socket", p);
	return st.st_mode & 07777;
}

/* ---- file mode and owner --------------------------------------------------- */

START_TEST(socket_master_file_default_mode_0660)
{
	struct memif_config cfg = master_cfg(path, 1);
	struct memif *m = master_new(&cfg);

	ck_assert_uint_eq(file_mode(path), 0660);
	ck_assert_int_eq(memif_close(m), MEMIF_OK);
}
END_TEST

START_TEST(socket_master_file_mode_applied)
{
	struct memif_config cfg = master_cfg(path, 1);
	struct memif *m;

	cfg.socket_mode = 0604;
	m = master_new(&cfg);
	ck_assert_uint_eq(file_mode(path), 0604);
	ck_assert_int_eq(memif_close(m), MEMIF_OK);
}
END_TEST

/* The test @name: a master whose config has set_socket_owner @set and
 * socket_uid:socket_gid @cfg_uid:@cfg_gid, made with this thread's
 * effective group @made_gid (then 0 again, as root), gives its socket
 * file to @uid:@gid; the file goes when the master is closed. */
#define OWNER_TEST(name, set, cfg_uid, cfg_gid, made_gid, uid, gid) \
	START_TEST(name)                                            \
	{                                                           \
		struct memif_config cfg = master_cfg(path, 1);      \
		struct memif *m;                                    \
		struct stat st;                                     \
                                                                    \
		cfg.set_socket_owner = (set);                       \
		cfg.socket_uid = (cfg_uid);                         \
		cfg.socket_gid = (cfg_gid);                         \
		ck_assert_int_eq(setegid(made_gid), 0);             \
		m = master_new(&cfg);                               \
		ck_assert_int_eq(setegid(0), 0);                    \
		ck_assert_int_eq(lstat(path, &st), 0);              \
		ck_assert_uint_eq(st.st_uid, (uid));                \
		ck_assert_uint_eq(st.st_gid, (gid));                \
		ck_assert_int_eq(memif_close(m), MEMIF_OK);         \
		ck_assert(!path_exists(path));                      \
	}                                                           \
	END_TEST

OWNER_TEST(socket_master_file_uid_gid_applied, true, 1, 2, 0, 1, 2)
/* MEMIF_OWNER_UNCHANGED: an owner alone leaves the group as created
 * (group 5, so that keeping it shows). */
OWNER_TEST(socket_master_file_uid_alone_keeps_group, true, 3,
	   MEMIF_OWNER_UNCHANGED, 5, 3, 5)
/* 0 is root, not "unchanged": made with group 5, given to root:root. */
OWNER_TEST(socket_master_file_given_to_root, true, 0, 0, 5, 0, 0)
/* A zeroed config leaves the file as created (group 5 here). */
OWNER_TEST(socket_master_file_owner_default_unchanged, false, 0, 0, 5,
	   geteuid(), 5)

/* An owner without set_socket_owner (a config written when 0 meant
 * "unchanged") is refused rather than ignored, and so is an id below -1. */
START_TEST(socket_master_owner_without_flag_refused)
{
	struct memif_config cfg = master_cfg(path, 1);

	cfg.socket_uid = 1;
	create_fails(&cfg, MEMIF_ERR_INVAL_ARG, 0);
	cfg.socket_uid = 0;
	cfg.socket_gid = MEMIF_OWNER_UNCHANGED;
	create_fails(&cfg, MEMIF_ERR_INVAL_ARG, 0);
	cfg.set_socket_owner = true;
	cfg.socket_gid = -2;
	create_fails(&cfg, MEMIF_ERR_INVAL_ARG, 0);
	ck_assert(!path_exists(path));
}
END_TEST

/* Without @cap in this thread's effective set (the library makes the
 * socket file on the calling thread); back with cap_restore().  Returns
 * whether it was there. */
static bool cap_drop(unsigned cap)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	bool had;

	ck_assert_int_eq(syscall(SYS_capget, &h, d), 0);
	had = d[cap / 32].effective & (1u << (cap % 32));
	d[cap / 32].effective &= ~(1u << (cap % 32));
	ck_assert_int_eq(syscall(SYS_capset, &h, d), 0);
	return had;
}

static void cap_restore(unsigned cap, bool had)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (!had)
		return;
	ck_assert_int_eq(syscall(SYS_capget, &h, d), 0);
	d[cap / 32].effective |= 1u << (cap % 32);
	ck_assert_int_eq(syscall(SYS_capset, &h, d), 0);
}

/* A chown the process may not make (giving the file away without
 * CAP_CHOWN) fails the create with its errno, and the half-made socket
 * file is removed. */
START_TEST(socket_master_chown_refused_fails_create_and_removes_file)
{
	struct memif_config cfg = master_cfg(path, 1);
	struct memif *m = NULL;
	bool had = cap_drop(CAP_CHOWN);
	int ret;

	cfg.set_socket_owner = true;
	cfg.socket_uid = geteuid() == 1 ? 2 : 1;
	cfg.socket_gid = MEMIF_OWNER_UNCHANGED;
	ret = memif_create_interface(&cfg, NULL, &m);
	cap_restore(CAP_CHOWN, had);
	ck_assert_msg(ret == MEMIF_ERR_SYSCALL, "create returned %s",
		      memif_strerror(ret));
	ck_assert_int_eq(memif_errno(), EPERM);
	ck_assert_ptr_null(m);
	ck_assert(!path_exists(path));
}
END_TEST

/* No write permission on the directory: MEMIF_ERR_ACCES. */
START_TEST(socket_unwritable_directory_acces)
{
	struct memif_config cfg = master_cfg(path, 1);
	struct memif *m = NULL;
	bool had;
	int ret;

	ck_assert_int_eq(chmod(dir, 0500), 0);
	had = cap_drop(CAP_DAC_OVERRIDE);
	ret = memif_create_interface(&cfg, NULL, &m);
	cap_restore(CAP_DAC_OVERRIDE, had);
	ck_assert_int_eq(chmod(dir, 0700), 0);
	ck_assert_msg(ret == MEMIF_ERR_ACCES, "create returned %s",
		      memif_strerror(ret));
	ck_assert_ptr_null(m);
	ck_assert(!path_exists(path));
}
END_TEST

/* ---- an existing file at the path ----------------------------------------- */

/* A socket file nobody listens on (left by a crashed run) is replaced. */
START_TEST(socket_stale_file_is_replaced)
{
	struct memif_config cfg = master_cfg(path, 1);
	struct memif *m;

	close(raw_listener(path, -1)); /* bound, then gone: the file stays */
	ck_assert(path_exists(path));
	ck_assert_int_eq(raw_try_connect(path), -ECONNREFUSED);
	m = master_new(&cfg);
	close_last_master(m);
}
END_TEST

START_TEST(socket_live_listener_is_not_stolen)
{
	struct memif_config cfg = master_cfg(path, 1);
	int lfd = raw_listener(path, 8);

	create_fails(&cfg, MEMIF_ERR_SYSCALL, EADDRINUSE);
	raw_owner_leaves(lfd);
}
END_TEST

/* A live listener of another socket type answers the probe with
 * EPROTOTYPE: still live, and its file is not taken. */
START_TEST(socket_stream_listener_is_not_stolen)
{
	struct memif_config cfg = master_cfg(path, 1);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), c;

	ck_assert_uint_lt(strlen(path), sizeof(a.sun_path));
	memcpy(a.sun_path, path, strlen(path) + 1);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(lfd, 4), 0);
	create_fails(&cfg, MEMIF_ERR_SYSCALL, EADDRINUSE);
	/* its clients still reach it */
	c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_eq(connect(c, (struct sockaddr *)&a, sizeof(a)), 0);
	close(c);
	close(lfd);
	ck_assert_int_eq(unlink(path), 0);
}
END_TEST

/* The probe's connect fails with EAGAIN on a full backlog: still live. */
START_TEST(socket_busy_listener_is_not_stolen)
{
	struct memif_config cfg = master_cfg(path, 1);
	int lfd = raw_listener(path, 0), c[4], n = 0, ret;

	/* Fill the backlog (how many it holds depends on the kernel). */
	while ((ret = raw_try_connect(path)) >= 0 && n < 4)
		c[n++] = ret;
	ck_assert_int_eq(ret, -EAGAIN);
	create_fails(&cfg, MEMIF_ERR_SYSCALL, EADDRINUSE);
	while (n) {
		int a = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

		ck_assert_int_ge(a, 0);
		close(a);
		close(c[--n]);
	}
	raw_owner_leaves(lfd);
}
END_TEST

START_TEST(socket_regular_file_is_not_sock)
{
	struct memif_config cfg = master_cfg(path, 1);
	char buf[8] = "";
	int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "keep", 4), 4);
	close(fd);
	create_fails(&cfg, MEMIF_ERR_FILE_NOT_SOCK, 0);
	/* Untouched. */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(read(fd, buf, sizeof(buf)), 4);
	close(fd);
	ck_assert_str_eq(buf, "keep");
	ck_assert_int_eq(unlink(path), 0);
}
END_TEST

START_TEST(socket_directory_is_not_sock)
{
	struct memif_config cfg = master_cfg(path, 1);
	struct stat st;

	ck_assert_int_eq(mkdir(path, 0700), 0);
	create_fails(&cfg, MEMIF_ERR_FILE_NOT_SOCK, 0);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(rmdir(path), 0);
}
END_TEST

START_TEST(socket_missing_directory_no_file)
{
	struct memif_config cfg = master_cfg(NULL, 1);
	char p[200];

	snprintf(p, sizeof(p), "%s/no-such-dir/memif.sock", dir);
	cfg.socket_filename = p;
	create_fails(&cfg, MEMIF_ERR_NO_FILE, 0);
}
END_TEST

/* ---- removal on close ------------------------------------------------------ */

START_TEST(socket_close_unlinks_own_file)
{
	struct memif_config cfg = master_cfg(path, 1);
	struct memif *m = master_new(&cfg);

	ck_assert(path_exists(path));
	ck_assert_int_eq(memif_close(m), MEMIF_OK);
	ck_assert(!path_exists(path));
}
END_TEST

/* Someone removed our file and bound the path again: theirs stays. */
START_TEST(socket_close_keeps_successor_file)
{
	struct memif_config cfg = master_cfg(path, 1);
	struct memif *m = master_new(&cfg);
	int lfd;

	ck_assert_int_eq(unlink(path), 0);
	lfd = raw_listener(path, 8);
	ck_assert_int_eq(memif_close(m), MEMIF_OK);
	ck_assert(path_exists(path));
	raw_owner_leaves(lfd);
}
END_TEST

/* Two masters share one listener; the file goes with the last of them. */
START_TEST(socket_shared_file_removed_by_last_master)
{
	struct memif_config c1 = master_cfg(path, 1), c2 = master_cfg(path, 2);
	struct memif *m1 = master_new(&c1), *m2 = master_new(&c2);

	ck_assert_int_eq(memif_close(m1), MEMIF_OK);
	ck_assert(path_exists(path));
	close_last_master(m2);
}
END_TEST

START_TEST(socket_duplicate_master_id_inval_arg)
{
	struct memif_config cfg = master_cfg(path, 5);
	struct memif *m1 = master_new(&cfg);

	create_fails(&cfg, MEMIF_ERR_INVAL_ARG, 0);
	/* The refused one took nothing down with it. */
	close_last_master(m1);
}
END_TEST

/* A connection that never sent INIT has nothing left once the last
 * master on its socket is gone: it is closed. */
START_TEST(socket_close_drops_connections_waiting_for_init)
{
	char name[64];
	struct memif_config cfg;
	struct memif_msg msg;
	struct memif *m;
	int fd;

	snprintf(name, sizeof(name), "%s", test_socket_name("pending"));
	cfg = master_cfg(name, 1);
	m = master_new(&cfg);
	fd = raw_connect_ok(name);
	ck_assert_int_eq(recv_wait(fd, &msg, sizeof(msg), WAIT_MS),
			 MEMIF_MSG_SIZE);
	ck_assert_uint_eq(msg.type, MEMIF_MSG_TYPE_HELLO);
	ck_assert_int_eq(memif_close(m), MEMIF_OK);
	ck_assert_int_eq(recv_wait(fd, &msg, sizeof(msg), WAIT_MS), 0);
	close(fd);
}
END_TEST

/* ---- errors while serving -------------------------------------------------- */

struct log_capture {
	atomic_int accept_warnings;
	atomic_int last_code;
};

static struct log_capture logcap;

static void capture_log(enum memif_log_level level, const char *if_name,
			int queue_id, int err_code, const char *msg, void *ctx)
{
	struct log_capture *lc = ctx;

	if (level == MEMIF_LOG_WARN && strstr(msg, "accept on")) {
		atomic_store(&lc->last_code, err_code);
		atomic_fetch_add(&lc->accept_warnings, 1);
	}
}

/* The process is out of fds when a slave connects: the accept error is
 * logged, and the waiting connection is taken once fds are free again. */
START_TEST(socket_accept_at_fd_limit_logged_and_recovered)
{
	struct memif_config cfg;
	struct rlimit saved;
	struct memif_msg msg;
	struct memif *m;
	char name[64];
	int c1, c2;

	atomic_store(&logcap.accept_warnings, 0);
	memif_set_logger(capture_log, &logcap);
	memif_set_log_level(MEMIF_LOG_WARN);
	snprintf(name, sizeof(name), "%s", test_socket_name("emfile"));
	cfg = master_cfg(name, 1);
	m = master_new(&cfg);
	c1 = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(c1, 0);
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &saved), 0);
	test_set_nofile((rlim_t)test_lowest_free_fd());
	{
		struct sockaddr_un a;
		int len = sun_fill(&a, name);

		ck_assert_int_eq(
			connect(c1, (struct sockaddr *)&a, (socklen_t)len), 0);
	}
	ck_assert_msg(WAIT_UNTIL(atomic_load(&logcap.accept_warnings) > 0,
				 WAIT_MS),
		      "no accept warning");
	test_set_nofile(saved.rlim_cur);
	ck_assert_int_eq(atomic_load(&logcap.last_code),
			 MEMIF_ERR_PROC_FILE_LIMIT);
	/* The next connection wakes the listener, which takes both. */
	c2 = raw_connect_ok(name);
	ck_assert_int_eq(recv_wait(c2, &msg, sizeof(msg), WAIT_MS),
			 MEMIF_MSG_SIZE);
	ck_assert_int_eq(recv_wait(c1, &msg, sizeof(msg), WAIT_MS),
			 MEMIF_MSG_SIZE);
	ck_assert_uint_eq(msg.type, MEMIF_MSG_TYPE_HELLO);
	close(c1);
	close(c2);
	ck_assert_int_eq(memif_close(m), MEMIF_OK);
	memif_set_logger(NULL, NULL);
}
END_TEST

/* Queued error codes of @m, appended to @codes (room for 64). */
static int read_errors(struct memif *m, int *codes, int *n)
{
	int code;

	while (*n < 64 && memif_read_interrupt_error(m, &code) == MEMIF_OK)
		codes[(*n)++] = code;
	return *n;
}

/*
 * A slave reports a failing reconnect once per distinct error: nobody
 * listening is CONNREFUSED; out of fds is PROC_FILE_LIMIT, reported once
 * however many attempts fail that way; then CONNREFUSED again.
 */
START_TEST(socket_slave_reconnect_errors_reported_once_each)
{
	struct memif_config cfg = { .if_name = "sock-slave",
				    .conn_id = 1,
				    .reconnect_interval_ms = 5 };
	struct rlimit saved;
	struct memif *m;
	int codes[64], n = 0;
	char name[64];

	snprintf(name, sizeof(name), "%s", test_socket_name("reconnect"));
	cfg.socket_filename = name;
	ck_assert_int_eq(memif_create_interface(&cfg, NULL, &m), MEMIF_OK);
	ck_assert(WAIT_UNTIL(read_errors(m, codes, &n) > 0, WAIT_MS));
	usleep(50 * 1000); /* more refused attempts: not reported again */
	ck_assert_int_eq(read_errors(m, codes, &n), 1);
	ck_assert_int_eq(codes[0], MEMIF_ERR_CONNREFUSED);

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &saved), 0);
	test_set_nofile((rlim_t)test_lowest_free_fd());
	ck_assert(WAIT_UNTIL(read_errors(m, codes, &n) > 1, WAIT_MS));
	usleep(50 * 1000); /* more attempts without an fd */
	test_set_nofile(saved.rlim_cur);
	ck_assert(WAIT_UNTIL(read_errors(m, codes, &n) > 2, WAIT_MS));
	usleep(50 * 1000);
	ck_assert_int_eq(read_errors(m, codes, &n), 3);
	ck_assert_int_eq(codes[1], MEMIF_ERR_PROC_FILE_LIMIT);
	ck_assert_int_eq(codes[2], MEMIF_ERR_CONNREFUSED);
	ck_assert_int_eq(memif_close(m), MEMIF_OK);
}
END_TEST

/* ---- memif__socket_addr ----------------------------------------------------- */

START_TEST(socket_addr_empty_name_is_default_path)
{
	static const char *const names[] = { NULL, "" };
	struct sockaddr_un a;
	socklen_t len = 0;
	bool abstract = true;
	unsigned i;

	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(
			memif__socket_addr(names[i], &a, &len, &abstract), 0);
		ck_assert_str_eq(a.sun_path, MEMIF_DEFAULT_SOCKET);
		ck_assert_uint_eq(len, sizeof(a));
		ck_assert(!abstract);
	}
}
END_TEST

/* "@name": a leading NUL, and a length without any trailing NUL, so the
 * name is the same one DPDK and VPP use. */
START_TEST(socket_addr_abstract_length_has_no_trailing_nul)
{
	struct sockaddr_un a;
	socklen_t len = 0;
	bool abstract = false;

	ck_assert_int_eq(memif__socket_addr("@memif-x", &a, &len, &abstract),
			 0);
	ck_assert(abstract);
	ck_assert_int_eq(a.sun_path[0], 0);
	ck_assert_int_eq(memcmp(a.sun_path + 1, "memif-x", 7), 0);
	ck_assert_uint_eq(len, offsetof(struct sockaddr_un, sun_path) + 8);
}
END_TEST

START_TEST(socket_addr_rejects_lone_at_and_long_names)
{
	struct sockaddr_un a;
	socklen_t len;
	bool abstract;
	char name[MEMIF_SOCKET_PATH_MAX + 1];

	ck_assert_int_eq(memif__socket_addr("@", &a, &len, &abstract), -EINVAL);
	memset(name, 'x', sizeof(name) - 1);
	name[0] = '/';
	name[MEMIF_SOCKET_PATH_MAX] = 0; /* 108 characters */
	ck_assert_int_eq(memif__socket_addr(name, &a, &len, &abstract),
			 -EINVAL);
	name[MEMIF_SOCKET_PATH_MAX - 1] = 0; /* 107: the longest */
	ck_assert_int_eq(memif__socket_addr(name, &a, &len, &abstract), 0);
	ck_assert_str_eq(a.sun_path, name);
}
END_TEST

static Suite *socket_suite(void)
{
	Suite *suite = suite_create("socket");

	TEST_CASE("file", 30, lib_setup, lib_teardown,
		  socket_master_file_default_mode_0660,
		  socket_master_file_mode_applied,
		  socket_master_owner_without_flag_refused);

	/* Giving a file away takes root: without it these two are not run
	 * (and not counted), and the suite says so. */
	if (geteuid() == 0) {
		TEST_CASE("owner", 30, lib_setup, lib_teardown,
			  socket_master_file_uid_gid_applied,
			  socket_master_file_uid_alone_keeps_group,
			  socket_master_file_given_to_root,
			  socket_master_file_owner_default_unchanged);
	} else {
		fprintf(stderr, "socket: the socket_uid/socket_gid tests need "
				"root: not run\n");
	}

	TEST_CASE("privileges", 30, lib_setup, lib_teardown,
		  socket_master_chown_refused_fails_create_and_removes_file,
		  socket_unwritable_directory_acces);

	TEST_CASE("existing", 30, lib_setup, lib_teardown,
		  socket_stale_file_is_replaced,
		  socket_live_listener_is_not_stolen,
		  socket_busy_listener_is_not_stolen,
		  socket_stream_listener_is_not_stolen,
		  socket_regular_file_is_not_sock, socket_directory_is_not_sock,
		  socket_missing_directory_no_file);

	TEST_CASE("close", 30, lib_setup, lib_teardown,
		  socket_close_unlinks_own_file,
		  socket_close_keeps_successor_file,
		  socket_shared_file_removed_by_last_master,
		  socket_duplicate_master_id_inval_arg,
		  socket_close_drops_connections_waiting_for_init);

	TEST_CASE("errors", 30, lib_setup, lib_teardown,
		  socket_accept_at_fd_limit_logged_and_recovered,
		  socket_slave_reconnect_errors_reported_once_each);

	TEST_CASE("addr", 0, NULL, NULL,
		  socket_addr_empty_name_is_default_path,
		  socket_addr_abstract_length_has_no_trailing_nul,
		  socket_addr_rejects_lone_at_and_long_names);

	return suite;
}

MEMIF_TEST_MAIN(socket_suite)
