/* SPDX-License-Identifier: MIT */
/*
 * memif-scale: how memif-native's cost grows with the number of interfaces.
 * One process holds N master interfaces, another N slave interfaces (ids
 * 0..N-1), on one socket or on N/16 sockets; rings of 2^8, interrupt mode.
 * A third process (the one started) forks them, never calls memif_init,
 * and drives them over a socket pair with a fixed set of commands.
 *
 *   memif-scale [--n 1,64,256,1024,4096] [--layout both|one|many]
 *               [--idle-seconds 10] [--traffic-seconds 2]
 *               [--reconnect-ms 100] [--json]
 *
 * Per N and layout it measures: the time from the slave process's start
 * until on_connect has run for every interface on both sides, and again
 * after the master process is SIGKILLed and started anew (the slaves retry
 * every --reconnect-ms); heap (mallinfo2, one arena), anonymous RSS and fds
 * per interface on each side; CPU time and voluntary context switches of
 * each process over --idle-seconds with everything connected and no
 * traffic; one packet on every interface, received by waiting on each
 * interface's memif_get_interrupt_fd (time until all N arrived); and 64-byte
 * packets sent round-robin over 1, 16 and 64 interfaces by one thread and
 * received by one thread (polling), aggregate Mpps.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <malloc.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <memif/memif.h>

#define LOG2_RING 8
#define IFACES_PER_SOCKET 16 /* the "many sockets" layout */
#define BURST 32
#define PKT_LEN 64
#define UP_TIMEOUT_MS 60000
#define FDS_PER_IFACE 4 /* 3 when connected, + the interrupt fd */
#define FDS_SPARE 64

/* Commands from the driver to a role process, and the replies. */
enum cmd {
	CMD_WAIT_UP, /* arg: connects to wait for in total */
	CMD_MEM,
	CMD_IDLE_START,
	CMD_IDLE_STOP,
	CMD_IRQ_ARM, /* receiver: wait on the interrupt fds */
	CMD_IRQ_RECV, /* receiver: collect one packet per interface */
	CMD_IRQ_SEND, /* sender: one packet on every interface */
	CMD_TRAFFIC_RX, /* arg: interfaces; receive until quiet */
	CMD_TRAFFIC_TX, /* arg: interfaces; send for arg2 ms */
	CMD_QUIT,
};

struct request {
	enum cmd cmd;
	uint64_t arg, arg2;
};

struct reply {
	int status; /* 0, or an errno-like failure */
	uint64_t t_ns; /* a CLOCK_MONOTONIC stamp (comparable across processes) */
	uint64_t count;
	uint64_t t2_ns;
	double heap_b, rss_b, fds; /* CMD_MEM: deltas over the whole run */
	double cpu_s, vcsw; /* CMD_IDLE_STOP */
	char msg[120];
};

enum layout {
	LAYOUT_ONE, /* every interface on one socket */
	LAYOUT_MANY, /* N/16 sockets, 16 interfaces each */
};

struct opts {
	unsigned ns[16];
	unsigned n_ns;
	bool layouts[2];
	unsigned idle_s;
	unsigned traffic_s;
	unsigned reconnect_ms;
	bool json;
};

struct result {
	unsigned n;
	enum layout layout;
	unsigned n_sockets;
	double connect_s, reconnect_s;
	struct reply mem[2]; /* [0] master, [1] slave */
	struct reply idle[2];
	double irq_total_ms, irq_ns_per_pkt;
	uint64_t irq_received;
	double mpps[3]; /* over 1, 16, 64 interfaces; < 0: not run */
	char error[160];
};

static const unsigned traffic_ifaces[3] = { 1, 16, 64 };

/* ---- helpers ------------------------------------------------------------ */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own fd */
}

