/* SPDX-License-Identifier: MIT */
/*
 * memif-scale: how memif-native's cost grows with the number of interfaces.
 * One process holds N master interfaces, another N slave interfaces (ids
 * 0..N-1), on one socket or on N/16 sockets; rings of 2^8, interrupt mode.
 * A third process (the one started) forks them, never calls memif_init,
 * and drives them over a socket pair with a fixed set of commands.
 *
 *   memif-scale [--n 1,64,256,1024,4096] [--layout both|one|many]
 *               [--idle-seconds 10] [--traffic-ms 3000] [--phase-ms 50]
 *               [--reconnect-ms 100] [--cpus 0,1] [--json]
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
 *
 * The traffic figures are made to repeat (run_traffic): the sender
 * (master) and the receiver (slave) are pinned to two different cpus; both
 * back off with PAUSEs when a whole round over their interfaces did
 * nothing, as memif-perf does; one continuous run switches between 1, 16
 * and 64 interfaces every --phase-ms (1 16 64 64 16 1 ...), so each cycle
 * compares them within a few hundred ms, faster than the host moves this
 * VM's vCPUs; the start of each phase is not counted, nor a phase in which
 * either thread had less than 90 % of its cpu (another process ran
 * there).  The table gives medians over phases and the median over cycles
 * of the ratio 64:1.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <malloc.h>
#include <sched.h>
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
#define MAX_PHASES 600
#define MAX_RUNS \
	5 /* traffic runs per case (--runs), while too few were clean */
#define MIN_CYCLES 10 /* clean cycles wanted for the ratio */
#define START_MS 100 /* from the plan to phase 0: both sides are ready */
#define GUARD_MS 5 /* the start of a phase is not counted */
#define QUIET_MS 50 /* the receiver stops after this long without packets */
#define DRAIN_MAX_MS 2000 /* ... or this long after the last phase */
#define MIN_CPU_SHARE 0.9 /* a phase is clean when both threads had this */
#define QUIET_SAMPLE_MS 200 /* before a run: the other load ... */
#define QUIET_BUSY 0.10 /* ... must stay below this share of all cpus */
#define QUIET_WAIT_MS \
	10000 /* ... or we go on after this long (--quiet-wait-ms) */
#define CLOCK_EVERY 64 /* bursts between two looks at the clock */

/* A traffic run: interface counts ks[] in turn, phase_ms each, from t0. */
struct traffic_plan {
	uint64_t t0_ns; /* CLOCK_MONOTONIC (the same in every process) */
	uint32_t phase_ms;
	uint32_t n_phases;
	uint16_t ks[3];
	uint8_t n_k;
	int32_t cpu; /* pin to this cpu; -1: do not */
};

/* Commands from the driver to a role process, and the replies. */
enum cmd {
	CMD_WAIT_UP, /* arg: connects to wait for in total */
	CMD_MEM,
	CMD_IDLE_START,
	CMD_IDLE_STOP,
	CMD_IRQ_ARM, /* receiver: wait on the interrupt fds */
	CMD_IRQ_RECV, /* receiver: collect one packet per interface */
	CMD_IRQ_SEND, /* sender: one packet on every interface */
	CMD_TRAFFIC_RX, /* plan; replies "ready", then reply + report */
	CMD_TRAFFIC_TX, /* plan; replies reply + report */
	CMD_QUIT,
};

