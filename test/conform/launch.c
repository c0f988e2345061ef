/* SPDX-License-Identifier: MIT */
/*
 * The implementation under test as memif-conform's own child (--iut): start
 * it, know when it is ready, notice how it ended, restart it.  Its stdin is
 * a FIFO we hold open read-write (it never sees EOF, and a --kick command
 * can type into it as {stdin}); its stdout and stderr go to one log, of
 * which each start's last lines are quoted when that start ends badly.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conform.h"

#define TERM_WAIT_MS 2000

/*
 * The IUT's process group while it runs, for the signal handler below: when
 * memif-conform is interrupted (Ctrl-C, a harness's SIGTERM) it takes the
 * IUT and whatever that started with it, instead of leaving them spinning
 * (a planted hang kept a cpu busy for 40 minutes that way).  SIGKILL of
 * memif-conform itself is covered by the child's PR_SET_PDEATHSIG.
 */
static volatile sig_atomic_t g_iut_pgid;

static void on_interrupt(int sig)
{
	pid_t pgid = (pid_t)g_iut_pgid;

	if (pgid > 0)
		kill(-pgid, SIGKILL);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Once per process: SIGINT, SIGTERM and SIGHUP end the IUT's group too. */
static void catch_interrupts(void)
{
	static bool done;
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = on_interrupt };
	size_t i;

	if (done)
		return;
	done = true;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* @in with {sock}, {id}, {stdin} and {pid} replaced; NULL when too long. */
static char *subst(const struct cf_run *r, const char *in)
{
	char *out = malloc(CF_CMD_LEN), val[sizeof(r->iut->dir) + 16];
	size_t o = 0, n;

	if (!out)
		return NULL;
	while (*in) {
		const char *v = NULL;

		if (!strncmp(in, "{sock}", 6)) {
			v = r->o->socket;
			in += 6;
		} else if (!strncmp(in, "{id}", 4)) {
			snprintf(val, sizeof(val), "%u", r->o->id);
			v = val;
			in += 4;
		} else if (!strncmp(in, "{stdin}", 7)) {
			snprintf(val, sizeof(val), "%s/stdin", r->iut->dir);
			v = val;
			in += 7;
		} else if (!strncmp(in, "{pid}", 5)) {
			snprintf(val, sizeof(val), "%d", (int)r->pid);
			v = val;
			in += 5;
		}
		n = v ? strlen(v) : 1;
		if (o + n >= CF_CMD_LEN) {
			free(out);
			return NULL;
		}
		if (v) {
			memcpy(out + o, v, n);
		} else {
			out[o] = *in++;
		}
		o += n;
	}
	out[o] = 0;
	return out;
}

char *cf_iut_subst(const struct cf_run *r, const char *in)
{
	return r->iut ? subst(r, in) : strdup(in);
}

int cf_iut_init(struct cf_run *r, struct cf_iut *iut)
{
	char path[sizeof(iut->dir) + 16];

	r->iut = iut;
	iut->in_fd = -1;
	iut->log_fd = -1;
	snprintf(iut->dir, sizeof(iut->dir), "/tmp/memif-conform-XXXXXX");
	if (!mkdtemp(iut->dir))
		return -errno;
	snprintf(path, sizeof(path), "%s/stdin", iut->dir);
	if (mkfifo(path, 0600) < 0)
		return -errno;
	/* Read-write: the open does not wait for a reader, and the IUT never
	 * reads EOF (some, like testpmd, exit on it). */
	iut->in_fd = open(path, O_RDWR | O_CLOEXEC);
	if (iut->in_fd < 0)
		return -errno;
	if (!iut->log_path) {
		snprintf(iut->own_log, sizeof(iut->own_log), "%s/log",
			 iut->dir);
		iut->log_path = iut->own_log;
	}
	/* A log of the tester's own is appended to (both roles of a run). */
	iut->log_fd = open(iut->log_path,
			   O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (iut->log_fd < 0)
		return -errno;
	return 0;
}

/* An IUT master is ready when its socket listens: /proc/net/unix shows it
 * without our connecting (a connection would be one more for it to see). */
static bool listening(const char *name)
{
	char line[512];
	FILE *f = fopen("/proc/net/unix", "re");
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned long flags;
		char path[256];

		/* Num RefCount Protocol Flags Type St Inode Path */
		if (sscanf(line, "%*s %*s %*s %lx %*s %*s %*s %255s", &flags,
			   path) == 2 &&
		    (flags & 0x10000) && !strcmp(path, name))
			found = true;
	}
	fclose(f);
	return found;
}

/* A file socket left by an IUT master that was killed refuses the next
 * one's bind: remove it when nobody listens on it. */
static void remove_stale_socket(const char *name)
{
	struct stat st;

	if (name[0] == '@' || stat(name, &st) < 0 || !S_ISSOCK(st.st_mode))
		return;
	if (!listening(name))
		unlink(name);
}

/* Input for the previous start that it never read (a --kick typed just
 * before it died) would be the new one's first commands: testpmd read
 * "port stop 0" and dropped the connection we had just accepted. */
static void drain_stdin(struct cf_iut *iut)
{
	struct pollfd pf = { .fd = iut->in_fd, .events = POLLIN };
	char buf[512];

	while (poll(&pf, 1, 0) == 1 && (pf.revents & POLLIN) &&
	       read(iut->in_fd, buf, sizeof(buf)) > 0)
		;
}

static void spawn(struct cf_run *r, const char *cmd)
{
	struct cf_iut *iut = r->iut;
	pid_t pid, parent;

	drain_stdin(iut);

	iut->log_start = lseek(iut->log_fd, 0, SEEK_END);
	dprintf(iut->log_fd, "--- memif-conform: IUT start %u: %s\n",
		iut->starts + 1, cmd);
	iut->log_start = lseek(iut->log_fd, 0, SEEK_END);
	catch_interrupts();
	parent = getpid();
	pid = fork();
	if (pid == 0) {
		/* Its own process group: a stop reaches its children too.
		 * It dies with us (sh -c execs a simple command, so this
		 * reaches the IUT itself).  No core files: a crash is
		 * reported, and a core of a DPDK process takes seconds to
		 * write. */
		setpgid(0, 0);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 ||
		    getppid() != parent)
			_exit(126);
		setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 });
		signal(SIGPIPE, SIG_DFL);
		if (dup2(iut->in_fd, 0) < 0 || dup2(iut->log_fd, 1) < 0 ||
		    dup2(iut->log_fd, 2) < 0)
			_exit(126);
		/* Nothing else from whoever ran us (a pipe of its shell, a
		 * test harness's fds): the IUT's fd baseline and what it
		 * holds open are its own. */
		if (close_range(3, ~0u, 0) < 0)
			for (int fd = 3; fd < 1024; fd++)
				close(fd);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	if (pid > 0) {
		setpgid(pid, pid); /* no race with the child's own call */
		g_iut_pgid = pid;
	}
	r->pid = pid > 0 ? pid : 0;
	iut->exited = pid < 0;
	iut->status = 0;
	iut->starts++;
	iut->fresh = true;
}

