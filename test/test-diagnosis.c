/* SPDX-License-Identifier: MIT */
/*
 * Failures that say why: every refusal and every invalid argument reaches
 * the application with its cause, in the log, the error fd or details,
 * with the field, the limit, the path or the option that would help.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common.h"
#include "internal.h"
#include "raw-peer.h"

/* ---- a log sink that keeps the lines ------------------------------------ */

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_text[16384];

static void sink(enum memif_log_level level, const char *if_name, int queue_id,
		 int err_code, const char *msg, void *ctx)
{
	size_t n;

	pthread_mutex_lock(&log_lock);
	n = strlen(log_text);
	snprintf(log_text + n, sizeof(log_text) - n, "%d %s\n", (int)level,
		 msg);
	pthread_mutex_unlock(&log_lock);
}

static void log_reset(void)
{
	pthread_mutex_lock(&log_lock);
	log_text[0] = 0;
	pthread_mutex_unlock(&log_lock);
}

/* How many logged lines contain @s, once there are @want or 2 s passed. */
static int logged_n(const char *s, int want)
{
	int i, n = 0;

	for (i = 0; i < 200; i++) {
		const char *p;

		n = 0;
		pthread_mutex_lock(&log_lock);
		for (p = log_text; (p = strstr(p, s)); p += strlen(s))
			n++;
		pthread_mutex_unlock(&log_lock);
		if (n >= want)
			break;
		usleep(10000);
	}
	return n;
}

static int logged(const char *s)
{
	return logged_n(s, 1);
}

static void setup(void)
{
	log_reset();
	memif_set_logger(sink, NULL);
	memif_set_log_level(MEMIF_LOG_INFO);
	ck_assert_int_eq(memif_init("test-diagnosis"), MEMIF_OK);
}

static void teardown(void)
{
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	memif_set_logger(NULL, NULL);
}

/* The first code on @m's error fd, within 2 s. */
static int first_error(struct memif *m)
{
	struct pollfd p = { .events = POLLIN };
	int code = 0;

	ck_assert_int_eq(memif_get_interrupt_error_fd(m, &p.fd), MEMIF_OK);
	ck_assert_int_eq(poll(&p, 1, 2000), 1);
	ck_assert_int_eq(memif_read_interrupt_error(m, &code), MEMIF_OK);
	return code;
}

/* Every cause of MEMIF_ERR_INVAL_ARG (and MAX_RING) is logged with the
 * field and its limit. */
START_TEST(diagnosis_invalid_config_names_field_and_limit)
{
	static const struct {
		struct memif_config cfg;
		int code;
		const char *text;
	} cases[] = {
		{ { .if_name = "a", .mode = 7 },
		  MEMIF_ERR_INVAL_ARG,
		  "mode 7 is not 0 (ethernet)" },
		{ { .if_name = "b", .rx_mode = 9 },
		  MEMIF_ERR_INVAL_ARG,
		  "rx_mode 9 is not 0 (interrupt)" },
		{ { .if_name = "c", .log2_ring_size = 15 },
		  MEMIF_ERR_MAX_RING,
		  "log2_ring_size 15 is above 14" },
		{ { .if_name = "d", .secret = "123456789012345678901234" },
		  MEMIF_ERR_INVAL_ARG,
		  "secret has 24 characters, at most 23" },
		{ { .if_name = "e", .socket_filename = "@" },
		  MEMIF_ERR_INVAL_ARG,
		  "socket_filename \"@\" names no abstract" },
		{ { .if_name = "f",
		    .socket_filename = "@x",
		    .num_rx_queues = 255,
		    .num_tx_queues = 255,
		    .log2_ring_size = 14,
		    .buffer_size = 65535 },
		  MEMIF_ERR_INVAL_ARG,
		  "need a region over 4 GiB" },
	};
	char path[200];
	struct memif_config cfg;
	struct memif *m, *m2;
	unsigned i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		log_reset();
		ck_assert_int_eq(memif_create_interface(&cases[i].cfg, NULL,
							&m),
				 cases[i].code);
		ck_assert_msg(logged(cases[i].text) == 1, "no \"%s\" in: %s",
			      cases[i].text, log_text);
	}
	/* a path over 107 characters */
	memset(path, 'p', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = 0;
	cfg = (struct memif_config){ .if_name = "g", .socket_filename = path };
	log_reset();
	ck_assert_int_eq(memif_create_interface(&cfg, NULL, &m),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(logged("socket_filename has 199 characters, at most "
				"107"),
			 1);
	/* the same id twice on one master socket */
	cfg = (struct memif_config){ .if_name = "h",
				     .socket_filename = test_socket_name("dup"),
				     .is_master = true,
				     .conn_id = 4 };
	ck_assert_int_eq(memif_create_interface(&cfg, NULL, &m), MEMIF_OK);
	log_reset();
	ck_assert_int_eq(memif_create_interface(&cfg, NULL, &m2),
			 MEMIF_ERR_INVAL_ARG);
	ck_assert_int_eq(logged("interface id 4 already exists on @"), 1);
	ck_assert_int_eq(memif_close(m), MEMIF_OK);
}
END_TEST

/* A master socket whose address another process holds. */
START_TEST(diagnosis_address_in_use_is_said)
{
	struct memif_config cfg = { .if_name = "busy", .is_master = true };
	const char *name = test_socket_name("busy");
	struct sockaddr_un a;
	struct memif *m;
	socklen_t len;
	bool abs;
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	ck_assert_int_eq(memif__socket_addr(name, &a, &len, &abs), 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, len), 0);
	cfg.socket_filename = name;
	ck_assert_int_ne(memif_create_interface(&cfg, NULL, &m), MEMIF_OK);
	ck_assert_int_eq(logged("Address already in use (another master "
				"listens there)"),
			 1);
	close(fd);
}
END_TEST

