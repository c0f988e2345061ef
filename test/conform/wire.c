/* SPDX-License-Identifier: MIT */
/*
 * memif-conform's socket layer and IUT observation: addresses (path or
 * @abstract), raw sends with any fds, receives that audit every message the
 * IUT sends (C3-C5), classification of the IUT's reaction to bad input, and
 * the /proc view of the IUT process (fds, memfd mappings, liveness).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "conform.h"
#include "scm.h"

/* ---- notes and time ------------------------------------------------------ */

void cf_vnote(struct cf_run *r, const char *fmt, va_list ap)
{
	size_t n = strlen(r->note);

	if (n + 3 >= sizeof(r->note))
		return;
	/* "expected ACK, got" and "CONNECT:" lead into the reaction that
	 * follows: "expected ACK, got DISCONNECT ...", not "got; DISCONNECT". */
	if (n && (r->note[n - 1] == ':' ||
		  (n >= 4 && !strcmp(r->note + n - 4, " got")))) {
		r->note[n++] = ' ';
		r->note[n] = 0;
	} else if (n) {
		r->note[n++] = ';';
		r->note[n++] = ' ';
		r->note[n] = 0;
	}
	vsnprintf(r->note + n, sizeof(r->note) - n, fmt, ap);
}

void cf_note(struct cf_run *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cf_vnote(r, fmt, ap);
	va_end(ap);
}

uint64_t cf_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void cf_sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

const char *cf_type_name(uint16_t type)
{
	static const char *const names[] = {
		"NONE",	    "ACK",     "HELLO",	    "INIT",	  "ADD_REGION",
		"ADD_RING", "CONNECT", "CONNECTED", "DISCONNECT",
	};

	return type < MEMIF_MSG_TYPE_COUNT ? names[type] : "UNKNOWN";
}

/* ---- sockets ------------------------------------------------------------- */

static int addr_of(const char *name, struct sockaddr_un *a, socklen_t *len)
{
	size_t n = strlen(name);

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (n == 0 || n >= sizeof(a->sun_path))
		return -EINVAL;
	if (name[0] == '@') {
		/* Abstract: NUL + name, length without a trailing NUL
		 * (spec §2.1.1). */
		memcpy(a->sun_path + 1, name + 1, n - 1);
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	} else {
		memcpy(a->sun_path, name, n);
		*len = (socklen_t)sizeof(*a);
	}
	return 0;
}

