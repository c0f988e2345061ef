/* SPDX-License-Identifier: MIT */
/*
 * The checks of spec/hostile-peer.md §3 J5-J9, in both roles: attacks
 * through an fd that shares its open file description with the IUT (its
 * O_NONBLOCK flag, its counter, and what its last close() costs), and an
 * empty datagram with fds.  Nothing here may block memif-conform itself,
 * whatever the IUT does with the fds.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

#include "checks.h"

/* ---- eventfds ------------------------------------------------------------ */

/* Read an eventfd without ever blocking, whatever its O_NONBLOCK flag (the
 * IUT shares the flag).  1 read into @v, 0 counter empty, -errno. */
static int efd_read_nb(int efd, uint64_t *v)
{
	struct iovec iov = { .iov_base = v, .iov_len = sizeof(*v) };
	ssize_t n;
	int fl, err;

	/* RWF_NOWAIT does not depend on the shared flag (Linux >= 5.12). */
	do {
		n = preadv2(efd, &iov, 1, -1, RWF_NOWAIT);
	} while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(*v))
		return 1;
	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n >= 0 || (errno != EOPNOTSUPP && errno != EINVAL))
		return n < 0 ? -errno : -EIO;
	/* Older kernels: set O_NONBLOCK around our read; the IUT sees it set
	 * for that moment only. */
	fl = fcntl(efd, F_GETFL);
	if (fl < 0)
		return -errno;
	if (fcntl(efd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	n = read(efd, v, sizeof(*v));
	err = errno;
	fcntl(efd, F_SETFL, fl);
	if (n == (ssize_t)sizeof(*v))
		return 1;
	return err == EAGAIN ? 0 : -err;
}

/* The counter of an eventfd, from /proc/self/fdinfo (never reads it). */
static bool efd_count(int efd, uint64_t *v)
{
	char path[64], line[128];
	unsigned long long x;
	bool ok = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", efd);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!ok && fgets(line, sizeof(line), f))
		if (sscanf(line, "eventfd-count: %llx", &x) == 1) {
			*v = x;
			ok = true;
		}
	fclose(f);
	return ok;
}

/* J5: clear O_NONBLOCK on our copy of an eventfd the IUT shares; with
 * @saturate first set its counter to 0xfffffffffffffffe (a write of 1
 * then blocks).  Never blocks us.  0 or -errno. */
static int efd_attack(int efd, bool saturate)
{
	const uint64_t max = 0xfffffffffffffffeull;
	int fl = fcntl(efd, F_GETFL), i;
	uint64_t v;

	if (fl < 0)
		return -errno;
	/* Our own writes must not block: saturate while O_NONBLOCK is set. */
	if (fcntl(efd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	for (i = 0; saturate; i++) {
		if (i == 100)
			return -EAGAIN; /* the IUT keeps signalling */
		efd_read_nb(efd, &v);
		if (write(efd, &max, sizeof(max)) == (ssize_t)sizeof(max))
			break;
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
	}
	if (fcntl(efd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

/* ---- a socket whose last close lingers ----------------------------------- */

/* Close our copy of a lingering socket that was not passed: abortive, so
 * that our own close does not wait. */
static void linger_abort(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

/* J7: a TCP socket whose close() by its last owner lingers @secs seconds:
 * unsent data the receiver never reads, SO_LINGER {1, @secs}.  Returns the
 * fd to pass (close our copy after sending), and in @server the accepted
 * side, to keep open while the IUT is measured (closing it resets the
 * connection and ends any linger).  -errno on failure. */
static int linger_socket(int secs, int *server)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	struct linger lg = { .l_onoff = 1, .l_linger = secs };
	struct pollfd pf;
	int l, c = -1, s = -1, small = 4096, err;
	static char junk[65536];
	size_t total = 0;
	ssize_t n;

	*server = -1;
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0)
		return -errno;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* Small buffers fill fast; the accepted side inherits SO_RCVBUF. */
	setsockopt(l, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 1) < 0 ||
	    getsockname(l, (struct sockaddr *)&a, &alen) < 0)
		goto fail;
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c < 0)
		goto fail;
	setsockopt(c, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	if (connect(c, (struct sockaddr *)&a, sizeof(a)) < 0 &&
	    errno != EINPROGRESS)
		goto fail;
	pf = (struct pollfd){ .fd = l, .events = POLLIN };
	if (poll(&pf, 1, 2000) != 1) {
		errno = ETIMEDOUT;
		goto fail;
	}
	s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (s < 0)
		goto fail;
	/* Fill the client's send buffer: the server never reads, its window
	 * closes, and the data stays unsent (bounded at 64 MiB). */
	memset(junk, 0x4a, sizeof(junk));
	while (total < (64u << 20)) {
		n = send(c, junk, sizeof(junk), MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			/* A moment for loopback to move what it can. */
			pf = (struct pollfd){ .fd = c, .events = POLLOUT };
			if (poll(&pf, 1, 20) == 1)
				continue;
			break;
		}
		if (n <= 0)
			goto fail;
		total += (size_t)n;
	}
	if (setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) < 0)
		goto fail;
	close(l);
	*server = s;
	return c;

fail:
	err = errno ? errno : EIO;
	if (c >= 0)
		linger_abort(c);
	if (s >= 0)
		close(s);
	close(l);
	return -err;
}

static void on_alarm(int sig)
{
}

/* Run on the @k-th (mod their number) of the CPUs we may use; false when
 * nothing changed.  @saved gets our affinity back. */
static bool pin_cpu(unsigned k, cpu_set_t *saved)
{
	cpu_set_t one;
	int cpu, n;

	if (sched_getaffinity(0, sizeof(*saved), saved) < 0)
		return false;
	n = CPU_COUNT(saved);
	if (n < 2)
		return false;
	k %= (unsigned)n;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, saved) && k-- == 0)
			break;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	return sched_setaffinity(0, sizeof(one), &one) == 0;
}

/* Send @buf with @fds, the last a lingering socket, and close ours of
 * them, the lingering one at once; from the @attempt-th of our CPUs (the
 * IUT's thread, woken on ours, would run before our close).  *@on true
 * when the IUT now holds the last reference to it (the attack is on);
 * false when the IUT had let go of its copy first, so that ours was the
 * last: a signal then ends our own linger after 50 ms (a send slower than
 * 25 ms counts as such a loss).  0 or -errno (the fds then stay open). */
static int send_linger(int fd, const void *buf, size_t len, int *fds,
		       unsigned n, unsigned attempt, bool *on)
{
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	struct itimerval it = { .it_value = { 0, 50000 } }, off = { 0 };
	struct timespec zero = { 0, 0 };
	sigset_t set, mask;
	cpu_set_t saved;
	bool pinned;
	uint64_t t0;
	unsigned k;
	int ret;

	/* Everything but the close before the send: the IUT is quick to
	 * let go of its copy, and then ours would be the last.  Woken on
	 * our CPU, the IUT's thread runs before our close: each attempt on
	 * another CPU.  No SA_RESTART: a pending signal ends a lingering
	 * close. */
	pinned = pin_cpu(attempt, &saved);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	t0 = cf_now_ms();
	setitimer(ITIMER_REAL, &it, NULL);
	ret = cf_send_raw(fd, buf, len, fds, n);
	if (ret == 0) {
		close(fds[n - 1]);
		fds[n - 1] = -1;
	}
	setitimer(ITIMER_REAL, &off, NULL);
	t0 = cf_now_ms() - t0;
	/* A SIGALRM still on its way must not meet the old disposition. */
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	sigprocmask(SIG_BLOCK, &set, &mask);
	while (sigtimedwait(&set, NULL, &zero) == SIGALRM)
		;
	sigaction(SIGALRM, &old, NULL);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	if (pinned)
		sched_setaffinity(0, sizeof(saved), &saved);
	if (ret < 0)
		return ret;
	for (k = 0; k + 1 < n; k++) {
		close(fds[k]);
		fds[k] = -1;
	}
	*on = t0 < 25; /* µs when ours is not the last; else 50 ms */
	return 0;
}

/* Close whatever is left of linger_fds, @server last. */
static void linger_fds_close(int *fds, unsigned n, int *server)
{
	unsigned k;

	for (k = 0; k + 1 < n; k++)
		if (fds[k] >= 0)
			close(fds[k]);
	if (n) {
		linger_abort(fds[n - 1]);
		fds[n - 1] = -1;
	}
	for (k = 0; k + 1 < n; k++)
		fds[k] = -1;
	if (*server >= 0)
		close(*server); /* resets the connection: any linger ends */
	*server = -1;
}

/* J7, J9: @n fds to pass (eventfds), the last a lingering socket whose
 * peer goes to @server.  0, or -errno with nothing left open. */
static int linger_fds(int *fds, unsigned n, int *server)
{
	unsigned k;
	int ret;

	*server = -1;
	for (k = 0; k < n; k++)
		fds[k] = -1;
	for (k = 0; k + 1 < n; k++) {
		fds[k] = eventfd(0, EFD_CLOEXEC);
		if (fds[k] < 0) {
			ret = -errno;
			linger_fds_close(fds, n, server);
			return ret;
		}
	}
	ret = linger_socket(5, server);
	if (ret < 0) {
		linger_fds_close(fds, n, server);
		return ret;
	}
	fds[n - 1] = ret;
	return 0;
}

/* ---- J5: an eventfd made blocking ---------------------------------------- */

/* J5.tx-nonblock on a connected, warm peer: our RX ring's eventfd (the IUT
 * signals it) made blocking and saturated, MASK_INT clear, packets echoed
 * one by one, received by polling. */
static enum cf_result j5_tx(struct cf_run *r, struct cf_peer *p)
{
	struct cf_traffic t = { .packets = 16,
				.min_len = 60,
				.max_len = 200,
				.window = 1,
				.queues = 1 };
	struct cf_ring *rx = cf_rx_ring(p, 0);
	enum cf_result res = CF_FAIL;
	uint64_t v, cnt = 0;
	int ret;

	cf_rx_drain(p);
	/* MASK_INT clear: the IUT signals after every echo. */
	cf_write_once(&rx->ring->flags, 0);
	cf_fence();
	ret = efd_attack(rx->efd, true);
	if (ret < 0)
		return cf_fail(r, "cannot prepare the eventfd: %s",
			       strerror(-ret));
	if (cf_echo(r, p, &t) == 0) {
		efd_count(rx->efd, &cnt);
		cf_note(r,
			"with its signal eventfd blocking and saturated "
			"(counter 0x%llx after), the IUT echoed 16 packets "
			"one by one",
			(unsigned long long)cnt);
		res = CF_PASS;
	} else {
		cf_note(r, "the IUT stopped echoing: its signal write on our "
			   "blocking, saturated eventfd blocks");
		/* The verdict is in: release the IUT so that the checks
		 * after this one are not all lost to it. */
		if (efd_read_nb(rx->efd, &v) == 1)
			cf_note(r, "(counter drained to release the IUT)");
	}
	return res;
}

/* Signal @efd ten times, each time taking the count back before the IUT
 * reads it: it wakes to an empty counter on a blocking fd.  Who read each
 * signal into *@ours and *@theirs. */
static void steal_signals(int efd, unsigned *ours, unsigned *theirs)
{
	uint64_t v;
	unsigned i;

	for (i = 0; i < 10; i++) {
		v = 1;
		if (write(efd, &v, sizeof(v)) < 0)
			break;
		if (efd_read_nb(efd, &v) == 1)
			(*ours)++;
		else
			(*theirs)++;
		cf_sleep_ms(20);
	}
}

/* Four packets on queue 0 with no signal; the number echoed within
 * 500 ms (*@sent: how many went). */
static unsigned echo_unsignalled(struct cf_peer *p, unsigned *sent)
{
	uint8_t pkt[128], buf[2048];
	unsigned i, got = 0;
	uint64_t end;

	for (i = 0; i < 4; i++) {
		cf_pkt_fill(pkt, sizeof(pkt), p->seq++);
		if (cf_tx_stage(p, 0, pkt, sizeof(pkt), 0) < 0)
			break;
		(*sent)++;
	}
	cf_tx_publish(p, 0);
	end = cf_now_ms() + 500;
	while (got < *sent && cf_now_ms() < end) {
		uint32_t len, seq;
		int e = cf_rx_one(p, 0, buf, sizeof(buf), &len);

		if (e < 0)
			break;
		if (e == 1 && cf_pkt_check(buf, len, &seq))
			got++;
		else if (!e)
			cf_sleep_ms(1);
	}
	return got;
}

/* J5.rx-nonblock on a connected, warm peer: our TX ring's eventfd (the IUT
 * reads it) made blocking, signalled and read back by us; then packets
 * without a signal, our close, and a fresh handshake.  Frees @p. */
static enum cf_result j5_rx(struct cf_run *r, struct cf_peer *p)
{
	struct cf_ring *tx = cf_tx_ring(p, 0);
	unsigned ours = 0, theirs = 0, sent = 0, got;
	enum cf_result res = CF_FAIL;
	uint64_t v = 1, t0;
	bool polls;
	int keep, ret;

	cf_rx_drain(p);
	polls = cf_read_once(&tx->ring->flags) & MEMIF_RING_FLAG_MASK_INT;
	/* Our hold on the eventfd after our close: to release a hung IUT. */
	keep = fcntl(tx->efd, F_DUPFD_CLOEXEC, 0);
	ret = efd_attack(tx->efd, false);
	if (keep < 0 || ret < 0) {
		res = cf_fail(r, "cannot prepare the eventfd: %s",
			      strerror(keep < 0 ? errno : -ret));
		cf_peer_free(p);
		if (keep >= 0)
			close(keep);
		return res;
	}
	steal_signals(tx->efd, &ours, &theirs);
	cf_note(r,
		"the IUT %s; 10 signals on its blocking eventfd, %u taken "
		"back by us, %u read by the IUT",
		polls ? "polls its RX ring (MASK_INT set)" :
			"wants interrupts on its RX ring",
		ours, theirs);
	cf_sleep_ms(300);
	/* Packets without a signal: an IUT that polls, or wakes on its own,
	 * echoes them; one stuck in a read of the eventfd does not. */
	got = echo_unsignalled(p, &sent);
	cf_note(r, "%u of %u packets sent without a signal echoed", got, sent);
	/* Our close: the IUT must tear down and serve a fresh handshake. */
	cf_peer_free(p);
	t0 = cf_now_ms();
	if (cf_liveness(r) == 0) {
		cf_note(r, "a fresh handshake %llu ms after our close",
			(unsigned long long)(cf_now_ms() - t0));
		res = CF_PASS;
	} else {
		cf_note(r, "the IUT did not handle our close: stuck in a "
			   "blocking read of the eventfd?");
		/* The verdict is in: wake it. */
		v = 1;
		if (write(keep, &v, sizeof(v)) == (ssize_t)sizeof(v))
			cf_note(r, "(signalled to release the IUT)");
	}
	close(keep);
	return res;
}

/* J5: the eventfd of our RX ring (the IUT signals it) or of our TX ring
 * (the IUT reads it), made blocking by us.  We slave the IUT master
 * created neither; we master the IUT slave created both. */
enum cf_result j5_nonblock(struct cf_run *r, long rx)
{
	struct cf_peer *p = cf_peer_warm_any(r);
	enum cf_result res;

	if (!p)
		return CF_FAIL;
	if (rx)
		return j5_rx(r, p);
	res = j5_tx(r, p);
	cf_peer_free(p);
	return res;
}

/* ---- J6: a semaphore eventfd (we slave) ---------------------------------- */

/* J6's reference: the IUT's CPU, in percent of a core, over 500 ms
 * connected and idle with plain eventfds. */
static unsigned j6_base_pct(struct cf_run *r, long hz)
{
	struct cf_peer *p = cf_peer_at(r, NULL, CF_STEP_CONNECTED);
	uint64_t c0, c1;

	if (!p)
		return UINT_MAX;
	cf_sleep_ms(50);
	c0 = cf_iut_cpu_ticks(r);
	cf_sleep_ms(500);
	c1 = cf_iut_cpu_ticks(r);
	cf_peer_free(p);
	return (unsigned)((c1 - c0) * 2 * 100 / (uint64_t)hz);
}

enum cf_result slave_j6_semaphore(struct cf_run *r, long arg)
{
	const uint64_t big = 1ull << 40;
	long hz = sysconf(_SC_CLK_TCK);
	struct cf_peer *p = NULL;
	enum cf_result res = CF_FAIL;
	uint64_t c0, c1, left = 0;
	unsigned base_pct = 0, pct;
	int efd;

	if (hz <= 0)
		hz = 100;
	if (r->pid) {
		base_pct = j6_base_pct(r, hz);
		if (base_pct == UINT_MAX)
			return CF_FAIL;
	}
	p = cf_peer_at(r, NULL, CF_STEP_REGION);
	if (!p)
		return CF_FAIL;
	efd = eventfd(0, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
	if (efd < 0 || write(efd, &big, sizeof(big)) != (ssize_t)sizeof(big)) {
		res = cf_na(r, "semaphore eventfd: %s", strerror(errno));
		if (efd >= 0)
			close(efd);
		goto out;
	}
	/* It goes as the interrupt fd of our (only) S2M ring. */
	close(p->s2m[0].efd);
	p->s2m[0].efd = efd; /* freed with p */
	if (cf_peer_to(r, p, CF_STEP_CONNECTED) < 0) {
		if (p->refused && p->at == CF_STEP_REGION) {
			cf_note(r, "refused the semaphore eventfd");
			res = CF_PASS;
		} else if (p->refused && p->at == CF_STEP_RINGS) {
			cf_note(r, "refused at CONNECT");
			res = CF_PASS;
		}
		goto out;
	}
	if (!r->pid) {
		res = cf_na(r, "accepted the semaphore eventfd; its CPU cost "
			       "needs the IUT's pid (--pid)");
		goto out;
	}
	c0 = cf_iut_cpu_ticks(r);
	cf_sleep_ms(1000);
	c1 = cf_iut_cpu_ticks(r);
	pct = (unsigned)((c1 - c0) * 100 / (uint64_t)hz);
	efd_count(efd, &left);
	cf_note(r,
		"accepted; IUT CPU %u%% of a core over 1 s connected and "
		"idle (%u%% with plain eventfds); it took %llu of the 2^40 "
		"units",
		pct, base_pct, (unsigned long long)(big - left));
	if (pct < base_pct + 20)
		res = CF_PASS;
	else
		cf_note(r, "one wakeup per unit of a semaphore counter");
out:
	cf_peer_free(p);
	return res;
}

/* ---- J7, J9: a socket that lingers, on a message that takes no fd -------- */

/* J7, J9: from a peer at @step, send @m (INIT or HELLO: neither takes an
 * fd) with @n fds, the last a TCP socket whose last close lingers 5 s,
 * until the IUT holds the last reference to that socket: it may let go
 * of its copy before ours is closed (10 tries).  The peer, or NULL with
 * the verdict in *@res and nothing left open. */
static struct cf_peer *linger_send(struct cf_run *r, enum cf_step step,
				   const struct memif_msg *m, int *fds,
				   unsigned n, int *srv, enum cf_result *res)
{
	struct cf_peer *p;
	bool on = false;
	int attempt, ret;

	for (attempt = 1;; attempt++) {
		p = cf_peer_at(r, NULL, step);
		if (!p) {
			*res = CF_FAIL;
			return NULL;
		}
		ret = linger_fds(fds, n, srv);
		if (ret < 0) {
			*res = cf_na(r,
				     "cannot build a lingering TCP socket: "
				     "%s",
				     strerror(-ret));
			break;
		}
		ret = send_linger(p->fd, m, sizeof(*m), fds, n,
				  (unsigned)attempt - 1, &on);
		if (ret < 0 && ret != -EPIPE && ret != -ECONNRESET) {
			*res = cf_fail(r, "send %s: %s", cf_type_name(m->type),
				       strerror(-ret));
			break;
		}
		if (ret == 0 && on) {
			if (attempt > 1)
				cf_note(r, "(attempt %d)", attempt);
			return p;
		}
		/* The IUT let go of its copy before ours was closed (or of
		 * this connection, a stale one, before our send). */
		linger_fds_close(fds, n, srv);
		cf_peer_free(p);
		p = NULL;
		if (attempt == 10) {
			*res = cf_na(r, "10 times the IUT let go of the socket "
					"before our copy was closed: the "
					"last close was never its own");
			break;
		}
	}
	linger_fds_close(fds, n, srv);
	cf_peer_free(p);
	return NULL;
}

/* J7, J9: ms until the IUT answered the @type we sent with @n fds (noted,
 * and kept in @rx unless NULL), -1 when nothing came within @wait. */
static int64_t linger_reply(struct cf_run *r, struct cf_peer *p, uint16_t type,
			    unsigned n, int wait, struct cf_rx *rx)
{
	uint64_t t0 = cf_now_ms();
	int64_t d = -1;
	struct cf_rx tmp;

	if (!rx)
		rx = &tmp;
	cf_recv(r, p->fd, wait, rx);
	cf_rx_close_fds(rx);
	cf_note(r, "%s with %u fd%s answered with", cf_type_name(type), n,
		n > 1 ? "s" : "");
	cf_note_rx(r, rx);
	if (rx->kind != CF_RX_TIMEOUT) {
		d = (int64_t)(cf_now_ms() - t0);
		cf_note(r, "after %lld ms", (long long)d);
	}
	return d;
}

/* J7, J9: the verdict on whether the IUT answered each time within a
 * second, and our side of the lingering socket closed. */
static enum cf_result linger_done(struct cf_run *r, bool in_time, int *fds,
				  unsigned n, int *srv)
{
	if (!in_time)
		cf_note(r, "the IUT's event loop stalled (closing the "
			   "socket, which lingers 5 s?)");
	linger_fds_close(fds, n, srv);
	return in_time ? CF_PASS : CF_FAIL;
}

static void note_delay(struct cf_run *r, const char *what, int64_t d, int wait)
{
	if (d < 0)
		cf_note(r, "%s: nothing within %d ms", what, wait);
	else
		cf_note(r, "%s after %lld ms", what, (long long)d);
}

/* A new connection: ms until its HELLO (the IUT master's event loop at
 * work), -1 when none came within @wait. */
static int64_t hello_delay(struct cf_run *r, int wait)
{
	uint64_t t0 = cf_now_ms();
	int fd = cf_connect(r->o->socket);
	struct cf_rx rx;

	if (fd < 0)
		return -1;
	cf_recv(r, fd, wait, &rx);
	cf_rx_close_fds(&rx);
	close(fd);
	if (rx.kind != CF_RX_MSG || rx.msg.type != MEMIF_MSG_TYPE_HELLO)
		return -1;
	return (int64_t)(cf_now_ms() - t0);
}

/* J7 (one fd) and J9 (@n fds, more than an 8-fd control buffer holds):
 * INIT, which takes no fd, carries a TCP socket whose last close lingers
 * 5 s (the last of the fds), our copy closed.  The IUT's event loop must go
 * on answering: INIT itself, a HELLO on a new connection, and another after
 * our close of this one. */
enum cf_result slave_j7_linger(struct cf_run *r, long n)
{
	int wait = r->o->timeout_ms < 1500 ? 1500 : r->o->timeout_ms;
	int fds[CF_MAX_SEND_FDS], srv = -1;
	unsigned nf = (unsigned)n;
	enum cf_result res = CF_FAIL;
	int64_t d_reply, d_new, d_close;
	struct cf_peer *p;
	bool in_time;
	struct memif_msg m;

	memif__msg_build_init(&m, r->o->id, r->o->mode,
			      r->o->secret ? r->o->secret : "", CF_OUR_NAME);
	p = linger_send(r, CF_STEP_HELLO, &m, fds, nf, &srv, &res);
	if (!p)
		return res;
	d_reply = linger_reply(r, p, m.type, nf, wait, NULL);
	d_new = hello_delay(r, wait);
	note_delay(r, "HELLO on a new connection", d_new, wait);
	cf_peer_free(p);
	d_close = hello_delay(r, wait);
	note_delay(r, "after our close, HELLO", d_close, wait);
	in_time = d_reply >= 0 && d_reply < 1000 && d_new >= 0 &&
		  d_new < 1000 && d_close >= 0 && d_close < 1000;
	return linger_done(r, in_time, fds, nf, &srv);
}

/* We master: ms until the IUT slave connects again (the connection is
 * kept for the next check), -1 when it did not within @wait. */
static int64_t reconnect_delay(struct cf_run *r, int wait)
{
	uint64_t t0 = cf_now_ms();
	int fd = cf_accept(r->lfd, wait);

	if (fd < 0)
		return -1;
	r->pending = fd;
	return (int64_t)(cf_now_ms() - t0);
}

/* J7 (one fd) and J9 (@n fds, more than an 8-fd control buffer holds):
 * HELLO, which takes no fd, carries a TCP socket whose last close lingers
 * 5 s (the last of the fds), our copy closed.  The IUT slave's event loop
 * must go on: its answer to HELLO, its next message after our ACK, and its
 * reconnect after our close (against a plain reconnect measured first;
 * not with --kick). */
enum cf_result master_j7_linger(struct cf_run *r, long n)
{
	int wait = r->o->timeout_ms < 1500 ? 1500 : r->o->timeout_ms;
	int fds[CF_MAX_SEND_FDS], srv = -1;
	int64_t base = -1, d_reply, d_next = 0, d_recon = 0;
	bool in_time;
	unsigned nf = (unsigned)n;
	enum cf_result res = CF_FAIL;
	struct cf_peer *p;
	struct memif_msg m;
	struct cf_rx rx;

	if (!r->o->kick) {
		/* A plain reconnect, after our close at once. */
		p = cf_peer_at(r, NULL, CF_STEP_OPEN);
		if (!p)
			return CF_FAIL;
		cf_peer_free(p);
		base = reconnect_delay(r, wait);
		if (base < 0)
			return cf_fail(r,
				       "the IUT slave did not reconnect "
				       "within %d ms",
				       wait);
	}
	memif__msg_build_hello(&m, CF_OUR_NAME, 255, 255, 255,
			       MEMIF_MAX_LOG2_RING_SIZE);
	p = linger_send(r, CF_STEP_OPEN, &m, fds, nf, &srv, &res);
	if (!p)
		return res;
	d_reply = linger_reply(r, p, m.type, nf, wait, &rx);
	if (rx.kind == CF_RX_MSG && rx.msg.type == MEMIF_MSG_TYPE_INIT) {
		/* A close deferred after INIT shows in the next step. */
		uint64_t t0;

		memif__msg_build_ack(&m);
		cf_send(p->fd, &m, -1);
		t0 = cf_now_ms();
		cf_recv(r, p->fd, wait, &rx);
		cf_rx_close_fds(&rx);
		d_next = rx.kind == CF_RX_TIMEOUT ? -1 :
						    (int64_t)(cf_now_ms() - t0);
		note_delay(r, "its next message", d_next, wait);
	}
	cf_peer_free(p);
	if (base >= 0) {
		d_recon = reconnect_delay(r, wait);
		note_delay(r, "after our close, a new connection", d_recon,
			   wait);
		cf_note(r, "(a plain reconnect took %lld ms)", (long long)base);
	}
	in_time = d_reply >= 0 && d_reply < 1000 && d_next >= 0 &&
		  d_next < 1000 && d_recon >= 0 && d_recon < base + 1000;
	return linger_done(r, in_time, fds, nf, &srv);
}

/* ---- J8: an empty datagram ----------------------------------------------- */

static enum cf_result j8_verdict(struct cf_run *r, enum cf_react how,
				 unsigned n_fds)
{
	if (how == CF_REACT_CLOSE && !n_fds)
		return cf_fail(r, "closed silently: a zero-length datagram "
				  "is not end of file");
	/* With fds, a close is enough: the post-check counts them. */
	return cf_refusal_verdict(r, how, "DISCONNECT");
}

/* J8: a zero-length datagram carrying @n (0..3) memfds on @p, and the
 * verdict on the IUT's reaction.  Frees @p. */
static enum cf_result j8_send_empty(struct cf_run *r, struct cf_peer *p,
				    unsigned n)
{
	int fds[3] = { -1, -1, -1 }, ret;
	enum cf_react how;
	unsigned k;

	for (k = 0; k < n && k < 3; k++) {
		fds[k] = memfd_create("memif-conform J8", MFD_CLOEXEC);
		if (fds[k] < 0) {
			cf_peer_free(p);
			while (k--)
				close(fds[k]);
			return cf_na(r, "memfd: %s", strerror(errno));
		}
	}
	ret = cf_send_raw(p->fd, "", 0, fds, n);
	for (k = 0; k < n && k < 3; k++)
		close(fds[k]);
	if (ret < 0) {
		cf_peer_free(p);
		return cf_fail(r, "send: %s", strerror(-ret));
	}
	how = cf_reaction(r, p->fd, r->o->timeout_ms, false);
	cf_peer_free(p);
	return j8_verdict(r, how, n);
}

/* J8: a zero-length datagram with no fd or three: we slave right after
 * HELLO, we master instead of the ACK of INIT. */
enum cf_result j8_empty(struct cf_run *r, long n)
{
	struct cf_peer *p = cf_peer_at(
		r, NULL, r->o->we_master ? CF_STEP_INIT : CF_STEP_HELLO);

	if (!p)
		return CF_FAIL;
	return j8_send_empty(r, p, (unsigned)n);
}
