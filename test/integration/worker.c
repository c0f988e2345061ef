/* SPDX-License-Identifier: MIT */
/*
 * Workers: the other process of an integration test.  A worker is forked
 * before the test process calls memif_init (a process that inherits a
 * running library cannot init again) and idles until the first request, so
 * a test can "restart" a peer by killing one worker and waking the next.
 * Requests and replies are fixed-size records on two pipes; each
 * operation has one handler in worker_ops[].
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define MAX_WORKERS 8

enum worker_status {
	WORKER_DONE, /* the operation succeeded; text is its result */
	WORKER_FAILED, /* a check failed; text says which; the worker exits */
};

struct worker_request {
	uint8_t op; /* enum worker_op */
	uint8_t arg;
};

/* One write of less than PIPE_BUF bytes: never interleaved or torn. */
struct worker_reply {
	uint8_t op; /* the request's */
	uint8_t status; /* enum worker_status */
	char text[ERRSZ];
};

/* The worker's own state. */
struct peer {
	struct peer_cfg *pc;
	struct side sides[2];
};

/* In a handler: fail the operation with a message when @cond is false. */
#define W_CHECK(text, cond, ...)                            \
	do {                                                \
		if (!(cond))                                \
			return failf((text), __VA_ARGS__);  \
	} while (0)

/* Interface @arg (0 for anything but 0 and 1). */
static struct side *side_of(struct peer *p, unsigned arg)
{
	return &p->sides[arg < 2 ? arg : 0];
}

static bool op_init(struct peer *p, unsigned arg, char *text)
{
	unsigned busy = 0, i;
	uint64_t end;
	int ret;

	ret = memif_init(p->pc->app);
	W_CHECK(text, ret == MEMIF_OK, "memif_init: %s", memif_strerror(ret));
	end = test_now_ms() + 3000;
	for (i = 0; i < p->pc->n_ifs; i++) {
		/* A master that replaces a killed one: the kernel drops the
		 * dead process's io_uring (and the listener it holds)
		 * asynchronously, so the name can be in use for a moment. */
		while ((ret = side_create(&p->sides[i], &p->pc->cfg[i])) ==
			       MEMIF_ERR_SYSCALL &&
		       memif_errno() == EADDRINUSE && test_now_ms() < end) {
			busy++;
			sleep_ms(1);
		}
		W_CHECK(text, ret == MEMIF_OK, "create %u: %s (errno %d)", i,
			memif_strerror(ret),
			ret == MEMIF_ERR_SYSCALL ? memif_errno() : 0);
	}
	snprintf(text, ERRSZ, "%u", busy);
	return true;
}

static bool op_connected(struct peer *p, unsigned arg, char *text)
{
	struct side *s = side_of(p, arg);

	W_CHECK(text, WAIT_UNTIL(side_connected(s), CONNECT_MS),
		"%s: not connected (up %d down %d)", p->pc->app, ld(&s->up),
		ld(&s->down));
	return true;
}

static bool op_traffic(struct peer *p, unsigned arg, char *text)
{
	const struct memif_config *cfg = &p->pc->cfg[arg];
	char err[ERRSZ];

	W_CHECK(text,
		run_traffic(side_of(p, arg), &p->pc->tr[arg], cfg->is_master,
			    arg, p->pc->nq[arg],
			    cfg->rx_mode == MEMIF_RX_MODE_POLLING, err),
		"%s traffic: %s", p->pc->app, err);
	return true;
}

/* memif_get_details of interface @s into a fresh allocation, or NULL. */
static struct memif_details *peer_details(struct side *s)
{
	struct memif_details *d = calloc(1, sizeof(*d));

	if (d && memif_get_details(s->m, d) != MEMIF_OK) {
		free(d);
		d = NULL;
	}
	return d;
}

static bool op_down(struct peer *p, unsigned arg, char *text)
{
	struct side *s = &p->sides[0];
	struct memif_details *d;

	W_CHECK(text, WAIT_UNTIL(ld(&s->down) >= (int)arg, CONNECT_MS),
		"%s: on_disconnect ran %d times, expected %u", p->pc->app,
		ld(&s->down), arg);
	d = peer_details(s);
	W_CHECK(text, d, "details");
	snprintf(text, ERRSZ, "%s", d->remote_disconnect_reason);
	free(d);
	return true;
}