/* A slave created with @cfg: its first error is @code, and @text is
 * logged once. */
static void slave_fails_with(const struct memif_config *cfg, int code,
			     const char *text)
{
	struct memif *m;

	ck_assert_int_eq(memif_create_interface(cfg, NULL, &m), MEMIF_OK);
	ck_assert_int_eq(first_error(m), code);
	ck_assert_int_eq(logged(text), 1);
	ck_assert_int_eq(memif_close(m), MEMIF_OK);
}

/* A socket path that does not exist is a wrong path or a master not
 * started; a socket file nobody listens on is a master that went. */
START_TEST(diagnosis_missing_socket_file_told_from_refused)
{
	char dir[] = "/tmp/memif-diag-XXXXXX", path[96];
	struct memif_config cfg = { .if_name = "s",
				    .reconnect_interval_ms = 50 };
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/memif.sock", dir);
	cfg.socket_filename = path;
	slave_fails_with(&cfg, MEMIF_ERR_NO_FILE,
			 "does not exist (is the master running, is the path "
			 "right?)");
	/* a stale socket file: bound, then its listener gone */
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	close(fd);
	log_reset();
	slave_fails_with(&cfg, MEMIF_ERR_CONNREFUSED,
			 "connection refused (no master listens on it)");
	unlink(path);
	rmdir(dir);
}
END_TEST

/* A master that closes during the handshake without a DISCONNECT (the
 * reference C library does, for an unknown id): said as such, never as
 * "send: Broken pipe"; at WARN the 1st and 10th time in a row, at DEBUG
 * with its count in between, so a slave retrying every 100 ms against the
 * same refusal does not fill the log. */
START_TEST(diagnosis_silent_close_during_handshake)
{
	struct memif_config cfg = { .if_name = "s",
				    .reconnect_interval_ms = 20 };
	const char *name = test_socket_name("silent");
	const char *said = "peer closed the connection during the handshake "
			   "without giving a reason";
	char line[160];
	struct memif_msg msg;
	struct memif *m;
	int lfd, fd, i;

	memif_set_log_level(MEMIF_LOG_DEBUG);
	lfd = raw_listen(name);
	cfg.socket_filename = name;
	ck_assert_int_eq(memif_create_interface(&cfg, NULL, &m), MEMIF_OK);
	for (i = 1; i <= 11; i++) {
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		ck_assert_int_ge(fd, 0);
		memif__msg_build_hello(&msg, "raw", 255, 255, 255, 14);
		send_msg(fd, &msg, -1);
		ck_assert_int_eq(raw_recv(fd, &msg), MEMIF_MSG_SIZE);
		ck_assert_uint_eq(msg.type, MEMIF_MSG_TYPE_INIT);
		close(fd); /* no DISCONNECT */
		ck_assert_int_eq(logged_n(said, i), i);
		if (i == 1)
			snprintf(line, sizeof(line), "%d %s", MEMIF_LOG_WARN,
				 said);
		else
			snprintf(line, sizeof(line), "%d %s (unknown "
				 "interface id? too many rings?) (%d times "
				 "in a row)",
				 i == 10 ? MEMIF_LOG_WARN : MEMIF_LOG_DEBUG,
				 said, i);
		ck_assert_int_eq(logged(line), 1);
	}
	ck_assert_int_eq(logged_n(said, 12), 11);
	ck_assert_int_eq(memif_close(m), MEMIF_OK);
	ck_assert_int_eq(logged("send: "), 0);
	close(lfd);
}
END_TEST