int cf_listen(const char *name)
{
	struct sockaddr_un a;
	socklen_t len;
	int fd, one = 1;

	if (addr_of(name, &a, &len) < 0)
		return -EINVAL;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* Like every master: C12 is about receiving fds next to these. */
	setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
	if (name[0] != '@')
		unlink(name);
	if (bind(fd, (struct sockaddr *)&a, len) < 0 || listen(fd, 64) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int cf_connect(const char *name)
{
	struct sockaddr_un a;
	socklen_t len;
	int fd;

	if (addr_of(name, &a, &len) < 0)
		return -EINVAL;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&a, len) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int cf_accept(int lfd, int timeout_ms)
{
	struct pollfd pf = { .fd = lfd, .events = POLLIN };

	if (poll(&pf, 1, timeout_ms) != 1)
		return -1;
	return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
}

int cf_send_raw(int fd, const void *buf, size_t len, const int *fds,
		unsigned n_fds)
{
	union {
		struct cmsghdr align;
		uint8_t b[CMSG_SPACE(sizeof(int) * CF_MAX_SEND_FDS)];
	} cb;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (n_fds > CF_MAX_SEND_FDS)
		return -EINVAL;
	scm_put_fds(&mh, cb.b, fds, n_fds);
	do {
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == (ssize_t)len ? 0 : -EMSGSIZE;
}

int cf_send(int fd, const struct memif_msg *m, int pass_fd)
{
	return cf_send_raw(fd, m, MEMIF_MSG_SIZE, &pass_fd, pass_fd >= 0);
}

void cf_dirty(struct memif_msg *m, size_t used)
{
	if (used < sizeof(m->raw))
		memset(m->raw + used, 0xa5, sizeof(m->raw) - used);
}

static void example(char *ex, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void example(char *ex, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (ex[0])
		return;
	va_start(ap, fmt);
	vsnprintf(ex, size, fmt, ap);
	va_end(ap);
}

/* Payload bytes used by each type, and its string fields (offset in the
 * message, length), for the C5 audit. */
static size_t payload_len(uint16_t type)
{
	switch (type) {
	case MEMIF_MSG_TYPE_HELLO:
		return sizeof(struct memif_msg_hello);
	case MEMIF_MSG_TYPE_INIT:
		return sizeof(struct memif_msg_init);
	case MEMIF_MSG_TYPE_ADD_REGION:
		return sizeof(struct memif_msg_add_region);
	case MEMIF_MSG_TYPE_ADD_RING:
		return sizeof(struct memif_msg_add_ring);
	case MEMIF_MSG_TYPE_CONNECT:
	case MEMIF_MSG_TYPE_CONNECTED:
		return sizeof(struct memif_msg_connect);
	case MEMIF_MSG_TYPE_DISCONNECT:
		return sizeof(struct memif_msg_disconnect);
	default:
		return 0;
	}
}

static void audit_str(struct cf_run *r, const uint8_t *raw, size_t off,
		      size_t len, const char *what)
{
	const uint8_t *f = raw + off;
	size_t i, n = 0;

	while (n < len && f[n])
		n++;
	if (n == len) {
		r->st.unterminated++;
		example(r->st.unterminated_ex, sizeof(r->st.unterminated_ex),
			"%s has no NUL within %zu bytes", what, len);
		return;
	}
	for (i = n; i < len; i++)
		if (f[i]) {
			r->st.dirty_pad++;
			example(r->st.dirty_pad_ex, sizeof(r->st.dirty_pad_ex),
				"%s: byte %zu after the NUL is 0x%02x", what, i,
				f[i]);
			return;
		}
}

/* C3, C4, C5 on every message the IUT sends us. */
static void audit(struct cf_run *r, const struct cf_rx *rx)
{
	const uint8_t *raw = (const uint8_t *)&rx->msg;
	uint16_t type = rx->msg.type;
	size_t used, i;

	r->st.msgs++;
	if (rx->len != MEMIF_MSG_SIZE || rx->trunc) {
		r->st.bad_size++;
		example(r->st.bad_size_ex, sizeof(r->st.bad_size_ex),
			"%s of %zd bytes%s", cf_type_name(type), rx->len,
			rx->trunc ? " (truncated)" : "");
	}
	if (rx->n_fds != (memif__msg_takes_fd(type) ? 1u : 0u)) {
		r->st.bad_fds++;
		example(r->st.bad_fds_ex, sizeof(r->st.bad_fds_ex),
			"%s with %u fds", cf_type_name(type), rx->n_fds);
	}
	switch (type) {
	case MEMIF_MSG_TYPE_HELLO:
		audit_str(r, raw, 2, MEMIF_NAME_LEN, "HELLO name");
		break;
	case MEMIF_MSG_TYPE_INIT:
		audit_str(r, raw, 2 + offsetof(struct memif_msg_init, secret),
			  MEMIF_SECRET_LEN, "INIT secret");
		audit_str(r, raw, 2 + offsetof(struct memif_msg_init, name),
			  MEMIF_NAME_LEN, "INIT name");
		break;
	case MEMIF_MSG_TYPE_CONNECT:
	case MEMIF_MSG_TYPE_CONNECTED:
		audit_str(r, raw, 2, MEMIF_NAME_LEN, "if_name");
		break;
	case MEMIF_MSG_TYPE_DISCONNECT:
		audit_str(r, raw,
			  2 + offsetof(struct memif_msg_disconnect, string),
			  MEMIF_REASON_LEN, "DISCONNECT reason");
		break;
	default:
		break;
	}
	used = 2 + payload_len(type);
	for (i = used; i < MEMIF_MSG_SIZE; i++)
		if (raw[i]) {
			r->st.dirty_pad++;
			example(r->st.dirty_pad_ex, sizeof(r->st.dirty_pad_ex),
				"%s: undefined byte %zu is 0x%02x",
				cf_type_name(type), i, raw[i]);
			break;
		}
}

/* The IUT's name and version for the report, from its first HELLO or INIT
 * (printable bytes only: the name is the peer's). */
static void remember_name(struct cf_run *r, const struct cf_rx *rx)
{
	const uint8_t *name;
	size_t i;

	if (r->iut_name[0] || rx->len < MEMIF_MSG_SIZE)
		return;
	if (rx->msg.type == MEMIF_MSG_TYPE_HELLO) {
		name = rx->msg.hello.name;
		r->iut_version = rx->msg.hello.max_version;
	} else if (rx->msg.type == MEMIF_MSG_TYPE_INIT) {
		name = rx->msg.init.name;
		r->iut_version = rx->msg.init.version;
	} else {
		return;
	}
	for (i = 0; i < MEMIF_NAME_LEN && name[i]; i++)
		r->iut_name[i] = name[i] >= 0x20 && name[i] < 0x7f ?
					 (char)name[i] : '?';
	r->iut_name[i] = 0;
}

/* memif__msg_fds's @extra: an fd beyond CF_MAX_FDS. */
static void close_fd(void *ctx, int fd)
{
	close(fd);
}

void cf_recv(struct cf_run *r, int fd, int timeout_ms, struct cf_rx *rx)
{
	union {
		struct cmsghdr align;
		uint8_t b[512];
	} cb;
	uint8_t buf[4096];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cb.b,
			     .msg_controllen = sizeof(cb.b) };
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int ret;

	memset(rx, 0, sizeof(*rx));
	do {
		ret = poll(&pf, 1, timeout_ms);
	} while (ret < 0 && errno == EINTR);
	if (ret == 0) {
		rx->kind = CF_RX_TIMEOUT;
		return;
	}
	do {
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		/* ECONNRESET: the IUT closed with our data unread. */
		rx->kind = errno == ECONNRESET ? CF_RX_EOF : CF_RX_ERROR;
		rx->err = errno;
		return;
	}
	rx->n_fds = memif__msg_fds(&mh, rx->fds, CF_MAX_FDS, close_fd, NULL);
	if (n == 0) {
		rx->kind = CF_RX_EOF;
		return;
	}
	rx->kind = CF_RX_MSG;
	rx->len = n;
	rx->trunc = mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC);
	memcpy(&rx->msg, buf, n < MEMIF_MSG_SIZE ? (size_t)n : MEMIF_MSG_SIZE);
	audit(r, rx);
	remember_name(r, rx);
}

void cf_rx_close_fds(struct cf_rx *rx)
{
	unsigned i;

	for (i = 0; i < rx->n_fds; i++)
		close(rx->fds[i]);
	rx->n_fds = 0;
}

void cf_note_rx(struct cf_run *r, const struct cf_rx *rx)
{
	static const char *const ended[] = {
		[CF_RX_EOF] = "close", [CF_RX_TIMEOUT] = "nothing"
	};
	char reason[MEMIF_REASON_LEN + 1];

	if (rx->kind == CF_RX_ERROR) {
		cf_note(r, "recv error %s", strerror(rx->err));
		return;
	}
	if (rx->kind != CF_RX_MSG) {
		cf_note(r, "%s", ended[rx->kind]);
		return;
	}
	if (rx->msg.type == MEMIF_MSG_TYPE_DISCONNECT) {
		size_t i;

		memif__msg_strcpy(reason, sizeof(reason),
				  rx->msg.disconnect.string,
				  sizeof(rx->msg.disconnect.string));
		for (i = 0; reason[i]; i++)
			if (reason[i] < 0x20 || reason[i] > 0x7e ||
			    reason[i] == '"')
				reason[i] = '?';
		cf_note(r, "DISCONNECT \"%s\"", reason);
	} else {
		cf_note(r, "%s", cf_type_name(rx->msg.type));
	}
}

static void count_reject(struct cf_run *r, bool with_disc)
{
	size_t n = strlen(r->st.silent_ids);

	if (r->no_count)
		return;
	r->st.rejects++;
	r->cur_rejects++;
	if (with_disc)
		return;
	r->st.rejects_silent++;
	r->cur_silent++;
	if (n + 24 < sizeof(r->st.silent_ids)) {
		snprintf(r->st.silent_ids + n, sizeof(r->st.silent_ids) - n,
			 "%s%s", n ? " " : "", r->cur ? r->cur->id : "?");
		r->cur_listed++;
	}
}

void cf_uncount_rejects(struct cf_run *r)
{
	char *sp;

	r->st.rejects -= r->cur_rejects;
	r->st.rejects_silent -= r->cur_silent;
	for (; r->cur_listed; r->cur_listed--) {
		sp = strrchr(r->st.silent_ids, ' ');
		*(sp ? sp : r->st.silent_ids) = 0;
	}
	r->cur_rejects = r->cur_silent = 0;
}

bool cf_rx_refused(const struct cf_rx *rx)
{
	return rx->kind == CF_RX_EOF ||
	       (rx->kind == CF_RX_MSG &&
		rx->msg.type == MEMIF_MSG_TYPE_DISCONNECT);
}

enum cf_react cf_reaction(struct cf_run *r, int fd, int wait_ms,
			  bool allow_acks)
{
	uint64_t t0 = cf_now_ms(), end = t0 + (uint64_t)wait_ms;
	bool disc = false, other = false;
	struct cf_rx rx;

	for (;;) {
		uint64_t now = cf_now_ms();

		cf_recv(r, fd, now >= end ? 0 : (int)(end - now), &rx);
		cf_rx_close_fds(&rx);
		if (rx.kind == CF_RX_TIMEOUT) {
			cf_note(r, "%s after %d ms",
				disc ? "socket left open" : "no reaction",
				wait_ms);
			if (other)
				return CF_REACT_MSG;
			if (!disc)
				return CF_REACT_NONE;
			count_reject(r, true);
			return CF_REACT_DISC_NOCLOSE;
		}
		cf_note_rx(r, &rx);
		if (rx.kind != CF_RX_MSG) {
			cf_note(r, "after %u ms", (unsigned)(cf_now_ms() - t0));
			if (other)
				return CF_REACT_MSG;
			count_reject(r, disc);
			return disc ? CF_REACT_DISC_CLOSE : CF_REACT_CLOSE;
		}
		if (rx.msg.type == MEMIF_MSG_TYPE_DISCONNECT) {
			/* A DISCONNECT without a reason counts as silent. */
			if (rx.msg.disconnect.string[0])
				disc = true;
			else
				cf_note(r, "(empty reason)");
		} else if (!(allow_acks && rx.msg.type == MEMIF_MSG_TYPE_ACK)) {
			other = true;
		}
	}
}

enum cf_result cf_refusal_verdict(struct cf_run *r, enum cf_react how,
				  const char *what)
{
	switch (how) {
	case CF_REACT_DISC_CLOSE:
	case CF_REACT_CLOSE:
		return CF_PASS;
	case CF_REACT_DISC_NOCLOSE:
		return cf_fail(r, "the IUT must close after its DISCONNECT");
	case CF_REACT_MSG:
		return cf_fail(r, "expected %s", what);
	case CF_REACT_NONE:
		return cf_fail(r, "expected %s within %d ms", what,
			       r->o->timeout_ms);
	}
	return CF_FAIL;
}

enum cf_result cf_expect_reject(struct cf_run *r, int fd)
{
	return cf_refusal_verdict(
		r, cf_reaction(r, fd, r->o->timeout_ms, false), "a rejection");
}

bool cf_expect(struct cf_run *r, int fd, uint16_t type, struct cf_rx *rx)
{
	cf_recv(r, fd, r->o->timeout_ms, rx);
	if (rx->kind == CF_RX_MSG && rx->msg.type == type)
		return true;
	cf_note(r, "expected %s, got", cf_type_name(type));
	cf_note_rx(r, rx);
	cf_rx_close_fds(rx);
	return false;
}

bool cf_silent(struct cf_run *r, int fd, int ms)
{
	struct cf_rx rx;

	cf_recv(r, fd, ms, &rx);
	if (rx.kind == CF_RX_TIMEOUT)
		return true;
	cf_note(r, "unexpected:");
	cf_note_rx(r, &rx);
	cf_rx_close_fds(&rx);
	return false;
}

/* ---- the IUT process ----------------------------------------------------- */

bool cf_iut_alive(const struct cf_run *r)
{
	char path[64], buf[256], *p;
	FILE *f;
	bool alive = false;

	if (r->iut)
		return r->pid && !cf_iut_reap(r);
	if (!r->pid)
		return true;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)r->pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f)) {
		p = strrchr(buf, ')');
		alive = p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
	}
	fclose(f);
	return alive;
}

