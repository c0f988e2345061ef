/* SPDX-License-Identifier: MIT */
/*
 * A memif-scale role process: N interfaces of one side (master or slave),
 * created at start, then the driver's commands served one at a time over
 * the control socket (connect wait, memory, idle, interrupt dispatch;
 * traffic is in scale-traffic.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "memif-scale.h"
#include "proc.h"

struct role role;

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
	role.rss0_kb = proc_status_field("/proc/self/status", "RssAnon");
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
	long rss = proc_status_field("/proc/self/status", "RssAnon");

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
void role_main(int ctl, bool is_master, unsigned n, enum layout layout,
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
