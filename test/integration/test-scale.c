/* SPDX-License-Identifier: MIT */
/*
 * Scale across two processes (issue 13): 256 masters in one process and 256
 * slaves in the other, ids 0..255 on one socket.  Every interface connects;
 * every interface carries one checked packet each way; the peer process is
 * killed with SIGKILL and started again, and every interface connects again
 * and carries traffic again; once the interfaces are closed, the open fds,
 * the anonymous memory and the shared memory of this process are back where
 * they were before the interfaces existed.
 *
 * Once with this process holding the masters (the slaves' process dies and
 * the masters accept its successor), once holding the slaves (the masters'
 * process dies and the slaves find its successor on their retry timer).
 *
 * The peer process is this executable again (/proc/self/exe --peer ...), so
 * it can be started anew after this process has called memif_init; it gets
 * only its control socket across exec (everything of the library here is
 * CLOEXEC).  It answers one request at a time (enum peer_op).
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "proc.h"

#define N_IFS 256
#define LOG2_RING 4
#define PKT_LEN 64
#define RECONNECT_MS 100
#define UP_MS 10000 /* every interface up, or the test fails */
#define PKT_MS 10000 /* every packet of a round in, or the test fails */
#define PEER_MS 30000 /* a reply from the peer process */
#define FDS_NEEDED (N_IFS * 8 + 64)
#define PEER_CTL_FD 3 /* the peer process's end of its control socket */

/* Anonymous memory this process may keep after its interfaces are gone:
 * pages malloc keeps in the event thread's arena and the library's object
 * table, which keeps its largest size (one interface costs about 10 KiB,
 * 256 of them 2.5 MiB). */
#define RSS_ANON_SLACK_KB 384
/* From one life of the interfaces to the next: nothing may grow.  The
 * slack is a few pages of allocator placement; a leak of 16 bytes per
 * connection (512 per life) is already 8 KiB of heap. */
#define RSS_ANON_GROWTH_KB 64
#define HEAP_GROWTH_B 256
/* glibc's per-thread caches hold freed chunks that mallinfo2 counts as in
 * use, a few KiB more after each life until they are full: main() turns
 * them off (re-executing itself with this tunable), so that the heap in
 * use is what is allocated. */
#define NO_TCACHE "glibc.malloc.tcache_count=0"
/* Shared memory: every region is unmapped (a leaked 2^4-slot region is
 * about 66 KiB). */
#define RSS_SHMEM_SLACK_KB 16

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

enum peer_op {
	PEER_READY, /* first reply, unasked: the interfaces exist */
	PEER_UP, /* wait until every interface is connected */
	PEER_TRAFFIC, /* arg: round; take one packet on every interface,
			 check it, send one back on every interface */
	PEER_QUIT, /* close everything; its fds back to the start */
};

struct peer_msg {
	uint32_t op;
	uint32_t arg;
	int32_t status; /* 0, or the peer failed: text says why */
	char text[240];
};

/* ---- both processes ------------------------------------------------------ */

/* Per-interface link state, set by the callbacks (event thread). */
static struct {
	int up; /* connected now */
	int connects; /* on_connect calls */
} ifs[N_IFS];
static int n_up;

static int on_up(struct memif *m, void *ctx)
{
	uintptr_t i = (uintptr_t)memif_get_user_data(m);

	if (i < N_IFS) {
		__atomic_store_n(&ifs[i].up, 1, __ATOMIC_RELEASE);
		__atomic_add_fetch(&ifs[i].connects, 1, __ATOMIC_RELEASE);
	}
	__atomic_add_fetch(&n_up, 1, __ATOMIC_RELEASE);
	return 0;
}

static int on_down(struct memif *m, void *ctx)
{
	uintptr_t i = (uintptr_t)memif_get_user_data(m);

	if (i < N_IFS)
		__atomic_store_n(&ifs[i].up, 0, __ATOMIC_RELEASE);
	__atomic_sub_fetch(&n_up, 1, __ATOMIC_RELEASE);
	return 0;
}

static const struct memif_callbacks cbs = { on_up, on_down, NULL };

static int ups(void)
{
	return __atomic_load_n(&n_up, __ATOMIC_ACQUIRE);
}