static const char *const fd_kind_names[CF_FD_KINDS] = {
	"socket", "eventfd", "memfd", "pipe", "file", "other",
};

/* What an fd is, from its link in /proc/PID/fd. */
static enum cf_fd_kind fd_kind(const char *link)
{
	if (!strncmp(link, "socket:", 7))
		return CF_FD_SOCKET;
	if (!strcmp(link, "anon_inode:[eventfd]"))
		return CF_FD_EVENTFD;
	if (!strncmp(link, "/memfd:", 7))
		return CF_FD_MEMFD;
	if (!strncmp(link, "pipe:", 5))
		return CF_FD_PIPE;
	if (link[0] == '/')
		return CF_FD_FILE;
	return CF_FD_OTHER;
}

/* The kind of the fd whose /proc link is @path (relative to @dir, an fd
 * directory, or AT_FDCWD); an fd closed meanwhile is "other". */
static enum cf_fd_kind fd_kind_at(int dir, const char *path)
{
	char link[256];
	ssize_t len = readlinkat(dir, path, link, sizeof(link) - 1);

	link[len < 0 ? 0 : len] = 0;
	return fd_kind(link);
}

enum cf_fd_kind cf_fd_kind(int fd)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return fd_kind_at(AT_FDCWD, path);
}

int cf_iut_fds(const struct cf_run *r, int *kinds)
{
	char path[64];
	struct dirent *e;
	DIR *d;
	int n = 0;

	if (kinds)
		memset(kinds, 0, CF_FD_KINDS * sizeof(*kinds));
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)r->pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		n++;
		if (kinds)
			kinds[fd_kind_at(dirfd(d), e->d_name)]++;
	}
	closedir(d);
	return n;
}