/* An unsealed region (VPP's and DPDK's zero-copy slaves): the DISCONNECT
 * names the region and the option, the log line the peer too. */
START_TEST(diagnosis_unsealed_region_names_the_option)
{
	struct memif_config cfg = { .if_name = "m",
				    .is_master = true,
				    .conn_id = 3 };
	struct memif_details *d = calloc(1, sizeof(*d));
	struct memif_msg msg;
	struct memif *m;
	int fd, rfd;

	cfg.socket_filename = test_socket_name("unsealed");
	ck_assert_int_eq(memif_create_interface(&cfg, NULL, &m), MEMIF_OK);
	fd = raw_connect(cfg.socket_filename);
	ck_assert_int_eq(raw_recv(fd, &msg), MEMIF_MSG_SIZE);
	memif__msg_build_init(&msg, 3, 0, NULL, "vpp-like");
	send_msg(fd, &msg, -1);
	expect_type(fd, MEMIF_MSG_TYPE_ACK);
	rfd = make_region(65536, false);
	memif__msg_build_add_region(&msg, 0, 65536);
	send_msg(fd, &msg, rfd);
	close(rfd);
	expect_disconnect(fd, "region 0 not sealed: master needs "
			      "allow_unsealed_regions");
	close(fd);
	ck_assert_int_eq(logged("region 0 from \"vpp-like\" is not sealed"), 1);
	ck_assert_int_eq(logged("allow_unsealed_regions (--allow-unsealed in "
				"the tools)"),
			 1);
	ck_assert_int_eq(memif_get_details(m, d), MEMIF_OK);
	ck_assert_str_eq(d->last_refusal_reason,
			 "region 0 not sealed: master needs "
			 "allow_unsealed_regions");
	ck_assert_str_eq(d->last_refusal_peer, "vpp-like");
	ck_assert_int_eq(memif_close(m), MEMIF_OK);
	free(d);
}
END_TEST

/* A packet longer than max_packet_size, which a receiver with the same
 * settings drops, is refused at the sender; and a master reports the
 * slave's buffer size. */
START_TEST(diagnosis_oversize_tx_refused_and_master_buffer_size)
{
	static uint8_t big[1500];
	struct memif_config mc = { .if_name = "m",
				   .is_master = true,
				   .max_packet_size = 1000 };
	struct memif_config sc = { .if_name = "s",
				   .buffer_size = 512,
				   .max_packet_size = 1000 };
	struct memif_details *d = calloc(1, sizeof(*d));
	struct memif_tx_pkt p = { .data = big, .len = 1001 };
	struct memif *m, *s;
	uint16_t sent = 9;
	int i;

	mc.socket_filename = sc.socket_filename = test_socket_name("big");
	ck_assert_int_eq(memif_create_interface(&mc, NULL, &m), MEMIF_OK);
	ck_assert_int_eq(memif_create_interface(&sc, NULL, &s), MEMIF_OK);
	for (i = 0; i < 300; i++) {
		bool up;

		ck_assert_int_eq(memif_get_details(s, d), MEMIF_OK);
		up = d->has_link;
		ck_assert_int_eq(memif_get_details(m, d), MEMIF_OK);
		if (up && d->has_link)
			break;
		usleep(10000);
	}
	ck_assert(d->has_link);
	ck_assert_uint_eq(d->rx_queues[0].buffer_size, 512);
	ck_assert_int_eq(memif_tx_burst(s, 0, &p, 1, &sent), MEMIF_ERR_PKT_LEN);
	ck_assert_uint_eq(sent, 0);
	ck_assert_int_eq(memif_tx_burst(m, 0, &p, 1, &sent), MEMIF_ERR_PKT_LEN);
	ck_assert_uint_eq(sent, 0);
	p.len = 1000;
	ck_assert_int_eq(memif_tx_burst(s, 0, &p, 1, &sent), MEMIF_OK);
	ck_assert_uint_eq(sent, 1);
	ck_assert_int_eq(memif_close(s), MEMIF_OK);
	ck_assert_int_eq(memif_close(m), MEMIF_OK);
	free(d);
}
END_TEST

TEST_SUITE(diagnosis_suite, "diagnosis",
	   TEST_CASE("diagnosis", 30, setup, teardown,
		     diagnosis_invalid_config_names_field_and_limit,
		     diagnosis_address_in_use_is_said,
		     diagnosis_missing_socket_file_told_from_refused,
		     diagnosis_silent_close_during_handshake,
		     diagnosis_unsealed_region_names_the_option,
		     diagnosis_oversize_tx_refused_and_master_buffer_size))

MEMIF_TEST_MAIN(diagnosis_suite)
