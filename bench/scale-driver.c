/* SPDX-License-Identifier: MIT */
/*
 * memif-scale's driver: it forks the two role processes of a case, sends
 * them commands, and takes one case's measurements in turn (connect,
 * memory, idle, interrupt dispatch, traffic, reconnect after SIGKILL).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "memif-scale.h"

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

int call_q(struct child *ch, const struct request *q, struct reply *r)
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

/* One case: its two role processes and where its figures go. */
struct scase {
	const struct opts *o;
	unsigned n;
	enum layout layout;
	char base[64]; /* the socket names' prefix */
	struct child ms, sl;
	struct result *res;
};

static int spawn_role(struct scase *c, bool is_master, struct reply *first)
{
	return spawn(is_master ? &c->ms : &c->sl, is_master, c->n, c->layout,
		     c->base, c->o->reconnect_ms, first);
}

/* The later of the two sides' last on_connect, in s after @t0. */
static double up_s(const struct reply *rm, const struct reply *rs, uint64_t t0)
{
	return (double)((rm->t_ns > rs->t_ns ? rm->t_ns : rs->t_ns) - t0) / 1e9;
}

/* Connect: from the slave process's start until both sides saw every
 * on_connect. */
static int measure_connect(struct scase *c)
{
	struct result *res = c->res;
	struct reply r, rm, rs;
	uint64_t t0;

	if (spawn_role(c, true, &r) < 0)
		return fail(res, &r, "master");
	t0 = now_ns();
	if (spawn_role(c, false, &r) < 0)
		return fail(res, &r, "slave");
	res->slave_ready_s = (double)(r.t_ns - t0) / 1e9;
	if (call(&c->ms, CMD_WAIT_UP, c->n, 0, &rm) < 0 ||
	    call(&c->sl, CMD_WAIT_UP, c->n, 0, &rs) < 0)
		return fail(res, rm.status ? &rm : &rs, "connect");
	res->connect_s = up_s(&rm, &rs, t0);
	return 0;
}

/* Memory and fds, everything connected. */
static int measure_mem(struct scase *c)
{
	struct result *res = c->res;

	if (call(&c->ms, CMD_MEM, 0, 0, &res->mem[0]) < 0 ||
	    call(&c->sl, CMD_MEM, 0, 0, &res->mem[1]) < 0)
		return fail(res,
			    res->mem[0].status ? &res->mem[0] : &res->mem[1],
			    "memory");
	return 0;
}

/* Idle: nothing to do, and nobody should wake. */
static void measure_idle(struct scase *c)
{
	struct reply r;

	call(&c->ms, CMD_IDLE_START, 0, 0, &r);
	call(&c->sl, CMD_IDLE_START, 0, 0, &r);
	sleep_ms(c->o->idle_s * 1000);
	call(&c->ms, CMD_IDLE_STOP, 0, 0, &c->res->idle[0]);
	call(&c->sl, CMD_IDLE_STOP, 0, 0, &c->res->idle[1]);
}

/* Interrupt dispatch: one packet on each interface, master to slave, the
 * slave waiting on the interrupt fds. */
static int measure_irq(struct scase *c)
{
	struct request q = { .cmd = CMD_IRQ_RECV };
	struct result *res = c->res;
	struct reply r, rm, rs;

	if (call(&c->sl, CMD_IRQ_ARM, 0, 0, &r) < 0)
		return fail(res, &r, "interrupt fds");
	if (send_all(c->sl.ctl, &q, sizeof(q)) < 0 ||
	    call(&c->ms, CMD_IRQ_SEND, 0, 0, &rm) < 0 ||
	    recv_all(c->sl.ctl, &rs, sizeof(rs)) < 0) {
		snprintf(res->error, sizeof(res->error),
			 "interrupt dispatch: lost a role process");
		return -1;
	}
	res->irq_received = rs.count;
	res->irq_total_ms = rs.count ? (double)(rs.t_ns - rm.t_ns) / 1e6 : -1;
	res->irq_ns_per_pkt =
		rs.count ? (double)(rs.t_ns - rm.t_ns) / (double)rs.count : -1;
	return 0;
}

/* Reconnect: SIGKILL the master, start it again at once. */
static int measure_reconnect(struct scase *c)
{
	struct result *res = c->res;
	struct reply r, rm, rs;
	uint64_t t0 = now_ns();

	reap(&c->ms, true);
	res->reaped_s = (double)(now_ns() - t0) / 1e9;
	if (spawn_role(c, true, &r) < 0)
		return fail(res, &r, "master restart");
	res->bound_s = (double)(r.t2_ns - t0) / 1e9;
	res->master_ready_s = (double)(r.t_ns - t0) / 1e9;
	if (call(&c->ms, CMD_WAIT_UP, c->n, 0, &rm) < 0 ||
	    call(&c->sl, CMD_WAIT_UP, 2ull * c->n, 0, &rs) < 0)
		return fail(res, rm.status ? &rm : &rs, "reconnect");
	res->reconnect_s = up_s(&rm, &rs, t0);
	return 0;
}

static void result_init(struct result *res, unsigned n, enum layout layout)
{
	unsigned k;

	memset(res, 0, sizeof(*res));
	res->n = n;
	res->layout = layout;
	res->n_sockets = layout == LAYOUT_ONE ? 1 :
						(n + IFACES_PER_SOCKET - 1) /
							IFACES_PER_SOCKET;
	for (k = 0; k < 3; k++)
		res->tr[k].median = -1;
	res->ratio64 = res->ratio64_q1 = res->ratio64_q3 = -1;
}

/* One case, N interfaces in one layout: every measurement in turn; the
 * first that fails ends the case with res->error filled. */
int run_case(const struct opts *o, unsigned n, enum layout layout,
	     struct result *res)
{
	struct scase c = { .o = o, .n = n, .layout = layout, .res = res };
	int ret = -1;

	result_init(res, n, layout);
	if (raise_nofile(n, res->error, sizeof(res->error), false) < 0)
		return -1;
	snprintf(c.base, sizeof(c.base), "@memif-scale-%d-%u-%d", (int)getpid(),
		 n, (int)layout);
	if (measure_connect(&c) < 0 || measure_mem(&c) < 0)
		goto out;
	measure_idle(&c);
	if (measure_irq(&c) < 0)
		goto out;
	/* Traffic from one thread, round-robin over k interfaces. */
	if (o->traffic_ms && run_traffic(o, &c.ms, &c.sl, res) < 0)
		goto out;
	if (measure_reconnect(&c) < 0)
		goto out;
	ret = 0;
out:
	reap(&c.sl, false);
	reap(&c.ms, false);
	return ret;
}