/* Every interface has connected @times times and is up now. */
static bool all_connected(unsigned times)
{
	unsigned i;

	for (i = 0; i < N_IFS; i++)
		if (!__atomic_load_n(&ifs[i].up, __ATOMIC_ACQUIRE) ||
		    __atomic_load_n(&ifs[i].connects, __ATOMIC_ACQUIRE) !=
			    (int)times)
			return false;
	return true;
}

static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < FDS_NEEDED) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void create_all(struct memif **ms, bool is_master, const char *sock,
		       char *err)
{
	struct memif_config cfg = { .is_master = is_master,
				    .socket_filename = sock,
				    .log2_ring_size = LOG2_RING,
				    .reconnect_interval_ms = RECONNECT_MS };
	uint64_t end = test_now_ms() + 5000;
	unsigned i;
	int ret;

	err[0] = 0;
	for (i = 0; i < N_IFS; i++) {
		cfg.conn_id = i;
		cfg.user_data = (void *)(uintptr_t)i;
		/* A master replacing a killed one: the kernel lets go of the
		 * dead process's listener asynchronously (with its io_uring),
		 * so the name can be in use for a moment. */
		while ((ret = memif_create_interface(&cfg, &cbs, &ms[i])) ==
			       MEMIF_ERR_SYSCALL &&
		       memif_errno() == EADDRINUSE && test_now_ms() < end)
			sleep_ms(1);
		if (ret != MEMIF_OK) {
			failf(err, "create %u: %s (errno %d)", i,
			      memif_strerror(ret), memif_errno());
			return;
		}
	}
}

/* Packet of round @round on interface @id, master to slave (@dir 0) or
 * back (@dir 1): a header, then bytes that depend on all three. */
static void pkt_make(uint8_t *p, uint32_t id, uint32_t round, uint32_t dir)
{
	uint32_t x = 0x9e3779b9u ^ (id << 8) ^ (round << 20) ^ dir, i;

	memcpy(p, "SCAL", 4);
	memcpy(p + 4, &id, 4);
	memcpy(p + 8, &round, 4);
	memcpy(p + 12, &dir, 4);
	for (i = 16; i < PKT_LEN; i++)
		p[i] = (uint8_t)xorshift(&x);
}

/* One packet of round @round, direction @dir, on every interface. */
static bool send_all_ifs(struct memif **ms, uint32_t round, uint32_t dir,
			 char *err)
{
	uint8_t buf[PKT_LEN];
	struct memif_tx_pkt p = { buf, PKT_LEN };
	uint64_t end = test_now_ms() + PKT_MS;
	unsigned i;

	for (i = 0; i < N_IFS; i++) {
		uint16_t sent = 0;
		int ret;

		pkt_make(buf, i, round, dir);
		/* A master may have to wait for the slave's buffers. */
		while ((ret = memif_tx_burst(ms[i], 0, &p, 1, &sent)) ==
			       MEMIF_OK &&
		       !sent && test_now_ms() < end)
			sleep_ms(1);
		if (ret != MEMIF_OK || sent != 1)
			return failf(err, "send on interface %u: %s, sent %u",
				     i, memif_strerror(ret), sent);
	}
	return true;
}

/* Exactly the one expected packet on every interface. */
static bool recv_all_ifs(struct memif **ms, uint32_t round, uint32_t dir,
			 char *err)
{
	static bool got[N_IFS];
	uint8_t want[PKT_LEN];
	uint64_t end = test_now_ms() + PKT_MS;
	unsigned i, n_got = 0;

	memset(got, 0, sizeof(got));
	while (n_got < N_IFS) {
		bool any = false;

		for (i = 0; i < N_IFS; i++) {
			struct memif_rx_pkt pk[4];
			uint16_t n = 0;
			int ret;

			ret = memif_rx_burst(ms[i], 0, pk, 4, &n);
			if (ret != MEMIF_OK)
				return failf(err, "receive on interface %u: %s",
					     i, memif_strerror(ret));
			if (!n)
				continue;
			any = true;
			pkt_make(want, i, round, dir);
			if (got[i] || n != 1)
				return failf(err,
					     "interface %u: %u packets more "
					     "than the one sent",
					     i, got[i] ? n : n - 1u);
			if (pk[0].len != PKT_LEN ||
			    memcmp(pk[0].data, want, PKT_LEN))
				return failf(err,
					     "interface %u: not the packet of "
					     "round %u sent on it (len %u)",
					     i, round, pk[0].len);
			got[i] = true;
			n_got++;
		}
		if (n_got < N_IFS && !any) {
			if (test_now_ms() > end)
				return failf(err,
					     "round %u: %u of %u packets after "
					     "%d ms",
					     round, n_got, N_IFS, PKT_MS);
			sleep_ms(1);
		}
	}
	return true;
}