static bool op_link_lost(struct peer *p, unsigned arg, char *text)
{
	struct side *s = &p->sides[0];
	struct memif_details *d = calloc(1, sizeof(*d));

	W_CHECK(text, d, "calloc");
	W_CHECK(text,
		WAIT_UNTIL(memif_get_details(s->m, d) == MEMIF_OK &&
				   !d->has_link &&
				   d->remote_disconnect_reason[0] &&
				   ld(&s->up) == ld(&s->down),
			   CONNECT_MS),
		"%s: link %d, reason \"%s\", up %d down %d", p->pc->app,
		d->has_link, d->remote_disconnect_reason, ld(&s->up),
		ld(&s->down));
	snprintf(text, ERRSZ, "%s|connects=%u", d->remote_disconnect_reason,
		 d->connects);
	free(d);
	return true;
}

static bool op_refusal(struct peer *p, unsigned arg, char *text)
{
	struct memif_details *d = peer_details(side_of(p, arg));

	W_CHECK(text, d, "details");
	snprintf(text, ERRSZ, "%s|%s", d->last_refusal_reason,
		 d->last_refusal_peer);
	free(d);
	return true;
}

static bool op_state(struct peer *p, unsigned arg, char *text)
{
	struct side *s = side_of(p, arg);

	W_CHECK(text, !ld(&s->bad_order), "on_disconnect without on_connect");
	W_CHECK(text, !ld(&s->bad_ptr), "callback with a foreign handle");
	snprintf(text, ERRSZ, "up=%d down=%d", ld(&s->up), ld(&s->down));
	return true;
}

static bool op_reopen(struct peer *p, unsigned arg, char *text)
{
	struct side *s = side_of(p, arg);
	int ret;

	W_CHECK(text, !s->m, "reopen: interface %u is open", arg);
	side_reset(s);
	ret = side_create(s, &p->pc->cfg[arg]);
	W_CHECK(text, ret == MEMIF_OK, "create again: %s",
		memif_strerror(ret));
	return true;
}

static bool op_close(struct peer *p, unsigned arg, char *text)
{
	struct side *s = side_of(p, arg);
	int ret = memif_close(s->m);

	W_CHECK(text, ret == MEMIF_OK, "close: %s", memif_strerror(ret));
	s->m = NULL;
	return true;
}

static bool op_send_one(struct peer *p, unsigned arg, char *text)
{
	uint8_t buf[100];
	struct memif_tx_pkt pk = { buf, sizeof(buf) };
	uint16_t ns = 0;
	int ret;

	pkt_fill(buf, sizeof(buf), 'Q', arg, 0);
	ret = memif_tx_burst(p->sides[0].m, (uint8_t)arg, &pk, 1, &ns);
	W_CHECK(text, ret == MEMIF_OK && ns == 1, "tx q%u: %s, %u sent", arg,
		memif_strerror(ret), ns);
	return true;
}

static bool op_echo(struct peer *p, unsigned arg, char *text)
{
	struct echo_stats st = { 0 };
	struct memif_details *d;
	char err[ERRSZ];

	W_CHECK(text, echo_run(p->sides[0].m, p->pc->tr[0].count, &st, err),
		"%s: %s", p->pc->app, err);
	d = peer_details(&p->sides[0]);
	W_CHECK(text, d, "details");
	snprintf(text, ERRSZ, "%llu %llu %u %u",
		 (unsigned long long)d->tx_queues[0].interrupts,
		 (unsigned long long)d->rx_queues[0].interrupts, st.wakes,
		 st.empty_wakes);
	free(d);
	return true;
}

static bool op_take_counter(struct peer *p, unsigned arg, char *text)
{
	int fd = -1, ret;

	ret = memif_get_queue_interrupt_fd(p->sides[0].m, 0, &fd);
	W_CHECK(text, ret == MEMIF_OK, "queue fd: %s", memif_strerror(ret));
	snprintf(text, ERRSZ, "%llu", (unsigned long long)efd_take(fd));
	return true;
}