/* ", +1 socket, -1 eventfd": how the kinds of fds differ from the
 * baseline's. */
static void kinds_diff(const struct cf_run *r, const int *kinds, char *buf,
		       size_t size)
{
	size_t n = 0;

	buf[0] = 0;
	for (int k = 0; k < CF_FD_KINDS && n < size; k++)
		if (kinds[k] != r->base_kinds[k])
			n += (size_t)snprintf(buf + n, size - n, ", %+d %s",
					      kinds[k] - r->base_kinds[k],
					      fd_kind_names[k]);
}

int cf_iut_memfd_maps(const struct cf_run *r)
{
	char path[64], line[512];
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)r->pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "/memfd:"))
			n++;
	fclose(f);
	return n;
}

uint64_t cf_iut_cpu_ticks(const struct cf_run *r)
{
	char path[64], buf[1024], *q;
	unsigned long ut = 0, st = 0;
	FILE *f;

	if (!r->pid)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)r->pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f) && (q = strrchr(buf, ')')))
		sscanf(q + 2,
		       "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
		       &ut, &st);
	fclose(f);
	return ut + st;
}

/* The reference state is what the IUT holds once it has been quiet for
 * CF_QUIET_MS, not what it holds the moment its first connection arrives.
 * An IUT may open an fd for good a moment after that: memif-perf connects
 * from inside memif_create_interface, then makes its error eventfd
 * (memif_get_interrupt_error_fd).  Sampled in between, the baseline lacked
 * it, and the first hostile check was blamed for it as a leak, or not,
 * depending on which thread won. */
