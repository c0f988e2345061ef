/* SPDX-License-Identifier: MIT */
/*
 * AF_UNIX SEQPACKET sockets: addresses (path or '@abstract'), listeners
 * shared by path with the stale-file probe, accept, and sending one
 * 128-byte message with at most one fd.
 */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

int memif__socket_addr(const char *name, struct sockaddr_un *addr,
		       socklen_t *len, bool *abstract)
{
	size_t n;

	if (!name || !name[0])
		name = MEMIF_DEFAULT_SOCKET;
	n = strlen(name);
	if (n >= sizeof(addr->sun_path))
		return -EINVAL;
	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	if (name[0] == '@') {
		/* Abstract: NUL + name, and the length counts no trailing NUL
		 * (as VPP, DPDK and libmemif count it), so "@foo" is the same name everywhere. */
		if (n < 2)
			return -EINVAL;
		memcpy(addr->sun_path + 1, name + 1, n - 1);
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
		*abstract = true;
	} else {
		memcpy(addr->sun_path, name, n);
		*len = (socklen_t)sizeof(*addr);
		*abstract = false;
	}
	return 0;
}

/* Is something listening on @addr?  Used before replacing a socket file.
 * Only a refused connection proves a stale file: a listener of another
 * socket type answers EPROTOTYPE, one we may not reach EACCES, and their
 * files are not ours to take. */
static bool live_listener(const struct sockaddr_un *addr, socklen_t len)
{
	int fd = memif__os_socket();
	bool live;

	if (fd < 0)
		return true; /* cannot tell: do not steal */
	live = connect(fd, (const struct sockaddr *)addr, len) == 0 ||
	       (errno != ECONNREFUSED && errno != ENOENT);
	memif__os_close(fd);
	return live;
}

static int listener_open(struct memif__socket *s,
			 const struct memif_config *cfg)
{
	mode_t mode = cfg->socket_mode ? cfg->socket_mode : 0660;
	struct stat st;
	int fd, one = 1, ret;

	fd = memif__os_socket();
	if (fd < 0)
		return fd;
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0)
		goto out_errno;
	if (!s->abstract && lstat(s->addr.sun_path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			ret = -ENOTSOCK;
			goto out_close;
		}
		if (live_listener(&s->addr, s->addrlen)) {
			ret = -EADDRINUSE;
			goto out_close;
		}
		/* Stale file from a previous run: nothing answers on it. */
		if (unlink(s->addr.sun_path) < 0 && errno != ENOENT)
			goto out_errno;
	}
	if (bind(fd, (struct sockaddr *)&s->addr, s->addrlen) < 0)
		goto out_errno;
	if (!s->abstract) {
		s->created_file = true;
		if (chmod(s->addr.sun_path, mode) < 0)
			goto out_unlink;
		/* -1 (MEMIF_OWNER_UNCHANGED) is chown's own "unchanged". */
		if (cfg->set_socket_owner &&
		    chown(s->addr.sun_path, (uid_t)cfg->socket_uid,
			  (gid_t)cfg->socket_gid) < 0)
			goto out_unlink;
		if (stat(s->addr.sun_path, &st) == 0) {
			s->file_dev = st.st_dev;
			s->file_ino = st.st_ino;
		}
	}
	/* As deep as the kernel allows (net.core.somaxconn): a slave that
	 * finds the backlog full is refused and waits its reconnect
	 * interval, so a burst of hundreds of slaves would come in waves. */
	if (listen(fd, SOMAXCONN) < 0)
		goto out_unlink;
	s->fd = fd;
	return 0;

out_unlink:
	ret = -errno;
	if (!s->abstract)
		unlink(s->addr.sun_path);
	s->created_file = false;
	goto out_close;
out_errno:
	ret = -errno;
out_close:
	memif__os_close(fd);
	return ret;
}

static void listener_arm(struct memif__ctx *c, struct memif__socket *s)
{
	struct io_uring_sqe *sqe = memif__sqe(c);

	if (!sqe)
		return;
	io_uring_prep_poll_multishot(sqe, s->fd, POLLIN);
	io_uring_sqe_set_data64(sqe, memif__op_pack(MEMIF__OP_LISTEN, 0,
						    memif__obj_gen(c, s->slot),
						    s->slot));
	memif__loop_submit(c);
}

/* ---- the socket's master interfaces, by id ------------------------------ */

static uint32_t id_hash(uint32_t id, uint32_t cap)
{
	return (id * 2654435761u) & (cap - 1);
}

struct memif *memif__socket_find(struct memif__socket *s, uint32_t id)
{
	struct memif *m;