static bool op_signals(struct peer *p, unsigned arg, char *text)
{
	struct memif_details *d = peer_details(&p->sides[0]);

	W_CHECK(text, d, "details");
	snprintf(text, ERRSZ, "%llu",
		 (unsigned long long)d->tx_queues[arg].interrupts);
	free(d);
	return true;
}

static bool op_quit(struct peer *p, unsigned arg, char *text)
{
	unsigned i;
	int ret;

	for (i = 0; i < p->pc->n_ifs; i++) {
		struct side *s = &p->sides[i];

		if (!s->m)
			continue;
		W_CHECK(text, !ld(&s->bad_order),
			"on_disconnect without on_connect");
		ret = memif_close(s->m);
		W_CHECK(text, ret == MEMIF_OK, "close: %s",
			memif_strerror(ret));
		W_CHECK(text, ld(&s->up) == ld(&s->down),
			"close: up %d down %d", ld(&s->up), ld(&s->down));
	}
	ret = memif_cleanup();
	W_CHECK(text, ret == MEMIF_OK, "cleanup: %s", memif_strerror(ret));
	return true;
}

/*
 * Operation -> handler.  A handler runs its operation with argument @arg
 * and writes the result to @text (ERRSZ bytes); false: a check failed, and
 * @text says which.
 */
static const struct {
	const char *name; /* for messages */
	bool (*run)(struct peer *p, unsigned arg, char *text);
} worker_ops[WORKER_N_OPS] = {
	[WORKER_INIT] = { "init", op_init },
	[WORKER_CONNECTED] = { "connected", op_connected },
	[WORKER_TRAFFIC] = { "traffic", op_traffic },
	[WORKER_DOWN] = { "down", op_down },
	[WORKER_LINK_LOST] = { "link-lost", op_link_lost },
	[WORKER_REFUSAL] = { "refusal", op_refusal },
	[WORKER_STATE] = { "state", op_state },
	[WORKER_REOPEN] = { "reopen", op_reopen },
	[WORKER_CLOSE] = { "close", op_close },
	[WORKER_SEND_ONE] = { "send-one", op_send_one },
	[WORKER_ECHO] = { "echo", op_echo },
	[WORKER_TAKE_COUNTER] = { "take-counter", op_take_counter },
	[WORKER_SIGNALS] = { "signals", op_signals },
	[WORKER_QUIT] = { "quit", op_quit },
};

static const char *op_name(unsigned op)
{
	return op < WORKER_N_OPS ? worker_ops[op].name : "unknown";
}

/* The worker's loop: one request, one reply, until WORKER_QUIT (0) or a
 * failure or the test process is gone (never returns then). */
static int peer_main(int cmd, int evt, struct peer_cfg *pc)
{
	struct peer p = { .pc = pc };
	unsigned i;

	for (i = 0; i < 2; i++)
		side_reset(&p.sides[i]);
	for (;;) {
		struct worker_request rq;
		struct worker_reply rp = { .status = WORKER_DONE };
		bool ok;

		if (read(cmd, &rq, sizeof(rq)) != (ssize_t)sizeof(rq))
			_exit(2); /* the test process is gone */
		rp.op = rq.op;
		ok = rq.op < WORKER_N_OPS;
		if (!ok)
			failf(rp.text, "unknown operation %u", rq.op);
		else
			ok = worker_ops[rq.op].run(&p, rq.arg, rp.text);
		if (!ok)
			rp.status = WORKER_FAILED;
		if (write(evt, &rp, sizeof(rp)) != (ssize_t)sizeof(rp))
			_exit(3);
		if (!ok)
			_exit(1);
		if (rq.op == WORKER_QUIT)
			return 0;
	}
}

/* ---- the test process's side --------------------------------------------- */

/* Every worker's pipe ends in this process, closed in each new worker. */
static int worker_fds[2 * MAX_WORKERS];
static int n_worker_fds;