int cf_iut_start(struct cf_run *r)
{
	const char *tmpl = r->o->we_master ? r->o->iut_slave : r->o->iut_master;
	char *cmd = subst(r, tmpl), *full;
	uint64_t end;

	if (!cmd)
		return -E2BIG;
	/* exec: the pid we watch is the IUT's, not a shell's. */
	full = malloc(strlen(cmd) + 6);
	if (!full) {
		free(cmd);
		return -ENOMEM;
	}
	sprintf(full, "exec %s", cmd);
	free(cmd);
	if (!r->o->we_master) {
		/* The previous start's listener can outlive its process for
		 * a moment (an io_uring tears down in a kernel worker). */
		end = cf_now_ms() + CF_START_WAIT_MS;
		while (listening(r->o->socket) && cf_now_ms() < end)
			cf_sleep_ms(10);
		remove_stale_socket(r->o->socket);
	}
	if (r->o->we_master) {
		/* Connections still waiting on our listener came from the
		 * previous start, which is gone: the new one's first
		 * connection is not to be confused with them (a HELLO to a
		 * dead peer fails with EPIPE and sinks the next check). */
		int fd;

		while ((fd = cf_accept(r->lfd, 0)) >= 0)
			close(fd);
	}
	spawn(r, full);
	free(full);
	if (!r->pid)
		return -EAGAIN;
	/* An IUT slave is ready when it connects: cf_master_accept waits. */
	if (r->o->we_master)
		return 0;
	end = cf_now_ms() + CF_START_WAIT_MS;
	while (!listening(r->o->socket)) {
		if (!cf_iut_alive(r))
			return -ECHILD;
		if (cf_now_ms() >= end)
			return -ETIMEDOUT;
		cf_sleep_ms(20);
	}
	return 0;
}