	if (!s->by_id_cap)
		return NULL;
	for (m = s->by_id[id_hash(id, s->by_id_cap)]; m; m = m->sock.id_next)
		if (m->cfg.id == id)
			return m;
	return NULL;
}

/* Chains stay short: the table doubles when it is as full as it is long. */
static int id_insert(struct memif__socket *s, struct memif *m)
{
	uint32_t i;

	if (s->by_id_n >= s->by_id_cap) {
		uint32_t cap = s->by_id_cap ? s->by_id_cap * 2 : 16;
		struct memif **t = calloc(cap, sizeof(*t));

		if (!t)
			return -ENOMEM;
		for (i = 0; i < s->by_id_cap; i++)
			while (s->by_id[i]) {
				struct memif *o = s->by_id[i];

				s->by_id[i] = o->sock.id_next;
				o->sock.id_next = t[id_hash(o->cfg.id, cap)];
				t[id_hash(o->cfg.id, cap)] = o;
			}
		free(s->by_id);
		s->by_id = t;
		s->by_id_cap = cap;
	}
	i = id_hash(m->cfg.id, s->by_id_cap);
	m->sock.id_next = s->by_id[i];
	s->by_id[i] = m;
	s->by_id_n++;
	if (!s->handshake_ms || m->cfg.handshake_ms < s->handshake_ms)
		s->handshake_ms = m->cfg.handshake_ms;
	return 0;
}

void memif__socket_unbind(struct memif__socket *s, struct memif *m)
{
	struct memif **pp;

	if (!s->by_id_cap)
		return;
	for (pp = &s->by_id[id_hash(m->cfg.id, s->by_id_cap)]; *pp;
	     pp = &(*pp)->sock.id_next)
		if (*pp == m) {
			*pp = m->sock.id_next;
			s->by_id_n--;
			/* Maybe the shortest timeout went: found again when
			 * next needed (memif__conn_set_unbound_deadline). */
			if (m->cfg.handshake_ms <= s->handshake_ms)
				s->handshake_ms = 0;
			return;
		}
}