void worker_start(struct worker *w, const char *name, struct peer_cfg *pc)
{
	int cmd[2], evt[2], i;
	pid_t parent = getpid();

	ck_assert_int_lt(n_worker_fds + 2, 2 * MAX_WORKERS + 1);
	ck_assert_int_eq(pipe2(cmd, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(evt, O_CLOEXEC), 0);
	peer_cfg_strings(pc);
	w->name = name;
	w->pid = fork();
	ck_assert_int_ge(w->pid, 0);
	if (w->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(2);
		/* Only our own ends: the other workers see EOF when the
		 * test process is gone. */
		for (i = 0; i < n_worker_fds; i++)
			close(worker_fds[i]);
		close(cmd[1]);
		close(evt[0]);
		/* exit(), not _exit(), after an orderly WORKER_QUIT:
		 * LeakSanitizer checks the worker too.  Failures leave with
		 * _exit(). */
		peer_main(cmd[0], evt[1], pc);
		exit(0);
	}
	close(cmd[0]);
	close(evt[1]);
	w->cmd = cmd[1];
	w->evt = evt[0];
	worker_fds[n_worker_fds++] = w->cmd;
	worker_fds[n_worker_fds++] = w->evt;
}

void worker_send(struct worker *w, enum worker_op op, uint8_t arg)
{
	struct worker_request rq = { .op = (uint8_t)op, .arg = arg };

	ck_assert_msg(write(w->cmd, &rq, sizeof(rq)) == (ssize_t)sizeof(rq),
		      "%s: request %s: %s", w->name, op_name(op),
		      strerror(errno));
}

static const char *status_str(int st)
{
	static char buf[64];

	if (WIFEXITED(st))
		snprintf(buf, sizeof(buf), "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, sizeof(buf), "signal %d", WTERMSIG(st));
	else
		snprintf(buf, sizeof(buf), "status 0x%x", st);
	return buf;
}

void worker_expect(struct worker *w, enum worker_op op, char *text, int ms)
{
	struct worker_reply rp;
	size_t n = 0;
	uint64_t end = test_now_ms() + (uint64_t)ms;

	while (n < sizeof(rp)) {
		struct pollfd p = { .fd = w->evt, .events = POLLIN };
		int64_t left = (int64_t)(end - test_now_ms());
		ssize_t r;

		if ((int64_t)end - (int64_t)test_now_ms() <= 0)
			ck_abort_msg("%s: no reply to %s within %d ms", w->name,
				     op_name(op), ms);
		if (poll(&p, 1, left > 1000 ? 1000 : (int)left) <= 0)
			continue;
		r = read(w->evt, (char *)&rp + n, sizeof(rp) - n);
		if (r <= 0) {
			int st = 0;

			waitpid(w->pid, &st, 0);
			w->pid = -1;
			ck_abort_msg("%s died waiting for %s: %s", w->name,
				     op_name(op), status_str(st));
		}
		n += (size_t)r;
	}
	rp.text[ERRSZ - 1] = 0;
	if (rp.status != WORKER_DONE)
		ck_abort_msg("%s failed in %s: %s", w->name, op_name(rp.op),
			     rp.text);
	ck_assert_msg(rp.op == op, "%s: reply to %s, expected %s", w->name,
		      op_name(rp.op), op_name(op));
	if (text)
		snprintf(text, ERRSZ, "%s", rp.text);
}

void worker_do(struct worker *w, enum worker_op op, uint8_t arg, char *text)
{
	worker_send(w, op, arg);
	worker_expect(w, op, text, REPLY_MS);
}

static void worker_close_fds(struct worker *w)
{
	int i, j;

	for (i = 0; i < n_worker_fds; i++)
		if (worker_fds[i] == w->cmd || worker_fds[i] == w->evt) {
			for (j = i; j + 1 < n_worker_fds; j++)
				worker_fds[j] = worker_fds[j + 1];
			n_worker_fds--;
			i--;
		}
	close(w->cmd);
	close(w->evt);
}

void worker_finish(struct worker *w)
{
	int st = 0;

	worker_do(w, WORKER_QUIT, 0, NULL);
	ck_assert_int_eq(waitpid(w->pid, &st, 0), w->pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: %s", w->name,
		      status_str(st));
	w->pid = -1;
	worker_close_fds(w);
}

void worker_kill(struct worker *w)
{
	int st = 0;

	ck_assert_int_eq(kill(w->pid, SIGKILL), 0);
	ck_assert_int_eq(waitpid(w->pid, &st, 0), w->pid);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	w->pid = -1;
	worker_close_fds(w);
}