struct request {
	enum cmd cmd;
	uint64_t arg, arg2;
	struct traffic_plan plan;
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

/* What one side saw in each phase of a traffic run. */
struct phase_report {
	uint32_t n;
	struct phase_stat {
		uint64_t pkts; /* moved while counting */
		uint64_t ns; /* how long it counted */
		float share; /* thread cpu time / wall time in the phase */
		float idle; /* bursts that moved nothing (ring full / empty) */
	} ph[MAX_PHASES];
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
	unsigned traffic_ms; /* 0: no traffic */
	unsigned phase_ms;
	unsigned runs; /* traffic runs per case at most */
	unsigned quiet_wait_ms; /* before each: wait this long for quiet */
	unsigned reconnect_ms;
	int cpus[2]; /* sender, receiver; -1: not pinned */
	bool json;
	const char *json_file; /* also write the JSON here */
};

#define MAX_SAMPLES (MAX_RUNS * MAX_PHASES)

/* One interface count's phases, clean ones only. */
struct traffic {
	double mpps[MAX_SAMPLES / 3];
	double tx_full[MAX_SAMPLES / 3], rx_empty[MAX_SAMPLES / 3];
	unsigned n; /* clean phases */
	unsigned disturbed; /* phases left out: a thread lacked its cpu */
	double median, min, max;
};

struct result {
	unsigned n;
	enum layout layout;
	unsigned n_sockets;
	double connect_s, reconnect_s;
	double slave_ready_s; /* connect: the slaves' interfaces all created */
	/* Reconnect, from the SIGKILL: the old master reaped, the new one's
	 * first interface created (its listener bound: the name is free
	 * once the kernel has let go of the dead process's io_uring), all
	 * its interfaces created. */
	double reaped_s, bound_s, master_ready_s;
	struct reply mem[2]; /* [0] master, [1] slave */
	struct reply idle[2];
	double irq_total_ms, irq_ns_per_pkt;
	uint64_t irq_received;
	struct traffic tr[3]; /* over 1, 16, 64 interfaces */
	/* mpps(64) / mpps(1) of each cycle whose phases for both were clean:
	 * median and quartiles. */
	double ratios[MAX_SAMPLES / 3];
	unsigned n_ratios;
	double ratio64, ratio64_q1, ratio64_q3; /* < 0: none */
	unsigned runs, quiet_wait_ms; /* traffic runs; ms waited for quiet */
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
	uint64_t bound_ns; /* interface 0 created */
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
		if (i == 0)
			role.bound_ns = now_ns();
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

/* ---- traffic ------------------------------------------------------------ */

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Pin the calling thread to @cpu, keeping its old mask in @saved; a
 * negative @cpu leaves it where it is. */
static int pin_self(int cpu, cpu_set_t *saved, struct reply *r)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	if (sched_getaffinity(0, sizeof(*saved), saved) < 0)
		goto fail;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		goto fail;
	return 0;
fail:
	r->status = errno;
	snprintf(r->msg, sizeof(r->msg), "pin to cpu %d: %s", cpu,
		 strerror(errno));
	return -1;
}

static void unpin_self(int cpu, const cpu_set_t *saved)
{
	if (cpu >= 0)
		sched_setaffinity(0, sizeof(*saved), saved);
}

/*
 * A round over the interfaces that moved nothing (every ring empty for the
 * receiver, full for the sender) waits 1, 2, ... 64 PAUSEs before the next,
 * as memif-perf's polling loops do (bench/README.md): each look at an index
 * the peer is about to store to pulls its cache line over and makes the
 * peer's store wait, so a tight reload loop measures the contention it
 * makes.  Reset on progress.
 */
static inline void idle_backoff(unsigned *level)
{
	unsigned i, n = 1u << *level;

	for (i = 0; i < n; i++) {
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#elif defined(__aarch64__)
		__asm__ __volatile__("yield" ::: "memory");
#endif
	}
	if (*level < 6)
		(*level)++;
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

/* Rounds over @k interfaces between two looks at the clock. */
static unsigned clock_every(unsigned k)
{
	return k >= CLOCK_EVERY ? 1 : CLOCK_EVERY / k;
}

/* The interface count of phase @p: the counts in order, then backwards in
 * the next cycle (1 16 64 64 16 1 ...). */
static unsigned phase_k(const struct traffic_plan *pl, uint64_t p)
{
	uint64_t c = p / pl->n_k, j = p % pl->n_k;

	return pl->ks[c % 2 ? pl->n_k - 1 - j : j];
}

/*
 * One side of a traffic run, on one thread pinned to pl->cpu: round-robin
 * bursts over the interfaces of the current phase (the sender from t0 to
 * the end of the last phase, the receiver from its ready reply until the
 * rings have been quiet for QUIET_MS after it).  Every CLOCK_EVERY bursts
 * or so it reads the clock: the packets moved since the previous reading
 * count for the phase when both readings lie in it, past its first
 * GUARD_MS (what was left in the rings from the phase before).  At each
 * phase change it notes its thread cpu time, so each phase has its share
 * of a cpu.
 */
static void traffic_loop(bool tx, const struct traffic_plan *pl,
			 struct phase_report *rep)
{
	static const uint8_t frame[PKT_LEN];
	struct memif_tx_pkt tpk[BURST];
	struct memif_rx_pkt rpk[BURST];
	const uint64_t P = pl->phase_ms * 1000000ull,
		       guard = GUARD_MS * 1000000ull;
	const uint64_t end = pl->t0_ns + pl->n_phases * P;
	uint64_t moved = 0, bursts = 0, idle_bursts = 0, last_moved;
	uint64_t now, prev, cpu_start = 0, wall_start = 0;
	uint64_t cur = UINT64_MAX; /* the phase of the last reading */
	unsigned i, idle = 0, rounds = 0, k = pl->ks[0], every = clock_every(k);
	unsigned k_max = 0;

	for (i = 0; i < BURST; i++) {
		tpk[i].data = frame;
		tpk[i].len = PKT_LEN;
	}
	for (i = 0; i < pl->n_k; i++)
		if (pl->ks[i] > k_max)
			k_max = pl->ks[i];
	rep->n = pl->n_phases;
	if (tx)
		while (now_ns() < pl->t0_ns)
			;
	prev = last_moved = now_ns();
	for (;;) {
		bool any = false;

		for (i = 0; i < k; i++) {
			uint16_t n = 0;
			int ret = tx ? memif_tx_burst(role.ifs[i], 0, tpk,
						      BURST, &n) :
				       memif_rx_burst(role.ifs[i], 0, rpk,
						      BURST, &n);

			bursts++;
			if (ret || !n) {
				idle_bursts++;
				continue;
			}
			moved += n;
			any = true;
		}
		if (any)
			idle = 0;
		else
			idle_backoff(&idle);
		if (++rounds < every)
			continue;
		rounds = 0;
		now = now_ns();
		if (moved)
			last_moved = now;
		if (prev >= pl->t0_ns && prev < end) {
			uint64_t p = (prev - pl->t0_ns) / P;

			if (now < pl->t0_ns + (p + 1) * P &&
			    prev - pl->t0_ns - p * P >= guard) {
				rep->ph[p].pkts += moved;
				rep->ph[p].ns += now - prev;
			}
		}
		moved = 0;
		prev = now;
		if (now >= pl->t0_ns) {
			uint64_t p = (now - pl->t0_ns) / P;

			if (p != cur) {
				uint64_t c = thread_cpu_ns();

				if (cur < pl->n_phases) {
					rep->ph[cur].share =
						(float)((double)(c -
								 cpu_start) /
							(double)(now -
								 wall_start));
					rep->ph[cur].idle =
						bursts ?
							(float)((double)idle_bursts /
								(double)bursts) :
							0;
				}
				cur = p;
				cpu_start = c;
				wall_start = now;
				bursts = idle_bursts = 0;
				/* After the last phase the sender stops and
				 * the receiver drains every ring. */
				k = p < pl->n_phases ? phase_k(pl, p) : k_max;
				every = clock_every(k);
			}
		}
		if (now >= end &&
		    (tx || now - last_moved > QUIET_MS * 1000000ull ||
		     now - end > DRAIN_MAX_MS * 1000000ull))
			break;
	}
}

/* Pin, run the loop, unpin; the reply, then the per-phase report.  The
 * receiver switches to polling first and says when it is ready. */
static void do_traffic(int ctl, bool tx, const struct traffic_plan *pl,
		       struct reply *r)
{
	static struct phase_report rep;
	struct reply ready = { 0 };
	unsigned i, k_max = 0;
	cpu_set_t saved;

	memset(&rep, 0, sizeof(rep));
	for (i = 0; i < pl->n_k; i++)
		if (pl->ks[i] > k_max)
			k_max = pl->ks[i];
	if (!pl->n_k || pl->n_k > 3 || k_max > role.n ||
	    pl->n_phases > MAX_PHASES || !pl->phase_ms) {
		r->status = EINVAL;
		snprintf(r->msg, sizeof(r->msg), "bad traffic plan");
		return;
	}
	if (pin_self(pl->cpu, &saved, r) < 0)
		return;
	if (!tx) {
		set_polling(k_max, true);
		if (send_all(ctl, &ready, sizeof(ready)) < 0)
			_exit(1);
	}
	r->t_ns = now_ns();
	traffic_loop(tx, pl, &rep);
	r->t2_ns = now_ns();
	if (!tx)
		set_polling(k_max, false);
	unpin_self(pl->cpu, &saved);
	if (send_all(ctl, r, sizeof(*r)) < 0 ||
	    send_all(ctl, &rep, sizeof(rep)) < 0)
		_exit(1);
	r->status = -1; /* replied: role_serve sends nothing more */
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
		case CMD_TRAFFIC_TX:
			do_traffic(ctl, q.cmd == CMD_TRAFFIC_TX, &q.plan, &r);
			if (r.status < 0)
				continue; /* replied already */
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
	r.t2_ns = role.bound_ns;
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

static int call_q(struct child *ch, const struct request *q, struct reply *r)
{
	memset(r, 0, sizeof(*r));
	if (send_all(ch->ctl, q, sizeof(*q)) < 0 ||
	    recv_all(ch->ctl, r, sizeof(*r)) < 0) {
		snprintf(r->msg, sizeof(r->msg), "lost the role process");
		r->status = EIO;
	}
	return r->status ? -1 : 0;
}

static int call(struct child *ch, enum cmd cmd, uint64_t arg, uint64_t arg2,
		struct reply *r)
{
	struct request q = { .cmd = cmd, .arg = arg, .arg2 = arg2 };

	return call_q(ch, &q, r);
}

static void reap(struct child *ch, bool kill_it)
{
	struct request q = { .cmd = CMD_QUIT };

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

/* Send the plan to the receiver (wait for "ready") and the sender; collect
 * both replies and reports.  Returns 0, or -1 with @err filled. */
static int traffic_run(struct child *ms, struct child *sl,
		       const struct traffic_plan *plan, const int cpus[2],
		       struct phase_report *tx, struct phase_report *rx,
		       char *err, size_t len)
{
	struct request q = { .cmd = CMD_TRAFFIC_RX, .plan = *plan };
	struct reply rm, rs;

	q.plan.cpu = cpus[1];
	if (call_q(sl, &q, &rs) < 0) {
		snprintf(err, len, "traffic: %s", rs.msg);
		return -1;
	}
	q.cmd = CMD_TRAFFIC_TX;
	q.plan.cpu = cpus[0];
	if (call_q(ms, &q, &rm) < 0 || recv_all(ms->ctl, tx, sizeof(*tx)) < 0 ||
	    recv_all(sl->ctl, &rs, sizeof(rs)) < 0 || rs.status ||
	    recv_all(sl->ctl, rx, sizeof(*rx)) < 0) {
		snprintf(err, len, "traffic: %s",
			 rm.status ? rm.msg :
			 rs.status ? rs.msg :
				     "lost a role process");
		return -1;
	}
	return 0;
}

/* Busy and total jiffies of all cpus so far (/proc/stat; iowait is idle). */
static int cpu_jiffies(unsigned long long *busy, unsigned long long *total)
{
	unsigned long long v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "re");
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
		   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
	fclose(f);
	if (n < 5)
		return -1;
	*total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
	*busy = *total - v[3] - v[4];
	return 0;
}

/*
 * Wait until the machine has been quiet (other processes use less than
 * QUIET_BUSY of all cpus over QUIET_SAMPLE_MS) before a traffic run, for
 * at most @max_ms: two busy-polling threads measure nothing on cpus
 * that something else wants.  Returns the ms waited beyond the first
 * sample.
 */
static unsigned wait_quiet(unsigned max_ms)
{
	unsigned long long b0, t0, b1, t1;
	unsigned waited = 0;

	for (;;) {
		if (cpu_jiffies(&b0, &t0) < 0)
			return waited;
		sleep_ms(QUIET_SAMPLE_MS);
		if (cpu_jiffies(&b1, &t1) < 0 || t1 <= t0 ||
		    (double)(b1 - b0) / (double)(t1 - t0) < QUIET_BUSY ||
		    waited >= max_ms)
			return waited;
		waited += QUIET_SAMPLE_MS;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The @q quantile (0..1) of @n values, by linear interpolation. */
static double quantile(const double *v, unsigned n, double q)
{
	static double s[MAX_SAMPLES];
	double pos;
	unsigned i;

	if (!n)
		return -1;
	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(s[0]), cmp_double);
	pos = q * (n - 1);
	i = (unsigned)pos;
	return i + 1 < n ? s[i] + (pos - i) * (s[i + 1] - s[i]) : s[i];
}

/* Which of @res->tr a phase's interface count is. */
static unsigned k_index(unsigned k)
{
	return k == traffic_ifaces[0] ? 0 : k == traffic_ifaces[1] ? 1 : 2;
}

/*
 * Round-robin traffic over 1, 16 and 64 interfaces (those <= N) in one
 * continuous run: the interface count changes every o->phase_ms, cycling
 * 1 16 64 64 16 1 ..., so that each cycle compares the counts within a
 * few hundred ms, faster than this VM's placement changes.  A phase is
 * clean when both threads had at least MIN_CPU_SHARE of their cpu; the
 * figures are medians over clean phases, and the ratio 64:1 the median
 * over cycles of mpps(64)/mpps(1) of that cycle.  Another run follows,
 * at most o->runs in all, while fewer than MIN_CYCLES were clean.
 */
static int run_traffic(const struct opts *o, struct child *ms, struct child *sl,
		       struct result *res)
{
	static struct phase_report tx, rx;
	struct traffic_plan plan = { .phase_ms = o->phase_ms };
	unsigned p, k, n_k = 0;

	while (n_k < 3 && traffic_ifaces[n_k] <= res->n) {
		plan.ks[n_k] = (uint16_t)traffic_ifaces[n_k];
		n_k++;
	}
	plan.n_k = (uint8_t)n_k;
	plan.n_phases = o->traffic_ms / o->phase_ms / n_k * n_k;
	if (plan.n_phases > MAX_PHASES)
		plan.n_phases = MAX_PHASES / n_k * n_k;
	if (plan.n_phases < n_k)
		plan.n_phases = n_k;
	for (res->runs = 0; res->runs < o->runs; res->runs++) {
		/* Enough: cycles with a ratio, or clean phases of the one
		 * interface count there is (N < 64: no ratio). */
		if ((n_k == 3 ? res->n_ratios : res->tr[0].n) >= MIN_CYCLES)
			break;
		res->quiet_wait_ms += wait_quiet(o->quiet_wait_ms);
		plan.t0_ns = now_ns() + START_MS * 1000000ull;
		if (traffic_run(ms, sl, &plan, o->cpus, &tx, &rx, res->error,
				sizeof(res->error)) < 0)
			return -1;
		for (p = 0; p < plan.n_phases; p++) {
			unsigned ki = k_index(phase_k(&plan, p));
			struct traffic *t = &res->tr[ki];

			if (tx.ph[p].share < MIN_CPU_SHARE ||
			    rx.ph[p].share < MIN_CPU_SHARE || !rx.ph[p].ns) {
				t->disturbed++;
				continue;
			}
			t->mpps[t->n] = (double)rx.ph[p].pkts /
					((double)rx.ph[p].ns / 1e3);
			t->tx_full[t->n] = tx.ph[p].idle;
			t->rx_empty[t->n] = rx.ph[p].idle;
			t->n++;
		}
		/* A cycle's ratio: both its phases clean. */
		for (p = 0; n_k == 3 && p + n_k <= plan.n_phases; p += n_k) {
			const struct phase_stat *one = NULL, *all = NULL;
			unsigned j;

			for (j = p; j < p + n_k; j++) {
				if (tx.ph[j].share < MIN_CPU_SHARE ||
				    rx.ph[j].share < MIN_CPU_SHARE ||
				    !rx.ph[j].ns)
					continue;
				if (phase_k(&plan, j) == traffic_ifaces[0])
					one = &rx.ph[j];
				else if (phase_k(&plan, j) == traffic_ifaces[2])
					all = &rx.ph[j];
			}
			if (one && all && one->pkts)
				res->ratios[res->n_ratios++] =
					((double)all->pkts / (double)all->ns) /
					((double)one->pkts / (double)one->ns);
		}
	}
	for (k = 0; k < n_k; k++) {
		struct traffic *t = &res->tr[k];

		if (!t->n) {
			t->median = t->min = t->max = -1;
			continue;
		}
		t->median = quantile(t->mpps, t->n, 0.5);
		t->min = quantile(t->mpps, t->n, 0);
		t->max = quantile(t->mpps, t->n, 1);
	}
	if (res->n_ratios) {
		res->ratio64 = quantile(res->ratios, res->n_ratios, 0.5);
		res->ratio64_q1 = quantile(res->ratios, res->n_ratios, 0.25);
		res->ratio64_q3 = quantile(res->ratios, res->n_ratios, 0.75);
	}
	return 0;
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
		res->tr[k].median = -1;
	res->ratio64 = res->ratio64_q1 = res->ratio64_q3 = -1;
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
	res->slave_ready_s = (double)(r.t_ns - t0) / 1e9;
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
		fail(res, res->mem[0].status ? &res->mem[0] : &res->mem[1],
		     "memory");
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
		struct request q = { .cmd = CMD_IRQ_RECV };

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
	if (o->traffic_ms && run_traffic(o, &ms, &sl, res) < 0)
		goto out;

	/* Reconnect: SIGKILL the master, start it again at once. */
	t0 = now_ns();
	reap(&ms, true);
	res->reaped_s = (double)(now_ns() - t0) / 1e9;
	if (spawn(&ms, true, n, layout, base, o->reconnect_ms, &r) < 0) {
		fail(res, &r, "master restart");
		goto out;
	}
	res->bound_s = (double)(r.t2_ns - t0) / 1e9;
	res->master_ready_s = (double)(r.t_ns - t0) / 1e9;
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
	       "| %8s %7s | %6s %6s %6s %5s\n",
	       "N", "socks", "conn_s", "reconn_s", "heapM", "heapS", "rssM",
	       "rssS", "fdM", "fdS", "cpuM_s", "cpuS_s", "cswM", "cswS",
	       "irq_ms", "irq_us", "mpps1", "mpps16", "mpps64", "64:1");
}

static void print_row(const struct result *r)
{
	if (r->error[0]) {
		printf("%5u %5u  failed: %s\n", r->n, r->n_sockets, r->error);
		return;
	}
	printf("%5u %5u %8.3f %8.3f | %7.0f %7.0f %7.0f %7.0f %5.2f %5.2f | "
	       "%6.3f %6.3f %5.0f %5.0f | %8.2f %7.2f | %6.2f %6.2f %6.2f "
	       "%5.2f\n",
	       r->n, r->n_sockets, r->connect_s, r->reconnect_s,
	       r->mem[0].heap_b, r->mem[1].heap_b, r->mem[0].rss_b,
	       r->mem[1].rss_b, r->mem[0].fds, r->mem[1].fds, r->idle[0].cpu_s,
	       r->idle[1].cpu_s, r->idle[0].vcsw, r->idle[1].vcsw,
	       r->irq_total_ms, r->irq_ns_per_pkt / 1e3, r->tr[0].median,
	       r->tr[1].median, r->tr[2].median, r->ratio64);
	fflush(stdout);
}

/* The spread behind the medians: one line per case and interface count. */
static void print_traffic(const struct result *rs, unsigned n,
			  const struct opts *o)
{
	unsigned i, k;

	printf("\n# traffic: 64 B round-robin, one sender thread (master, cpu "
	       "%d) -> one receiver thread (slave, cpu %d), polling;\n# the "
	       "interface count changes every %u ms (1 16 64 64 16 1 ...), "
	       "%u ms per run; a phase counts when both threads had >= %.0f "
	       "%% of a cpu;\n# Mpps over the clean phases; txfull/rxempty: "
	       "median share of bursts that found the ring full/empty;\n# "
	       "64:1 = median and quartiles over cycles of mpps(64)/mpps(1) "
	       "within the cycle\n",
	       o->cpus[0], o->cpus[1], o->phase_ms, o->traffic_ms,
	       MIN_CPU_SHARE * 100);
	printf("%5s %5s %4s | %7s %7s %7s | %9s %6s %7s\n", "N", "socks", "k",
	       "median", "min", "max", "clean", "txfull", "rxempty");
	for (i = 0; i < n; i++) {
		const struct result *res = &rs[i];

		if (!res->n || res->error[0])
			continue;
		for (k = 0; k < 3; k++) {
			const struct traffic *t = &res->tr[k];

			if (!t->n && !t->disturbed)
				continue;
			printf("%5u %5u %4u | %7.2f %7.2f %7.2f | %4u/%-4u %6.2f "
			       "%7.2f\n",
			       res->n, res->n_sockets, traffic_ifaces[k],
			       t->median, t->min, t->max, t->n,
			       t->n + t->disturbed,
			       quantile(t->tx_full, t->n, 0.5),
			       quantile(t->rx_empty, t->n, 0.5));
		}
		if (res->n_ratios)
			printf("%5u %5u 64:1 | %7.2f %7.2f %7.2f | %4u cycles, %u "
			       "run(s), waited %.1f s for quiet\n",
			       res->n, res->n_sockets, res->ratio64,
			       res->ratio64_q1, res->ratio64_q3, res->n_ratios,
			       res->runs, res->quiet_wait_ms / 1e3);
	}
}

static void print_json(FILE *f, const struct result *rs, unsigned n,
		       const struct opts *o)
{
	unsigned i, k;

	fprintf(f,
		"{\"ring_log2\": %d, \"reconnect_ms\": %u, \"idle_seconds\": "
		"%u, \"traffic\": {\"run_ms\": %u, \"phase_ms\": %u, "
		"\"guard_ms\": %d, \"min_cpu_share\": %.2f, \"tx_cpu\": "
		"%d, \"rx_cpu\": %d}, "
		"\"results\": [",
		LOG2_RING, o->reconnect_ms, o->idle_s, o->traffic_ms,
		o->phase_ms, GUARD_MS, MIN_CPU_SHARE, o->cpus[0], o->cpus[1]);
	for (i = 0; i < n; i++) {
		const struct result *r = &rs[i];

		fprintf(f,
			"%s\n {\"n\": %u, \"layout\": \"%s\", \"sockets\": %u",
			i ? "," : "", r->n, layout_name(r->layout),
			r->n_sockets);
		if (r->error[0]) {
			fprintf(f, ", \"error\": \"%s\"}", r->error);
			continue;
		}
		fprintf(f, ", \"connect_s\": %.4f, \"reconnect_s\": %.4f",
			r->connect_s, r->reconnect_s);
		fprintf(f,
			", \"slave_ready_s\": %.4f, \"restart\": "
			"{\"reaped_s\": %.4f, \"bound_s\": %.4f, "
			"\"ready_s\": %.4f}",
			r->slave_ready_s, r->reaped_s, r->bound_s,
			r->master_ready_s);
		for (k = 0; k < 2; k++)
			fprintf(f,
				", \"%s\": {\"heap_bytes_per_if\": %.0f, "
				"\"rss_anon_bytes_per_if\": %.0f, "
				"\"fds_per_if\": %.3f, \"idle_cpu_s\": %.4f, "
				"\"idle_voluntary_csw\": %.0f}",
				k ? "slave" : "master", r->mem[k].heap_b,
				r->mem[k].rss_b, r->mem[k].fds,
				r->idle[k].cpu_s, r->idle[k].vcsw);
		fprintf(f,
			", \"irq_received\": %" PRIu64
			", \"irq_total_ms\": %.3f, \"irq_ns_per_pkt\": %.0f",
			r->irq_received, r->irq_total_ms, r->irq_ns_per_pkt);
		fprintf(f, ", \"mpps\": {");
		for (k = 0; k < 3; k++)
			fprintf(f, "%s\"%u\": %.3f", k ? ", " : "",
				traffic_ifaces[k], r->tr[k].median);
		fprintf(f,
			"}, \"mpps_ratio_64_to_1\": %.3f, \"ratio_q1\": %.3f, "
			"\"ratio_q3\": %.3f, \"traffic_runs\": %u, "
			"\"quiet_wait_ms\": %u, \"ratios\": [",
			r->ratio64, r->ratio64_q1, r->ratio64_q3, r->runs,
			r->quiet_wait_ms);
		for (k = 0; k < r->n_ratios; k++)
			fprintf(f, "%s%.3f", k ? ", " : "", r->ratios[k]);
		fprintf(f, "], \"traffic\": {");
		for (k = 0; k < 3; k++) {
			const struct traffic *t = &r->tr[k];
			unsigned j;

			if (!t->n && !t->disturbed)
				break;
			fprintf(f,
				"%s\"%u\": {\"clean_phases\": %u, "
				"\"disturbed_phases\": %u, \"min\": %.3f, "
				"\"max\": %.3f, \"mpps\": [",
				k ? ", " : "", traffic_ifaces[k], t->n,
				t->disturbed, t->min, t->max);
			for (j = 0; j < t->n; j++)
				fprintf(f, "%s%.2f", j ? ", " : "", t->mpps[j]);
			fprintf(f, "]}");
		}
		fprintf(f, "}}");
	}
	fprintf(f, "\n]}\n");
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
		"  --traffic-ms MS      round-robin traffic run, per case "
		"(default 3000; 0 skips)\n"
		"  --phase-ms MS        the interface count changes this often "
		"(default 50)\n"
		"  --runs R             traffic runs per case while fewer than "
		"10 cycles\n"
		"                       (or phases) were clean (default and "
		"most: 5)\n"
		"  --quiet-wait-ms MS   before each run, wait up to this long "
		"for other\n"
		"                       processes to leave the cpus (default "
		"10000; 0: never)\n"
		"  --cpus A,B           pin the sender to cpu A, the receiver "
		"to B (default:\n"
		"                       the first two this process may use; "
		"-1,-1: no pinning)\n"
		"  --reconnect-ms MS    slave reconnect interval (default "
		"100)\n"
		"  --json               JSON on stdout instead of the table\n"
		"  --json-file PATH     the JSON into PATH as well (for "
		"bench/scale-plot.py)\n"
		"  --help\n");
}

/* The first two cpus this process may run on, or -1 each. */
static void default_cpus(int cpus[2])
{
	cpu_set_t set;
	int c, k = 0;

	cpus[0] = cpus[1] = -1;
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return;
	for (c = 0; c < CPU_SETSIZE && k < 2; c++)
		if (CPU_ISSET(c, &set))
			cpus[k++] = c;
	if (k < 2)
		cpus[0] = cpus[1] = -1;
}

static int parse_cpus(int cpus[2], const char *s)
{
	char *end;
	long a = strtol(s, &end, 10), b;

	if (end == s || *end != ',')
		return -1;
	s = end + 1;
	b = strtol(s, &end, 10);
	if (end == s || *end || a < -1 || b < -1 || a >= CPU_SETSIZE ||
	    b >= CPU_SETSIZE || (a < 0) != (b < 0))
		return -1;
	cpus[0] = (int)a;
	cpus[1] = (int)b;
	return 0;
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
		{ "traffic-ms", required_argument, NULL, 't' },
		{ "phase-ms", required_argument, NULL, 'w' },
		{ "runs", required_argument, NULL, 'R' },
		{ "quiet-wait-ms", required_argument, NULL, 'q' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "reconnect-ms", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "json-file", required_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct opts o = { .ns = { 1, 64, 256, 1024, 4096 },
			  .n_ns = 5,
			  .layouts = { true, true },
			  .idle_s = 10,
			  .traffic_ms = 3000,
			  .phase_ms = 50,
			  .runs = MAX_RUNS,
			  .quiet_wait_ms = QUIET_WAIT_MS,
			  .reconnect_ms = 100 };
	struct result *rs;
	unsigned i, k, n_rs = 0, failed = 0;
	bool cpus_set = false;
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
			o.traffic_ms = (unsigned)strtoul(optarg, NULL, 10);
			if (o.traffic_ms > 60000) {
				usage(stderr);
				return 2;
			}
			break;
		case 'w':
			o.phase_ms = (unsigned)strtoul(optarg, NULL, 10);
			if (o.phase_ms < 2 * GUARD_MS || o.phase_ms > 10000) {
				usage(stderr);
				return 2;
			}
			break;
		case 'R':
			o.runs = (unsigned)strtoul(optarg, NULL, 10);
			if (!o.runs || o.runs > MAX_RUNS) {
				usage(stderr);
				return 2;
			}
			break;
		case 'q':
			o.quiet_wait_ms = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'c':
			if (parse_cpus(o.cpus, optarg) < 0) {
				usage(stderr);
				return 2;
			}
			cpus_set = true;
			break;
		case 'r':
			o.reconnect_ms = (unsigned)strtoul(optarg, NULL, 10);
			if (!o.reconnect_ms)
				o.reconnect_ms = 1;
			break;
		case 'j':
			o.json = true;
			break;
		case 'J':
			o.json_file = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!cpus_set)
		default_cpus(o.cpus);
	if (o.traffic_ms && o.cpus[0] < 0)
		fprintf(stderr,
			"memif-scale: traffic threads not pinned (fewer "
			"than two cpus, or --cpus -1,-1): expect the "
			"Mpps figures to wander\n");
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
	/* The cases run, without the layouts left out. */
	for (i = 0, k = 0; i < n_rs; i++)
		if (rs[i].n)
			rs[k++] = rs[i];
	n_rs = k;
	if (o.json)
		print_json(stdout, rs, n_rs, &o);
	else if (o.traffic_ms)
		print_traffic(rs, n_rs, &o);
	if (o.json_file) {
		FILE *f = fopen(o.json_file, "we");

		if (!f) {
			fprintf(stderr, "memif-scale: %s: %s\n", o.json_file,
				strerror(errno));
			failed++;
		} else {
			print_json(f, rs, n_rs, &o);
			if (fclose(f)) {
				fprintf(stderr, "memif-scale: %s: %s\n",
					o.json_file, strerror(errno));
				failed++;
			}
		}
	}
	free(rs);
	return failed ? 1 : 0;
}