int memif__socket_get(struct memif__ctx *c, struct memif *m,
		      const struct memif_config *cfg)
{
	struct memif__socket *s;
	int ret;

	for (s = c->sockets; s; s = s->next)
		if (!strcmp(s->name, m->cfg.sock_name))
			break;
	if (s) {
		if (memif__socket_find(s, m->cfg.id))
			return -EEXIST;
		if (id_insert(s, m) < 0)
			return -ENOMEM;
		s->refs++;
		m->sock.listener = s;
		return 0;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	strcpy(s->name, m->cfg.sock_name);
	s->fd = -1;
	ret = memif__socket_addr(s->name, &s->addr, &s->addrlen, &s->abstract);
	if (ret == 0)
		ret = listener_open(s, cfg);
	if (ret < 0) {
		free(s);
		return ret;
	}
	s->slot = memif__obj_add(c, s);
	if (s->slot == UINT32_MAX) {
		memif__socket_put(c, s);
		return -ENOMEM;
	}
	if (id_insert(s, m) < 0) {
		memif__socket_put(c, s);
		return -ENOMEM;
	}
	s->refs = 1;
	s->next = c->sockets;
	c->sockets = s;
	m->sock.listener = s;
	listener_arm(c, s);
	return 0;
}

void memif__socket_put(struct memif__ctx *c, struct memif__socket *s)
{
	struct memif__socket **pp;
	struct stat st;

	if (--s->refs > 0)
		return;
	for (pp = &c->sockets; *pp; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	/* Connections still waiting for INIT have nothing left to bind to
	 * (each kill takes it off the list). */
	while (s->pending)
		memif__conn_kill(c, s->pending);
	if (s->slot != UINT32_MAX && s->slot != 0) {
		memif__loop_cancel(c, memif__op_pack(MEMIF__OP_LISTEN, 0,
						     memif__obj_gen(c, s->slot),
						     s->slot));
		memif__obj_del(c, s->slot);
	}
	/* Unlink only the file we created, not a successor's. */
	if (s->created_file && stat(s->addr.sun_path, &st) == 0 &&
	    st.st_dev == s->file_dev && st.st_ino == s->file_ino)
		unlink(s->addr.sun_path);
	memif__os_close(s->fd);
	free(s->by_id);
	free(s);
}

/* Accepted on @s, not yet bound by INIT: counted against the cap and
 * listed newest first, so that the cap looks at these and not at every
 * connection of the process. */
static void pending_add(struct memif__socket *s, struct memif__conn *cn)
{
	cn->pend_next = s->pending;
	if (s->pending)
		s->pending->pend_pprev = &cn->pend_next;
	cn->pend_pprev = &s->pending;
	s->pending = cn;
	s->n_pending++;
}

/* Bound by INIT, or dead: off its socket's list (no-op when not on it). */
void memif__socket_pending_del(struct memif__conn *cn)
{
	if (!cn->pend_pprev)
		return;
	*cn->pend_pprev = cn->pend_next;
	if (cn->pend_next)
		cn->pend_next->pend_pprev = cn->pend_pprev;
	cn->pend_next = NULL;
	cn->pend_pprev = NULL;
	cn->sock->n_pending--;
}

/* An unauthenticated connection that has said nothing yet.  One whose
 * INIT (or anything) is queued is talking: the loop reads it next. */
static bool conn_idle(const struct memif__conn *cn)
{
	struct pollfd p = { .fd = cn->fd, .events = POLLIN };

	return poll(&p, 1, 0) == 0;
}

/*
 * At the cap of unauthenticated connections the oldest idle one goes, not
 * the newcomer: idle connections can delay a good slave, never lock it
 * out.  Idle means silent for MEMIF__IDLE_GRACE_NS since its HELLO: a good
 * slave answers at once, but a burst of them is accepted faster than they
 * answer.  When no connection is idle yet, none is dropped and the backlog
 * waits in the kernel until the talking ones have been read or the
 * earliest silent one has had its grace (*@retry_at, 0 for the first).
 * New connections are at the head of s->pending, so the oldest is the
 * last.
 */
static bool evict_oldest_idle(struct memif__ctx *c, struct memif__socket *s,
			      uint64_t *retry_at)
{
	struct memif__conn *cn, *oldest = NULL;
	uint64_t now = memif__now_ns();

	*retry_at = 0;
	for (cn = s->pending; cn; cn = cn->pend_next) {
		if (!conn_idle(cn))
			continue;
		if (now - cn->born_ns >= MEMIF__IDLE_GRACE_NS)
			oldest = cn;
		else if (!*retry_at ||
			 cn->born_ns + MEMIF__IDLE_GRACE_NS < *retry_at)
			*retry_at = cn->born_ns + MEMIF__IDLE_GRACE_NS;
	}
	if (!oldest)
		return false;
	memif__log(MEMIF_LOG_WARN, NULL, -1, MEMIF_ERR_AGAIN,
		   "%s: %d connections have not sent INIT: dropping the "
		   "oldest idle one",
		   s->name, s->n_pending);
	memif__conn_kill(c, oldest);
	return true;
}

void memif__socket_accept(struct memif__ctx *c, struct memif__socket *s)
{
	struct memif__conn *cn;
	int fd, i;

	/* The poll fires once per wakeup, not once per queued connection:
	 * drain the backlog, but at most 64 per pass so a connect storm
	 * cannot starve the loop; the rest is taken on the next pass. */
	s->accept_more = false;
	s->accept_at_ns = 0;
	for (i = 0;; i++) {
		if (i == 64) {
			s->accept_more = true;
			memif__loop_wake(c);
			return;
		}
		if (s->n_pending >= MEMIF__MAX_PENDING &&
		    !evict_oldest_idle(c, s, &s->accept_at_ns)) {
			memif__timer_note(c, s->accept_at_ns);
			/* Their INITs complete first; then we go on. */
			s->accept_more = true;
			return;
		}
		fd = memif__os_accept(s->fd);
		if (fd < 0) {
			if (fd != -EAGAIN)
				memif__log(MEMIF_LOG_WARN, NULL, -1,
					   memif__err_from_errno(fd),
					   "accept on %s: %s", s->name,
					   strerror(-fd));
			return;
		}
		cn = memif__conn_new(c, fd, true);
		if (!cn) {
			memif__os_close(fd);
			return;
		}
		cn->sock = s;
		pending_add(s, cn);
		memif__conn_set_unbound_deadline(c, cn);
		if (memif__conn_send_hello(c, cn) < 0) {
			memif__conn_kill(c, cn);
			continue;
		}
		memif__conn_arm_recv(c, cn);
	}
}

int memif__send_msg(int fd, const struct memif_msg *msg, int pass_fd)
{
	union {
		size_t align; /* cmsghdr alignment */
		uint8_t buf[CMSG_SPACE(sizeof(int))];
	} cbuf;
	struct iovec iov = { .iov_base = (void *)msg,
			     .iov_len = MEMIF_MSG_SIZE };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	int ret;

	if (pass_fd >= 0) {
		memset(&cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf.buf;
		mh.msg_controllen = sizeof(cbuf.buf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &pass_fd, sizeof(int));
	}
	ret = memif__os_sendmsg(fd, &mh);
	if (ret < 0)
		return ret;
	return ret == MEMIF_MSG_SIZE ? 0 : -EMSGSIZE;
}