static long status_kb(const char *key)
{
	return proc_status_field("/proc/self/status", key);
}

/* One message from the control socket: its size, or -1 (errno).  EINTR is
 * retried: a receive with a timeout is not restarted after the kernel ran
 * io_uring task work for this thread (the TX kick ring's writes complete
 * there). */
static ssize_t recv_msg(int fd, struct peer_msg *m)
{
	ssize_t n;

	do
		n = recv(fd, m, sizeof(*m), 0);
	while (n < 0 && errno == EINTR);
	return n;
}

/* ---- the peer process ---------------------------------------------------- */

static void peer_reply(int ctl, bool is_master, uint32_t op, const char *err)
{
	struct peer_msg r = { .op = op, .status = err[0] ? 1 : 0 };

	snprintf(r.text, sizeof(r.text), "peer process (%s): %s",
		 is_master ? "masters" : "slaves", err);
	if (send(ctl, &r, sizeof(r), MSG_NOSIGNAL) != sizeof(r))
		_exit(3);
	if (err[0])
		_exit(1);
}

static int peer_main(bool is_master, const char *sock, int ctl)
{
	static struct memif *ms[N_IFS];
	struct peer_msg q;
	char err[ERRSZ] = "";
	int fds0, ret;
	unsigned i;

	raise_nofile();
	fds0 = test_count_fds();
	ret = memif_init(is_master ? "scale-peer-master" : "scale-peer-slave");
	if (ret != MEMIF_OK)
		failf(err, "memif_init: %s", memif_strerror(ret));
	else
		create_all(ms, is_master, sock, err);
	peer_reply(ctl, is_master, PEER_READY, err);
	while (recv_msg(ctl, &q) == sizeof(q)) {
		switch (q.op) {
		case PEER_UP:
			if (!WAIT_UNTIL(all_connected(1), UP_MS))
				failf(err, "%d of %d up after %d ms", ups(),
				      N_IFS, UP_MS);
			break;
		case PEER_TRAFFIC:
			/* Direction 0 is master to slave, 1 slave to
			 * master. */
			if (recv_all_ifs(ms, q.arg, is_master ? 1 : 0, err))
				send_all_ifs(ms, q.arg, is_master ? 0 : 1, err);
			break;
		case PEER_QUIT:
			for (i = 0; i < N_IFS; i++)
				if (memif_close(ms[i]) != MEMIF_OK)
					failf(err, "close %u", i);
			if (!err[0] && memif_cleanup() != MEMIF_OK)
				failf(err, "memif_cleanup");
			if (!err[0] &&
			    !WAIT_UNTIL(test_count_fds() == fds0, 2000))
				failf(err, "%d fds open, %d at start",
				      test_count_fds(), fds0);
			peer_reply(ctl, is_master, q.op, err);
			return 0;
		default:
			failf(err, "request %u?", q.op);
		}
		peer_reply(ctl, is_master, q.op, err);
	}
	return 2; /* the test process went away */
}

/* ---- the test process ---------------------------------------------------- */

struct peer {
	pid_t pid;
	int ctl;
};

/* Start the peer process with the other role; wait until it has created
 * its interfaces. */