void cf_iut_set_baseline(struct cf_run *r)
{
	uint64_t now = cf_now_ms(), end = now + CF_QUIET_MAX_MS;
	uint64_t quiet = now + CF_QUIET_MS;
	int fds, maps, f, m, kinds[CF_FD_KINDS];

	if (!r->pid)
		return;
	fds = cf_iut_fds(r, r->base_kinds);
	maps = cf_iut_memfd_maps(r);
	while ((now = cf_now_ms()) < quiet && now < end &&
	       cf_iut_alive(r)) {
		cf_sleep_ms(10);
		f = cf_iut_fds(r, kinds);
		m = cf_iut_memfd_maps(r);
		if (f != fds || m != maps ||
		    memcmp(kinds, r->base_kinds, sizeof(kinds))) {
			fds = f;
			maps = m;
			memcpy(r->base_kinds, kinds, sizeof(kinds));
			quiet = cf_now_ms() + CF_QUIET_MS;
		}
	}
	r->base_fds = fds;
	r->base_maps = maps;
}

bool cf_iut_at_baseline(struct cf_run *r, int wait_ms)
{
	uint64_t end = cf_now_ms() + (uint64_t)wait_ms;
	int fds = -1, maps = -1, kinds[CF_FD_KINDS];
	char diff[128];
	size_t n;

	if (!r->pid || r->base_fds < 0)
		return true;
	r->st.fd_checks++;
	for (;;) {
		if (!cf_iut_alive(r)) {
			cf_note(r, "the IUT process died");
			return false;
		}
		fds = cf_iut_fds(r, kinds);
		maps = cf_iut_memfd_maps(r);
		/* No fd at all, not even its socket: a process on its way
		 * out (its files are closed before it is a zombie), not an
		 * IUT that freed more than it had. */
		if (fds == 0) {
			if (cf_now_ms() >= end)
				break;
			cf_sleep_ms(10);
			continue;
		}
		if (fds == r->base_fds && maps == r->base_maps) {
			cf_note(r, "fds %d, memfd maps %d: at baseline", fds,
				maps);
			return true;
		}
		if (fds <= r->base_fds && maps <= r->base_maps) {
			/* An earlier check's leftovers went away. */
			cf_note(r,
				"fds %d, memfd maps %d: below the baseline "
				"(%d, %d), which is lowered",
				fds, maps, r->base_fds, r->base_maps);
			r->base_fds = fds;
			r->base_maps = maps;
			memcpy(r->base_kinds, kinds, sizeof(kinds));
			return true;
		}
		if (cf_now_ms() >= end || !cf_iut_alive(r))
			break;
		cf_sleep_ms(10);
	}
	if (fds <= 0 || !cf_iut_alive(r)) {
		cf_note(r, "the IUT process died");
		return false;
	}
	kinds_diff(r, kinds, diff, sizeof(diff));
	cf_note(r,
		"IUT holds %d fds (baseline %d%s%s) and %d memfd maps "
		"(baseline %d)",
		fds, r->base_fds, diff[0] ? ": " : "", diff[0] ? diff + 2 : "",
		maps, r->base_maps);
	/* Judge the next check by its own leaks, not by this one's. */
	if (fds >= 0 && maps >= 0) {
		r->base_fds = fds;
		r->base_maps = maps;
		memcpy(r->base_kinds, kinds, sizeof(kinds));
	}
	r->st.fd_leaks++;
	n = strlen(r->st.leak_ids);
	if (n + 24 < sizeof(r->st.leak_ids))
		snprintf(r->st.leak_ids + n, sizeof(r->st.leak_ids) - n, "%s%s",
			 n ? " " : "", r->cur ? r->cur->id : "?");
	return false;
}