bool cf_iut_reap(const struct cf_run *r)
{
	struct cf_iut *iut = r->iut;
	pid_t w;

	if (iut->exited)
		return true;
	do {
		w = waitpid(r->pid, &iut->status, WNOHANG);
	} while (w < 0 && errno == EINTR);
	if (w == r->pid || (w < 0 && errno == ECHILD))
		iut->exited = true;
	return iut->exited;
}

void cf_iut_how_ended(const struct cf_run *r, char *buf, size_t n)
{
	int st = r->iut->status;
	const char *abbrev = WIFSIGNALED(st) ? sigabbrev_np(WTERMSIG(st)) : NULL;

	if (WIFSIGNALED(st))
		snprintf(buf, n, "crashed (%s%s)", abbrev ? "SIG" : "signal ",
			 abbrev ? abbrev : "?");
	else if (WIFEXITED(st))
		snprintf(buf, n, "exited with status %d", WEXITSTATUS(st));
	else
		snprintf(buf, n, "ended (wait status 0x%x)", st);
}

void cf_iut_stop(struct cf_run *r)
{
	struct cf_iut *iut = r->iut;
	uint64_t end;

	if (!r->pid)
		return;
	if (!cf_iut_reap(r)) {
		kill(-r->pid, SIGTERM);
		end = cf_now_ms() + TERM_WAIT_MS;
		while (!cf_iut_reap(r) && cf_now_ms() < end)
			cf_sleep_ms(10);
		if (!iut->exited) {
			kill(-r->pid, SIGKILL);
			while (waitpid(r->pid, &iut->status, 0) < 0 &&
			       errno == EINTR)
				;
			iut->exited = true;
		}
	}
	/* Whatever it left behind in its group goes too. */
	kill(-r->pid, SIGKILL);
	g_iut_pgid = 0;
}

void cf_iut_tail(const struct cf_run *r, char *buf, size_t n, unsigned lines)
{
	const struct cf_iut *iut = r->iut;
	char chunk[4096];
	off_t end = lseek(iut->log_fd, 0, SEEK_END), from;
	ssize_t got;
	char *p;
	int fd;

	buf[0] = 0;
	from = end - (off_t)sizeof(chunk) + 1;
	if (from < iut->log_start)
		from = iut->log_start;
	fd = open(iut->log_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	got = pread(fd, chunk, (size_t)(end - from), from);
	close(fd);
	if (got <= 0)
		return;
	chunk[got] = 0;
	while (got > 0 && chunk[got - 1] == '\n')
		chunk[--got] = 0;
	/* Back up @lines newlines from the end. */
	p = chunk + got;
	while (p > chunk && lines) {
		p--;
		if (*p == '\n' && !--lines)
			p++;
	}
	snprintf(buf, n, "%s", p);
	/* One line in the report: non-printing bytes become '?'. */
	for (p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\n')
			*p = '?';
}

void cf_iut_cleanup(struct cf_run *r)
{
	struct cf_iut *iut = r->iut;
	char path[sizeof(iut->dir) + 16];

	if (!iut)
		return;
	cf_iut_stop(r);
	if (iut->in_fd >= 0)
		close(iut->in_fd);
	if (iut->log_fd >= 0)
		close(iut->log_fd);
	snprintf(path, sizeof(path), "%s/stdin", iut->dir);
	unlink(path);
	if (iut->log_path == iut->own_log)
		unlink(iut->own_log);
	rmdir(iut->dir);
	r->iut = NULL;
}