static void peer_start(struct peer *p, bool is_master, const char *sock)
{
	struct timeval tv = { PEER_MS / 1000, 0 };
	struct peer_msg r;
	int sv[2];

	ck_assert_int_eq(
		socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	p->pid = fork();
	ck_assert_int_ge(p->pid, 0);
	if (p->pid == 0) {
		/* Between fork and exec only async-signal-safe calls: this
		 * process has the library's event thread.  The control
		 * socket becomes fd PEER_CTL_FD, without CLOEXEC (dup2 clears
		 * it, unless the fd is already there). */
		char *argv[] = { (char *)"test-integration-scale",
				 (char *)"--peer",
				 (char *)(is_master ? "master" : "slave"),
				 (char *)sock, NULL };

		if (sv[1] == PEER_CTL_FD ? fcntl(sv[1], F_SETFD, 0) < 0 :
					   dup2(sv[1], PEER_CTL_FD) < 0)
			_exit(127);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	close(sv[1]);
	p->ctl = sv[0];
	ck_assert_int_eq(setsockopt(p->ctl, SOL_SOCKET, SO_RCVTIMEO, &tv,
				    sizeof(tv)),
			 0);
	ck_assert_msg(recv_msg(p->ctl, &r) == sizeof(r),
		      "peer process did not start");
	ck_assert_msg(r.op == PEER_READY && !r.status, "%s", r.text);
}

static void peer_call(struct peer *p, uint32_t op, uint32_t arg)
{
	struct peer_msg q = { .op = op, .arg = arg }, r;
	ssize_t n;

	ck_assert_int_eq(send(p->ctl, &q, sizeof(q), MSG_NOSIGNAL), sizeof(q));
	n = recv_msg(p->ctl, &r);
	ck_assert_msg(n == sizeof(r),
		      "no reply from the peer to request %u: %s", op,
		      n < 0 ? strerror(errno) : "end of file");
	ck_assert_msg(r.op == op && !r.status, "%s", r.text);
}

static void peer_end(struct peer *p, bool kill_it)
{
	int st = 0;

	if (kill_it)
		ck_assert_int_eq(kill(p->pid, SIGKILL), 0);
	else
		peer_call(p, PEER_QUIT, 0);
	ck_assert_int_eq(waitpid(p->pid, &st, 0), p->pid);
	if (kill_it)
		ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	else
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
			      "peer exit status %#x", st);
	close(p->ctl);
	p->pid = 0;
}

/* Start the peer (role @is_master) on @sock and wait until every
 * interface has connected @times times; @who's interfaces are "@what in
 * <ms>" on stderr. */
static void peer_up(struct peer *p, bool is_master, const char *sock,
		    unsigned times, const char *who, const char *what)
{
	uint64_t t0 = test_now_ms();

	peer_start(p, is_master, sock);
	WAIT_OK(all_connected(times), UP_MS);
	peer_call(p, PEER_UP, 0);
	fprintf(stderr, "%s: %d interfaces %s in %llu ms\n", who, N_IFS, what,
		(unsigned long long)(test_now_ms() - t0));
}

/* One round of traffic: one packet each way on every interface. */
static void traffic(struct memif **ms, struct peer *p, bool is_master,
		    uint32_t round)
{
	char err[ERRSZ];

	ck_assert_msg(send_all_ifs(ms, round, is_master ? 0 : 1, err), "%s",
		      err);
	peer_call(p, PEER_TRAFFIC, round);
	ck_assert_msg(recv_all_ifs(ms, round, is_master ? 1 : 0, err), "%s",
		      err);
}

/* What this process holds: open fds, resident anonymous and shared memory
 * (kB), and heap bytes in use (every malloc arena). */
struct usage {
	int fds;
	long anon_kb, shmem_kb;
	size_t heap;
};

static void usage_now(struct usage *u)
{
	malloc_trim(0);
	u->fds = test_count_fds();
	u->anon_kb = status_kb("RssAnon");
	u->shmem_kb = status_kb("RssShmem");
	u->heap = mallinfo2().uordblks;
	ck_assert_int_ge(u->anon_kb, 0);
	ck_assert_int_ge(u->shmem_kb, 0);
}

/*
 * One life of @N_IFS interfaces of role @is_master on @sock: create them,
 * start the peer process, all connect, traffic; the peer is SIGKILLed, all
 * go down, its successor starts, all connect again, traffic again; the
 * successor quits; close them all.  @life numbers the packets; @shmem0_kb
 * is RssShmem before.
 */
static void one_life(bool is_master, const char *sock, uint32_t life,
		     long shmem0_kb)
{
	static struct memif *ms[N_IFS];
	const char *who = is_master ? "masters" : "slaves";
	struct peer p;
	char err[ERRSZ];
	unsigned i;

	memset(ifs, 0, sizeof(ifs));
	create_all(ms, is_master, sock, err);
	ck_assert_msg(!err[0], "%s", err);
	peer_up(&p, !is_master, sock, 1, who, "up");
	traffic(ms, &p, is_master, 2 * life);
	/* The regions show in RssShmem (so its return below means something). */
	ck_assert_int_gt(status_kb("RssShmem") - shmem0_kb, N_IFS * 4);

	/* The peer dies: every interface goes down, and comes up again with
	 * the peer's successor. */
	peer_end(&p, true);
	WAIT_OK(ups() == 0, UP_MS);
	peer_up(&p, !is_master, sock, 2, who, "up again");
	traffic(ms, &p, is_master, 2 * life + 1);

	peer_end(&p, false);
	WAIT_OK(ups() == 0, UP_MS);
	for (i = 0; i < N_IFS; i++)
		ck_assert_int_eq(memif_close(ms[i]), MEMIF_OK);
}

/*
 * Two lives in a row.  After each, the fds are exactly those from before
 * the first, the shared memory is unmapped, and the anonymous memory is
 * back within what malloc keeps (its arenas' high-water pages); after the
 * second, neither the resident memory nor the heap in use has grown over
 * the first: a leak of 16 bytes per connection is 8 KiB here.
 */
static void two_processes(bool is_master)
{
	const char *sock = test_socket_name("scale2p");
	const char *who = is_master ? "masters" : "slaves";
	struct usage u0, u[2];
	int fds_before;
	unsigned life;

	raise_nofile();
	n_up = 0;
	fds_before = test_count_fds();
	ck_assert_int_eq(memif_init(is_master ? "scale-master" : "scale-slave"),
			 MEMIF_OK);
	usage_now(&u0);
	for (life = 0; life < 2; life++) {
		one_life(is_master, sock, life, u0.shmem_kb);
		WAIT_OK(test_count_fds() == u0.fds, 2000);
		usage_now(&u[life]);
		fprintf(stderr,
			"%s, after life %u: RssAnon %+ld kB, RssShmem %+ld "
			"kB, heap in use %+ld B\n",
			who, life + 1, u[life].anon_kb - u0.anon_kb,
			u[life].shmem_kb - u0.shmem_kb,
			(long)u[life].heap - (long)u0.heap);
		ck_assert_msg(u[life].shmem_kb - u0.shmem_kb <=
				      RSS_SHMEM_SLACK_KB,
			      "shared memory still mapped after close: %ld kB",
			      u[life].shmem_kb - u0.shmem_kb);
		/* ASan's quarantine and TSan's allocator keep freed memory
		 * resident and malloc's counters see none of it; there
		 * LeakSanitizer and the fd count stand in for these. */
		if (SANITIZED)
			continue;
		ck_assert_msg(u[life].anon_kb - u0.anon_kb <= RSS_ANON_SLACK_KB,
			      "anonymous memory after close: %+ld kB",
			      u[life].anon_kb - u0.anon_kb);
	}
	if (!SANITIZED) {
		ck_assert_msg(u[1].anon_kb - u[0].anon_kb <= RSS_ANON_GROWTH_KB,
			      "anonymous memory grew by %ld kB from one life "
			      "to the next",
			      u[1].anon_kb - u[0].anon_kb);
		ck_assert_msg((long)u[1].heap - (long)u[0].heap <=
				      HEAP_GROWTH_B,
			      "heap in use grew by %ld bytes from one life to "
			      "the next",
			      (long)u[1].heap - (long)u[0].heap);
	}
	ck_assert_int_eq(memif_cleanup(), MEMIF_OK);
	WAIT_OK(test_count_fds() == fds_before, 2000);
}

START_TEST(integration_scale_256_masters_outlive_their_slaves)
{
	two_processes(true);
}
END_TEST

START_TEST(integration_scale_256_slaves_outlive_their_masters)
{
	two_processes(false);
}
END_TEST

TEST_SUITE(scale_suite, "integration-scale",
	   TEST_CASE("two processes", 60, NULL, NULL,
		     integration_scale_256_masters_outlive_their_slaves,
		     integration_scale_256_slaves_outlive_their_masters))

int main(int argc, char **argv)
{
	const char *tun = getenv("GLIBC_TUNABLES");

	if (argc == 4 && !strcmp(argv[1], "--peer"))
		return peer_main(!strcmp(argv[2], "master"), argv[3],
				 PEER_CTL_FD);
	if (!SANITIZED && (!tun || !strstr(tun, NO_TCACHE))) {
		char buf[512];

		snprintf(buf, sizeof(buf), "%s%s%s", tun ? tun : "",
			 tun ? ":" : "", NO_TCACHE);
		if (setenv("GLIBC_TUNABLES", buf, 1) == 0)
			execv("/proc/self/exe", argv);
		perror("test-integration-scale: re-exec without tcache");
		return EXIT_FAILURE;
	}
	return test_run_suite(scale_suite());
}