/* A "Key:   123 kB" line of /proc/self/status, or of a task's status. */
static long status_field(const char *path, const char *key)
{
	size_t klen = strlen(key);
	char line[256];
	long v = -1;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			v = strtol(line + klen + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* Voluntary context switches of every thread of this process. */
static double voluntary_switches(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	char path[300];
	double sum = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/status",
			 e->d_name);
		sum += (double)status_field(path, "voluntary_ctxt_switches");
	}
	closedir(d);
	return sum;
}

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static int send_all(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do {
		n = send(fd, buf, len, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

static int recv_all(int fd, void *buf, size_t len)
{
	ssize_t n;

	do {
		n = recv(fd, buf, len, 0);
	} while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

/*
 * Room for @n interfaces of both roles' fds.  The soft limit goes to the
 * hard one; a privileged process may raise the hard one too.  Returns 0,
 * or -1 with @why filled when the limit stays too low.
 */
static int raise_nofile(unsigned n, char *why, size_t len, bool quiet)
{
	rlim_t need = (rlim_t)n * FDS_PER_IFACE + FDS_SPARE;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -1;
	if (rl.rlim_cur >= need)
		return 0;
	if (rl.rlim_max < need) {
		struct rlimit up = { need, need };

		if (setrlimit(RLIMIT_NOFILE, &up) == 0) {
			if (!quiet)
				fprintf(stderr,
					"memif-scale: raised RLIMIT_NOFILE "
					"(soft and hard) from %llu/%llu to "
					"%llu for N=%u\n",
					(unsigned long long)rl.rlim_cur,
					(unsigned long long)rl.rlim_max,
					(unsigned long long)need, n);
			return 0;
		}
	}
	if (!quiet)
		fprintf(stderr,
			"memif-scale: raising RLIMIT_NOFILE from %llu to the "
			"hard limit %llu for N=%u\n",
			(unsigned long long)rl.rlim_cur,
			(unsigned long long)rl.rlim_max, n);
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur < need) {
		snprintf(why, len,
			 "RLIMIT_NOFILE hard limit %llu is below the %llu fds "
			 "that N=%u needs (ulimit -Hn, or run privileged)",
			 (unsigned long long)rl.rlim_max,
			 (unsigned long long)need, n);
		return -1;
	}
	return 0;
}

/* ---- the role processes ------------------------------------------------- */

struct role {
	bool is_master;
	unsigned n;
	struct memif **ifs;
	int *intr_fds;
	int ep;
	unsigned up, connects; /* updated on the event thread */
	uint64_t last_up_ns;
	struct mallinfo2 mi0;
	long rss0_kb;
	int fds0;
	double cpu0, vcsw0;
};

static struct role role;

static int on_up(struct memif *m, void *ctx)
{
	__atomic_store_n(&role.last_up_ns, now_ns(), __ATOMIC_RELAXED);
	__atomic_add_fetch(&role.connects, 1, __ATOMIC_RELEASE);
	__atomic_add_fetch(&role.up, 1, __ATOMIC_RELEASE);
	return 0;
}

static int on_down(struct memif *m, void *ctx)
{
	__atomic_sub_fetch(&role.up, 1, __ATOMIC_RELEASE);
	return 0;
}

static void quiet_log(enum memif_log_level level, const char *if_name,
		      int queue_id, int err_code, const char *msg, void *ctx)
{
	if (getenv("MEMIF_SCALE_DEBUG"))
		fprintf(stderr, "[%s] %s: %s\n",
			role.is_master ? "master" : "slave",
			if_name ? if_name : "-", msg);
}

static void sock_name(char *buf, size_t len, const char *base,
		      enum layout layout, unsigned id)
{
	snprintf(buf, len, "%s-%u", base,
		 layout == LAYOUT_ONE ? 0 : id / IFACES_PER_SOCKET);
}

static int role_setup(bool is_master, unsigned n, enum layout layout,
		      const char *base, unsigned reconnect_ms, char *why,
		      size_t len)
{
	static const struct memif_callbacks cbs = { on_up, on_down, NULL };
	struct memif_config cfg = { .log2_ring_size = LOG2_RING,
				    .rx_mode = MEMIF_RX_MODE_INTERRUPT };
	uint64_t t0 = now_ns();
	char name[108];
	unsigned i;
	int ret;

	/* Every thread's allocations in one arena, so mallinfo2 sees them. */
	mallopt(M_ARENA_MAX, 1);
	if (raise_nofile(n, why, len, true) < 0)
		return -1;
	role.is_master = is_master;
	role.n = n;
	role.ifs = calloc(n, sizeof(*role.ifs));
	role.intr_fds = calloc(n, sizeof(*role.intr_fds));
	if (!role.ifs || !role.intr_fds) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	memif_set_logger(quiet_log, NULL);
	ret = memif_init(is_master ? "scale-master" : "scale-slave");
	if (ret) {
		snprintf(why, len, "memif_init: %s", memif_strerror(ret));
		return -1;
	}
	role.mi0 = mallinfo2();
	role.rss0_kb = status_field("/proc/self/status", "RssAnon");
	role.fds0 = count_fds();
	cfg.is_master = is_master;
	cfg.reconnect_interval_ms = reconnect_ms;
	cfg.socket_filename = name;
	for (i = 0; i < n; i++) {
		cfg.conn_id = i;
		sock_name(name, sizeof(name), base, layout, i);
		ret = memif_create_interface(&cfg, &cbs, &role.ifs[i]);
		/* A master killed a moment ago still holds its listener
		 * while the kernel tears its io_uring down (a kernel worker
		 * drops the ring's file references after the process has
		 * gone): a restarted master retries, as a service would. */
		while (ret == MEMIF_ERR_SYSCALL &&
		       memif_errno() == EADDRINUSE &&
		       now_ns() - t0 < 10000000000ull) {
			sleep_ms(2);
			ret = memif_create_interface(&cfg, &cbs, &role.ifs[i]);
		}
		if (ret) {
			snprintf(why, len, "interface %u: %s", i,
				 memif_strerror(ret));
			return -1;
		}
	}
	return 0;
}

static void do_wait_up(uint64_t connects, struct reply *r)
{
	uint64_t t0 = now_ns();

	while (__atomic_load_n(&role.connects, __ATOMIC_ACQUIRE) < connects ||
	       __atomic_load_n(&role.up, __ATOMIC_ACQUIRE) < role.n) {
		if (now_ns() - t0 > UP_TIMEOUT_MS * 1000000ull) {
			r->status = ETIMEDOUT;
			snprintf(r->msg, sizeof(r->msg),
				 "%s: %u of %u up after %d s",
				 role.is_master ? "master" : "slave", role.up,
				 role.n, UP_TIMEOUT_MS / 1000);
			return;
		}
		sleep_ms(1);
	}
	r->t_ns = __atomic_load_n(&role.last_up_ns, __ATOMIC_RELAXED);
}

static void do_mem(struct reply *r)
{
	struct mallinfo2 mi = mallinfo2();
	long rss = status_field("/proc/self/status", "RssAnon");

	r->heap_b = ((double)mi.uordblks - (double)role.mi0.uordblks) / role.n;
	r->rss_b = (double)(rss - role.rss0_kb) * 1024.0 / role.n;
	r->fds = (double)(count_fds() - role.fds0) / role.n;
}

static void do_irq_arm(struct reply *r)
{
	struct epoll_event ev = { .events = EPOLLIN };
	unsigned i;
	int ret;

	role.ep = epoll_create1(EPOLL_CLOEXEC);
	if (role.ep < 0) {
		r->status = errno;
		return;
	}
	for (i = 0; i < role.n; i++) {
		ret = memif_get_interrupt_fd(role.ifs[i], &role.intr_fds[i]);
		if (ret) {
			r->status = EIO;
			snprintf(r->msg, sizeof(r->msg), "interrupt fd: %s",
				 memif_strerror(ret));
			return;
		}
		ev.data.u32 = i;
		if (epoll_ctl(role.ep, EPOLL_CTL_ADD, role.intr_fds[i], &ev)) {
			r->status = errno;
			return;
		}
	}
	/* Let the event thread arm its polls before the packets come. */
	sleep_ms(100);
}

/* Drain interface @i: every queue the interrupt fd names. */
static unsigned drain_iface(unsigned i)
{
	struct memif_rx_pkt pkts[BURST];
	unsigned got = 0;
	uint16_t n;
	uint8_t qid;

	while (memif_read_interrupt(role.ifs[i], &qid) == MEMIF_OK)
		do {
			n = 0;
			if (memif_rx_burst(role.ifs[i], qid, pkts, BURST, &n))
				break;
			got += n;
		} while (n);
	return got;
}

static void do_irq_recv(struct reply *r)
{
	struct epoll_event evs[256];
	uint64_t t0 = now_ns();
	int k, n;

	while (r->count < role.n && now_ns() - t0 < 10000000000ull) {
		n = epoll_wait(role.ep, evs, 256, 100);
		for (k = 0; k < n; k++)
			r->count += drain_iface(evs[k].data.u32);
		if (n > 0)
			r->t_ns = now_ns();
	}
}

static void do_irq_send(struct reply *r)
{
	static const uint8_t frame[PKT_LEN];
	struct memif_tx_pkt p = { frame, PKT_LEN };
	uint16_t sent;
	unsigned i;

	r->t_ns = now_ns();
	for (i = 0; i < role.n; i++)
		if (memif_tx_burst(role.ifs[i], 0, &p, 1, &sent) == MEMIF_OK)
			r->count += sent;
	r->t2_ns = now_ns();
}

static void set_polling(unsigned k, bool polling)
{
	unsigned i;

	for (i = 0; i < k; i++)
		if (memif_set_rx_mode(role.ifs[i], 0,
				      polling ? MEMIF_RX_MODE_POLLING :
						MEMIF_RX_MODE_INTERRUPT))
			fprintf(stderr, "memif-scale: rx mode of %u\n", i);
}

/* One thread, round-robin over interfaces 0..@k-1, until nothing has come
 * for 300 ms after the first packet. */
static void do_traffic_rx(unsigned k, struct reply *r)
{
	struct memif_rx_pkt pkts[BURST];
	uint64_t first = 0, last = 0, t0 = now_ns();
	unsigned i;
	uint16_t n;

	set_polling(k, true);
	for (;;) {
		bool any = false;

		for (i = 0; i < k; i++) {
			n = 0;
			if (memif_rx_burst(role.ifs[i], 0, pkts, BURST, &n) ||
			    !n)
				continue;
			r->count += n;
			any = true;
		}
		if (any) {
			last = now_ns();
			if (!first)
				first = last;
		} else if ((first && now_ns() - last > 300000000ull) ||
			   (!first && now_ns() - t0 > 5000000000ull)) {
			break;
		}
	}
	r->t_ns = first;
	r->t2_ns = last;
	set_polling(k, false);
}

static void do_traffic_tx(unsigned k, uint64_t ms, struct reply *r)
{
	static const uint8_t frame[PKT_LEN];
	struct memif_tx_pkt pkts[BURST];
	uint64_t end;
	unsigned i;
	uint16_t sent;

	for (i = 0; i < BURST; i++) {
		pkts[i].data = frame;
		pkts[i].len = PKT_LEN;
	}
	r->t_ns = now_ns();
	end = r->t_ns + ms * 1000000ull;
	while (now_ns() < end)
		for (i = 0; i < k; i++) {
			sent = 0;
			if (memif_tx_burst(role.ifs[i], 0, pkts, BURST,
					   &sent) == MEMIF_OK)
				r->count += sent;
		}
	r->t2_ns = now_ns();
}

static void role_serve(int ctl)
{
	struct request q;
	struct reply r;

	while (recv_all(ctl, &q, sizeof(q)) == 0) {
		memset(&r, 0, sizeof(r));
		switch (q.cmd) {
		case CMD_WAIT_UP:
			do_wait_up(q.arg, &r);
			break;
		case CMD_MEM:
			do_mem(&r);
			break;
		case CMD_IDLE_START:
			role.cpu0 = cpu_seconds();
			role.vcsw0 = voluntary_switches();
			break;
		case CMD_IDLE_STOP:
			r.cpu_s = cpu_seconds() - role.cpu0;
			r.vcsw = voluntary_switches() - role.vcsw0;
			break;
		case CMD_IRQ_ARM:
			do_irq_arm(&r);
			break;
		case CMD_IRQ_RECV:
			do_irq_recv(&r);
			break;
		case CMD_IRQ_SEND:
			do_irq_send(&r);
			break;
		case CMD_TRAFFIC_RX:
			do_traffic_rx((unsigned)q.arg, &r);
			break;
		case CMD_TRAFFIC_TX:
			do_traffic_tx((unsigned)q.arg, q.arg2, &r);
			break;
		case CMD_QUIT:
			return;
		}
		if (send_all(ctl, &r, sizeof(r)) < 0)
			return;
	}
}

/* The child's whole life: set up, report, serve commands.  The first
 * reply says whether the interfaces were created. */
static void role_main(int ctl, bool is_master, unsigned n, enum layout layout,
		      const char *base, unsigned reconnect_ms)
{
	struct reply r = { 0 };
	unsigned i;

	if (role_setup(is_master, n, layout, base, reconnect_ms, r.msg,
		       sizeof(r.msg)) < 0)
		r.status = EIO;
	r.t_ns = now_ns();
	if (send_all(ctl, &r, sizeof(r)) == 0 && !r.status)
		role_serve(ctl);
	for (i = 0; i < n && role.ifs; i++)
		if (role.ifs[i])
			memif_close(role.ifs[i]);
	memif_cleanup();
	_exit(0);
}

/* ---- the driver --------------------------------------------------------- */

struct child {
	pid_t pid;
	int ctl;
};

static int spawn(struct child *ch, bool is_master, unsigned n,
		 enum layout layout, const char *base, unsigned reconnect_ms,
		 struct reply *first)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	ch->pid = fork();
	if (ch->pid < 0)
		return -1;
	if (ch->pid == 0) {
		close(sv[0]);
		role_main(sv[1], is_master, n, layout, base, reconnect_ms);
	}
	close(sv[1]);
	ch->ctl = sv[0];
	if (recv_all(ch->ctl, first, sizeof(*first)) < 0) {
		snprintf(first->msg, sizeof(first->msg), "%s died at start",
			 is_master ? "master" : "slave");
		first->status = EIO;
	}
	return first->status ? -1 : 0;
}

static int call(struct child *ch, enum cmd cmd, uint64_t arg, uint64_t arg2,
		struct reply *r)
{
	struct request q = { cmd, arg, arg2 };

	memset(r, 0, sizeof(*r));
	if (send_all(ch->ctl, &q, sizeof(q)) < 0 ||
	    recv_all(ch->ctl, r, sizeof(*r)) < 0) {
		snprintf(r->msg, sizeof(r->msg), "lost the role process");
		r->status = EIO;
	}
	return r->status ? -1 : 0;
}

static void reap(struct child *ch, bool kill_it)
{
	struct request q = { CMD_QUIT, 0, 0 };

	if (ch->pid <= 0)
		return;
	if (kill_it)
		kill(ch->pid, SIGKILL);
	else
		send_all(ch->ctl, &q, sizeof(q));
	waitpid(ch->pid, NULL, 0);
	close(ch->ctl);
	ch->pid = 0;
}

static int fail(struct result *res, const struct reply *r, const char *what)
{
	snprintf(res->error, sizeof(res->error), "%s: %s", what,
		 r->msg[0] ? r->msg : strerror(r->status));
	return -1;
}

static int run_case(const struct opts *o, unsigned n, enum layout layout,
		    struct result *res)
{
	struct child ms = { 0 }, sl = { 0 };
	struct reply r, rm, rs;
	char base[64];
	uint64_t t0;
	unsigned k;
	int ret = -1;

	memset(res, 0, sizeof(*res));
	res->n = n;
	res->layout = layout;
	res->n_sockets = layout == LAYOUT_ONE ? 1 :
						(n + IFACES_PER_SOCKET - 1) /
							IFACES_PER_SOCKET;
	for (k = 0; k < 3; k++)
		res->mpps[k] = -1;
	if (raise_nofile(n, res->error, sizeof(res->error), false) < 0)
		return -1;
	snprintf(base, sizeof(base), "@memif-scale-%d-%u-%d", (int)getpid(), n,
		 (int)layout);

	/* Connect: from the slave process's start until both sides saw
	 * every on_connect. */
	if (spawn(&ms, true, n, layout, base, o->reconnect_ms, &r) < 0) {
		fail(res, &r, "master");
		goto out;
	}
	t0 = now_ns();
	if (spawn(&sl, false, n, layout, base, o->reconnect_ms, &r) < 0) {
		fail(res, &r, "slave");
		goto out;
	}
	if (call(&ms, CMD_WAIT_UP, n, 0, &rm) < 0 ||
	    call(&sl, CMD_WAIT_UP, n, 0, &rs) < 0) {
		fail(res, rm.status ? &rm : &rs, "connect");
		goto out;
	}
	res->connect_s =
		(double)((rm.t_ns > rs.t_ns ? rm.t_ns : rs.t_ns) - t0) / 1e9;

	/* Memory and fds, everything connected. */
	if (call(&ms, CMD_MEM, 0, 0, &res->mem[0]) < 0 ||
	    call(&sl, CMD_MEM, 0, 0, &res->mem[1]) < 0) {
		fail(res, &r, "memory");
		goto out;
	}

	/* Idle: nothing to do, and nobody should wake. */
	call(&ms, CMD_IDLE_START, 0, 0, &r);
	call(&sl, CMD_IDLE_START, 0, 0, &r);
	sleep_ms(o->idle_s * 1000);
	call(&ms, CMD_IDLE_STOP, 0, 0, &res->idle[0]);
	call(&sl, CMD_IDLE_STOP, 0, 0, &res->idle[1]);

	/* Interrupt dispatch: one packet on each interface, master to
	 * slave, the slave waiting on the interrupt fds. */
	if (call(&sl, CMD_IRQ_ARM, 0, 0, &r) < 0) {
		fail(res, &r, "interrupt fds");
		goto out;
	}
	{
		struct request q = { CMD_IRQ_RECV, 0, 0 };

		if (send_all(sl.ctl, &q, sizeof(q)) < 0 ||
		    call(&ms, CMD_IRQ_SEND, 0, 0, &rm) < 0 ||
		    recv_all(sl.ctl, &rs, sizeof(rs)) < 0) {
			snprintf(res->error, sizeof(res->error),
				 "interrupt dispatch: lost a role process");
			goto out;
		}
	}
	res->irq_received = rs.count;
	res->irq_total_ms = rs.count ? (double)(rs.t_ns - rm.t_ns) / 1e6 : -1;
	res->irq_ns_per_pkt =
		rs.count ? (double)(rs.t_ns - rm.t_ns) / (double)rs.count : -1;

	/* Traffic from one thread, round-robin over k interfaces. */
	for (k = 0; k < 3 && o->traffic_s; k++) {
		struct request q = { CMD_TRAFFIC_RX, traffic_ifaces[k], 0 };

		if (traffic_ifaces[k] > n)
			break;
		if (send_all(sl.ctl, &q, sizeof(q)) < 0)
			goto out;
		sleep_ms(50); /* polling mode set on the receiver */
		if (call(&ms, CMD_TRAFFIC_TX, traffic_ifaces[k],
			 o->traffic_s * 1000ull, &rm) < 0 ||
		    recv_all(sl.ctl, &rs, sizeof(rs)) < 0)
			goto out;
		if (rs.t2_ns > rs.t_ns)
			res->mpps[k] = (double)rs.count /
				       ((double)(rs.t2_ns - rs.t_ns) / 1e3);
		sleep_ms(50);
	}

	/* Reconnect: SIGKILL the master, start it again at once. */
	t0 = now_ns();
	reap(&ms, true);
	if (spawn(&ms, true, n, layout, base, o->reconnect_ms, &r) < 0) {
		fail(res, &r, "master restart");
		goto out;
	}
	if (call(&ms, CMD_WAIT_UP, n, 0, &rm) < 0 ||
	    call(&sl, CMD_WAIT_UP, 2ull * n, 0, &rs) < 0) {
		fail(res, rm.status ? &rm : &rs, "reconnect");
		goto out;
	}
	res->reconnect_s =
		(double)((rm.t_ns > rs.t_ns ? rm.t_ns : rs.t_ns) - t0) / 1e9;
	ret = 0;
out:
	reap(&sl, false);
	reap(&ms, false);
	return ret;
}

/* ---- output ------------------------------------------------------------- */

static const char *layout_name(enum layout l)
{
	return l == LAYOUT_ONE ? "one" : "many";
}

static void print_header(void)
{
	printf("%5s %5s %8s %8s | %7s %7s %7s %7s %5s %5s | %6s %6s %5s %5s "
	       "| %8s %7s | %6s %6s %6s\n",
	       "N", "socks", "conn_s", "reconn_s", "heapM", "heapS", "rssM",
	       "rssS", "fdM", "fdS", "cpuM_s", "cpuS_s", "cswM", "cswS",
	       "irq_ms", "irq_us", "mpps1", "mpps16", "mpps64");
}

static void print_row(const struct result *r)
{
	if (r->error[0]) {
		printf("%5u %5u  failed: %s\n", r->n, r->n_sockets, r->error);
		return;
	}
	printf("%5u %5u %8.3f %8.3f | %7.0f %7.0f %7.0f %7.0f %5.2f %5.2f | "
	       "%6.3f %6.3f %5.0f %5.0f | %8.2f %7.2f | %6.2f %6.2f %6.2f\n",
	       r->n, r->n_sockets, r->connect_s, r->reconnect_s,
	       r->mem[0].heap_b, r->mem[1].heap_b, r->mem[0].rss_b,
	       r->mem[1].rss_b, r->mem[0].fds, r->mem[1].fds, r->idle[0].cpu_s,
	       r->idle[1].cpu_s, r->idle[0].vcsw, r->idle[1].vcsw,
	       r->irq_total_ms, r->irq_ns_per_pkt / 1e3, r->mpps[0], r->mpps[1],
	       r->mpps[2]);
	fflush(stdout);
}

static void print_json(const struct result *rs, unsigned n,
		       const struct opts *o)
{
	unsigned i, k;

	printf("{\"ring_log2\": %d, \"reconnect_ms\": %u, \"idle_seconds\": "
	       "%u, \"traffic_seconds\": %u, \"results\": [",
	       LOG2_RING, o->reconnect_ms, o->idle_s, o->traffic_s);
	for (i = 0; i < n; i++) {
		const struct result *r = &rs[i];

		printf("%s\n {\"n\": %u, \"layout\": \"%s\", \"sockets\": %u",
		       i ? "," : "", r->n, layout_name(r->layout),
		       r->n_sockets);
		if (r->error[0]) {
			printf(", \"error\": \"%s\"}", r->error);
			continue;
		}
		printf(", \"connect_s\": %.4f, \"reconnect_s\": %.4f",
		       r->connect_s, r->reconnect_s);
		for (k = 0; k < 2; k++)
			printf(", \"%s\": {\"heap_bytes_per_if\": %.0f, "
			       "\"rss_anon_bytes_per_if\": %.0f, "
			       "\"fds_per_if\": %.3f, \"idle_cpu_s\": %.4f, "
			       "\"idle_voluntary_csw\": %.0f}",
			       k ? "slave" : "master", r->mem[k].heap_b,
			       r->mem[k].rss_b, r->mem[k].fds, r->idle[k].cpu_s,
			       r->idle[k].vcsw);
		printf(", \"irq_received\": %" PRIu64
		       ", \"irq_total_ms\": %.3f, \"irq_ns_per_pkt\": %.0f",
		       r->irq_received, r->irq_total_ms, r->irq_ns_per_pkt);
		printf(", \"mpps\": {");
		for (k = 0; k < 3; k++)
			printf("%s\"%u\": %.3f", k ? ", " : "",
			       traffic_ifaces[k], r->mpps[k]);
		printf("}}");
	}
	printf("\n]}\n");
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: memif-scale [options]\n"
		"  --n LIST             interface counts, comma-separated "
		"(default 1,64,256,1024,4096)\n"
		"  --layout L           one (one socket), many (N/16 "
		"sockets) or both (default)\n"
		"  --idle-seconds S     idle measurement (default 10)\n"
		"  --traffic-seconds S  each round-robin run (default 2; 0 "
		"skips)\n"
		"  --reconnect-ms MS    slave reconnect interval (default "
		"100)\n"
		"  --json               JSON on stdout instead of the table\n"
		"  --help\n");
}

static int parse_ns(struct opts *o, const char *s)
{
	char *end;

	o->n_ns = 0;
	while (*s) {
		unsigned long v = strtoul(s, &end, 10);

		if (end == s || !v || v > 65536 || o->n_ns == 16)
			return -1;
		o->ns[o->n_ns++] = (unsigned)v;
		s = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return -1;
	}
	return o->n_ns ? 0 : -1;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "n", required_argument, NULL, 'n' },
		{ "layout", required_argument, NULL, 'l' },
		{ "idle-seconds", required_argument, NULL, 'i' },
		{ "traffic-seconds", required_argument, NULL, 't' },
		{ "reconnect-ms", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct opts o = { .ns = { 1, 64, 256, 1024, 4096 },
			  .n_ns = 5,
			  .layouts = { true, true },
			  .idle_s = 10,
			  .traffic_s = 2,
			  .reconnect_ms = 100 };
	struct result *rs;
	unsigned i, n_rs = 0, failed = 0;
	int c, l;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_ns(&o, optarg) < 0) {
				fprintf(stderr, "memif-scale: bad --n %s\n",
					optarg);
				return 2;
			}
			break;
		case 'l':
			o.layouts[LAYOUT_ONE] = strcmp(optarg, "many") != 0;
			o.layouts[LAYOUT_MANY] = strcmp(optarg, "one") != 0;
			if (strcmp(optarg, "one") && strcmp(optarg, "many") &&
			    strcmp(optarg, "both")) {
				usage(stderr);
				return 2;
			}
			break;
		case 'i':
			o.idle_s = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 't':
			o.traffic_s = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'r':
			o.reconnect_ms = (unsigned)strtoul(optarg, NULL, 10);
			if (!o.reconnect_ms)
				o.reconnect_ms = 1;
			break;
		case 'j':
			o.json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	rs = calloc(o.n_ns * 2, sizeof(*rs));
	if (!rs)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	if (!o.json) {
		printf("# rings 2^%d, buffers 2048 B, interrupt mode; slaves "
		       "reconnect every %u ms; idle %u s; per-interface "
		       "figures are\n# deltas over the run on the master (M) "
		       "and slave (S) side, shared memory excluded\n",
		       LOG2_RING, o.reconnect_ms, o.idle_s);
		print_header();
	}
	for (l = 0; l < 2; l++)
		for (i = 0; i < o.n_ns; i++) {
			struct result *r = &rs[n_rs++];

			if (!o.layouts[l])
				continue;
			if (run_case(&o, o.ns[i], (enum layout)l, r) < 0)
				failed++;
			if (!o.json)
				print_row(r);
		}
	if (o.json) {
		struct result *out = calloc(n_rs, sizeof(*out));
		unsigned k = 0;

		for (i = 0; out && i < n_rs; i++)
			if (rs[i].n)
				out[k++] = rs[i];
		print_json(out ? out : rs, out ? k : n_rs, &o);
		free(out);
	}
	free(rs);
	return failed ? 1 : 0;
}
