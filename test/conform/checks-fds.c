/* SPDX-License-Identifier: MIT */
/*
 * The steps both roles share in the checks of spec/hostile-peer.md §3 J5-J10:
 * attacks through an fd that shares its open file description with the IUT
 * (its O_NONBLOCK flag, its counter, and what its last close() costs).  The
 * check tables in checks-slave.c and checks-master.c call these; nothing
 * here may block memif-conform itself, whatever the IUT does with the fds.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
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

#include "conform.h"

/* ---- eventfds ------------------------------------------------------------ */

int cf_efd_take(int efd, uint64_t *v)
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

bool cf_efd_count(int efd, uint64_t *v)
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

int cf_efd_attack(int efd, bool saturate)
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
		cf_efd_take(efd, &v);
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

int cf_linger_socket(int secs, int *server)
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
		cf_linger_abort(c);
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

int cf_send_linger(int fd, const void *buf, size_t len, int *fds, unsigned n,
		   unsigned attempt, bool *on)
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

void cf_linger_abort(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

int cf_linger_fds(int *fds, unsigned n, int *server)
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
			cf_linger_fds_close(fds, n, server);
			return ret;
		}
	}
	ret = cf_linger_socket(5, server);
	if (ret < 0) {
		cf_linger_fds_close(fds, n, server);
		return ret;
	}
	fds[n - 1] = ret;
	return 0;
}

void cf_linger_fds_close(int *fds, unsigned n, int *server)
{
	unsigned k;

	for (k = 0; k + 1 < n; k++)
		if (fds[k] >= 0)
			close(fds[k]);
	if (n) {
		cf_linger_abort(fds[n - 1]);
		fds[n - 1] = -1;
	}
	for (k = 0; k + 1 < n; k++)
		fds[k] = -1;
	if (*server >= 0)
		close(*server); /* resets the connection: any linger ends */
	*server = -1;
}

/* ---- J5 ------------------------------------------------------------------ */

void cf_rx_drain(struct cf_peer *p)
{
	uint8_t buf[2048];
	uint64_t end = cf_now_ms() + 50;
	uint32_t len;

	while (cf_now_ms() < end)
		if (cf_rx_one(p, 0, buf, sizeof(buf), &len) <= 0)
			cf_sleep_ms(1);
}

enum cf_result cf_j5_tx(struct cf_run *r, struct cf_peer *p)
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
	ret = cf_efd_attack(rx->efd, true);
	if (ret < 0)
		return cf_fail(r, "cannot prepare the eventfd: %s",
			       strerror(-ret));
	if (cf_echo(r, p, &t) == 0) {
		cf_efd_count(rx->efd, &cnt);
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
		if (cf_efd_take(rx->efd, &v) == 1)
			cf_note(r, "(counter drained to release the IUT)");
	}
	return res;
}

enum cf_result cf_j5_rx(struct cf_run *r, struct cf_peer *p)
{
	struct cf_ring *tx = cf_tx_ring(p, 0);
	unsigned i, ours = 0, theirs = 0, sent = 0, got = 0;
	uint8_t pkt[128], buf[2048];
	enum cf_result res = CF_FAIL;
	uint64_t v = 1, end, t0;
	bool polls;
	int keep, ret;

	cf_rx_drain(p);
	polls = cf_read_once(&tx->ring->flags) & MEMIF_RING_FLAG_MASK_INT;
	/* Our hold on the eventfd after our close: to release a hung IUT. */
	keep = fcntl(tx->efd, F_DUPFD_CLOEXEC, 0);
	ret = cf_efd_attack(tx->efd, false);
	if (keep < 0 || ret < 0) {
		res = cf_fail(r, "cannot prepare the eventfd: %s",
			      strerror(keep < 0 ? errno : -ret));
		cf_peer_free(p);
		if (keep >= 0)
			close(keep);
		return res;
	}
	/* Signal, and take the count back before the IUT reads it: it wakes
	 * to an empty counter on a blocking fd. */
	for (i = 0; i < 10; i++) {
		v = 1;
		if (write(tx->efd, &v, sizeof(v)) < 0)
			break;
		if (cf_efd_take(tx->efd, &v) == 1)
			ours++;
		else
			theirs++;
		cf_sleep_ms(20);
	}
	cf_note(r,
		"the IUT %s; 10 signals on its blocking eventfd, %u taken "
		"back by us, %u read by the IUT",
		polls ? "polls its RX ring (MASK_INT set)" :
			"wants interrupts on its RX ring",
		ours, theirs);
	cf_sleep_ms(300);
	/* Packets without a signal: an IUT that polls, or wakes on its own,
	 * echoes them; one stuck in a read of the eventfd does not. */
	for (i = 0; i < 4; i++) {
		cf_pkt_fill(pkt, sizeof(pkt), p->seq++);
		if (cf_tx_stage(p, 0, pkt, sizeof(pkt), 0) < 0)
			break;
		sent++;
	}
	cf_tx_publish(p, 0);
	end = cf_now_ms() + 500;
	while (got < sent && cf_now_ms() < end) {
		uint32_t len, seq;
		int e = cf_rx_one(p, 0, buf, sizeof(buf), &len);

		if (e < 0)
			break;
		if (e == 1 && cf_pkt_check(buf, len, &seq))
			got++;
		else if (!e)
			cf_sleep_ms(1);
	}
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

/* ---- J8 ------------------------------------------------------------------ */

static enum cf_result j8_verdict(struct cf_run *r, enum cf_react how,
				 unsigned n_fds)
{
	switch (how) {
	case CF_REACT_DISC_CLOSE:
		return CF_PASS;
	case CF_REACT_CLOSE:
		if (n_fds)
			return CF_PASS; /* the fds: the post-check counts */
		return cf_fail(r, "closed silently: a zero-length datagram "
				  "is not end of file");
	case CF_REACT_DISC_NOCLOSE:
		return cf_fail(r, "the IUT must close after its DISCONNECT");
	case CF_REACT_MSG:
		return cf_fail(r, "expected DISCONNECT");
	case CF_REACT_NONE:
		return cf_fail(r, "expected DISCONNECT within %d ms",
			       r->o->timeout_ms);
	}
	return CF_FAIL;
}

enum cf_result cf_j8_empty(struct cf_run *r, struct cf_peer *p, unsigned n)
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
