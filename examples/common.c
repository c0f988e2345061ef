/* SPDX-License-Identifier: MIT */
/*
 * Shared example helpers: argv parsing, SIGINT/SIGTERM through a signalfd
 * and the main waiting loop, per-queue worker threads tied to
 * on_connect/on_disconnect, printing, and the hand-written ARP/IPv4/ICMP
 * responder that icmp-responder and packet-handle both use.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

pthread_mutex_t ex_print_lock = PTHREAD_MUTEX_INITIALIZER;

static int sig_fd = -1;
static int kick_fd = -1;

/* ---- options ------------------------------------------------------------ */

static void usage(FILE *f, const char *prog, const char *about,
		  const struct ex_opt *opts, size_t n)
{
	size_t i;

	fprintf(f, "usage: %s [options]\n\n%s\n\noptions:\n", prog, about);
	for (i = 0; i < n; i++) {
		char left[48];

		snprintf(left, sizeof(left), "--%s%s%s", opts[i].name,
			 opts[i].metavar ? " " : "",
			 opts[i].metavar ? opts[i].metavar : "");
		fprintf(f, "  %-24s %s", left, opts[i].help);
		if (opts[i].kind == EX_OPT_STRING && *(char **)opts[i].dst &&
		    !strstr(opts[i].help, "default"))
			fprintf(f, " (default %s)", *(char **)opts[i].dst);
		fputc('\n', f);
	}
	fprintf(f, "  %-24s %s\n", "--help", "show this text");
	fprintf(f, "  %-24s %s\n", "--version", "print the library version");
	fprintf(f, "\nOptions may be written -name or --name; "
		   "values as --name VALUE or --name=VALUE.\n");
}

static bool set_value(const struct ex_opt *o, const char *v)
{
	char *end;

	switch (o->kind) {
	case EX_OPT_STRING:
		*(const char **)o->dst = v;
		return true;
	case EX_OPT_ULONG: {
		unsigned long u;

		if (*v == '-')
			return false;
		errno = 0;
		u = strtoul(v, &end, 0);
		if (errno || end == v || *end)
			return false;
		*(unsigned long *)o->dst = u;
		return true;
	}
	case EX_OPT_DOUBLE: {
		double d;

		errno = 0;
		d = strtod(v, &end);
		if (errno || end == v || *end || !(d >= 0))
			return false;
		*(double *)o->dst = d;
		return true;
	}
	case EX_OPT_FLAG:
		break;
	}
	return false;
}

void ex_parse_args(int argc, char **argv, const char *about,
		   const struct ex_opt *opts, size_t n)
{
	const char *prog = argc > 0 ? argv[0] : "example";
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL, *eq;
		const struct ex_opt *o = NULL;
		size_t len, k;

		if (a[0] != '-' || !a[1])
			goto out_bad;
		a += a[1] == '-' ? 2 : 1;
		eq = strchr(a, '=');
		len = eq ? (size_t)(eq - a) : strlen(a);
		if (len == 4 && !strncmp(a, "help", 4)) {
			usage(stdout, prog, about, opts, n);
			exit(0);
		}
		if (len == 7 && !strncmp(a, "version", 7)) {
			printf("%s (memif-native %s)\n", prog, memif_version());
			exit(0);
		}
		for (k = 0; k < n; k++) {
			if (strlen(opts[k].name) == len &&
			    !strncmp(opts[k].name, a, len)) {
				o = &opts[k];
				break;
			}
		}
		if (!o)
			goto out_bad;
		if (o->kind == EX_OPT_FLAG) {
			if (eq)
				goto out_bad;
			*(bool *)o->dst = true;
			continue;
		}
		if (eq)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		else
			goto out_bad;
		if (!set_value(o, val)) {
			fprintf(stderr, "%s: bad value '%s' for --%s\n", prog,
				val, o->name);
			exit(2);
		}
	}
	return;

out_bad:
	fprintf(stderr, "%s: bad option '%s'\n\n", prog, argv[i]);
	usage(stderr, prog, about, opts, n);
	exit(2);
}

void ex_apply_common(struct ex_common *c, struct memif_config *cfg)
{
	cfg->is_master = !c->slave;
	cfg->socket_filename = c->socket;
	cfg->allow_unsealed_regions = c->allow_unsealed;
	/* the library's defaults for zero fields (memif.h) */
	c->asked_rx = cfg->num_rx_queues ? cfg->num_rx_queues : 1;
	c->asked_tx = cfg->num_tx_queues ? cfg->num_tx_queues : 1;
	c->asked_ring = 1u << (cfg->log2_ring_size ? cfg->log2_ring_size : 10);
	c->asked_buffer = cfg->buffer_size ? cfg->buffer_size : 2048;
}

bool ex_parse_ip(const char *s, uint8_t ip[4])
{
	unsigned a, b, c, d;
	char tail;

	if (sscanf(s, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4 || a > 255 ||
	    b > 255 || c > 255 || d > 255)
		return false;
	ip[0] = a;
	ip[1] = b;
	ip[2] = c;
	ip[3] = d;
	return true;
}

bool ex_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	char tail;
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3], &v[4],
		   &v[5], &tail) != 6)
		return false;
	for (i = 0; i < 6; i++) {
		if (v[i] > 255)
			return false;
		mac[i] = v[i];
	}
	return true;
}

/* ---- signals and waiting ------------------------------------------------ */

bool ex_setup(void)
{
	sigset_t set;

	/* The library writes to sockets the peer may close. */
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* Blocked signals are queued even when ignored (a shell starts
	 * background jobs with SIGINT ignored), so the signalfd sees them. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL))
		return false;
	sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	return sig_fd >= 0 && kick_fd >= 0;
}

double ex_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void ex_kick(void)
{
	uint64_t one = 1;

	if (write(kick_fd, &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is saturated, ex_wait wakes anyway */
	}
}

static void drain_errors(struct memif *m)
{
	static double last_time;
	static int last = MEMIF_OK;
	int code;

	while (memif_read_interrupt_error(m, &code) == MEMIF_OK) {
		/* A slave waiting for its master reports every retry: say so
		 * again only every 30 s. */
		if (code == last && ex_now() - last_time < 30)
			continue;
		last = code;
		last_time = ex_now();
		pthread_mutex_lock(&ex_print_lock);
		printf("memif reported: %s (%d)\n", memif_strerror(code), code);
		pthread_mutex_unlock(&ex_print_lock);
	}
}

enum ex_wake ex_wait(struct memif *m, double until)
{
	struct pollfd p[3];
	int err_fd = -1, np = 2;

	if (m && memif_get_interrupt_error_fd(m, &err_fd) == MEMIF_OK)
		np = 3;
	p[0] = (struct pollfd){ .fd = sig_fd, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = kick_fd, .events = POLLIN };
	p[2] = (struct pollfd){ .fd = err_fd, .events = POLLIN };

	for (;;) {
		int timeout = -1, r;

		if (until > 0) {
			double left = until - ex_now();

			if (left <= 0)
				return EX_WAKE_TIMEOUT;
			timeout = (int)(left * 1000) + 1;
		}
		r = poll(p, np, timeout);
		if (r < 0 && errno != EINTR)
			return EX_WAKE_SIGNAL;
		if (r <= 0)
			continue;
		if (p[0].revents) {
			struct signalfd_siginfo si;

			if (read(sig_fd, &si, sizeof(si)) == sizeof(si)) {
				pthread_mutex_lock(&ex_print_lock);
				printf("\n%s received, closing\n",
				       strsignal(si.ssi_signo));
				pthread_mutex_unlock(&ex_print_lock);
			}
			return EX_WAKE_SIGNAL;
		}
		if (np == 3 && p[2].revents)
			drain_errors(m);
		if (p[1].revents) {
			uint64_t v;

			if (read(kick_fd, &v, sizeof(v)) < 0) {
				/* EAGAIN: raced with another reader */
			}
			return EX_WAKE_KICK;
		}
	}
}

void ex_done(int *done)
{
	if (!__atomic_load_n(done, __ATOMIC_RELAXED) &&
	    !__atomic_exchange_n(done, 1, __ATOMIC_RELAXED))
		ex_kick();
}

int ex_run(struct memif *m, const struct ex_common *c, const int *done,
	   const struct ex_workers *ws)
{
	double until = 0, linger = 0;

	if (c->duration > 0)
		until = ex_now() + c->duration;
	for (;;) {
		double t = until;
		enum ex_wake wake;

		if (linger && (!t || linger < t))
			t = linger;
		wake = ex_wait(m, t);
		if (wake == EX_WAKE_SIGNAL)
			return 0;
		if (wake == EX_WAKE_TIMEOUT) {
			if (linger)
				return 0;
			if (c->count &&
			    !__atomic_load_n(done, __ATOMIC_RELAXED)) {
				printf("--duration ended before --count was "
				       "reached\n");
				return 1;
			}
			return 0;
		}
		if (__atomic_load_n(done, __ATOMIC_RELAXED) && !linger) {
			printf("--count reached\n");
			linger = ex_now() + 1.0;
		}
		if (linger &&
		    !__atomic_load_n(&ws->connected, __ATOMIC_RELAXED))
			return 0;
	}
}

/* ---- workers ------------------------------------------------------------ */

bool ex_workers_init(struct ex_workers *ws)
{
	memset(ws, 0, sizeof(*ws));
	ws->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	return ws->stop_fd >= 0;
}

void ex_workers_destroy(struct ex_workers *ws)
{
	if (ws->stop_fd >= 0)
		close(ws->stop_fd);
	ws->stop_fd = -1;
}

int ex_workers_start(struct ex_workers *ws, struct memif *m, void *app,
		     void *(*fn)(void *), enum ex_queues which)
{
	struct memif_details *d;
	unsigned i, n, rx, tx;
	int err;

	d = malloc(sizeof(*d));
	if (!d)
		return MEMIF_ERR_NOMEM;
	err = memif_get_details(m, d);
	if (err)
		goto out_free;
	rx = d->num_rx_queues;
	tx = d->num_tx_queues;
	ws->num_rx = d->num_rx_queues;
	ws->num_tx = d->num_tx_queues;
	switch (which) {
	case EX_Q_RX:
		n = rx;
		break;
	case EX_Q_BOTH:
		n = rx < tx ? rx : tx;
		break;
	default:
		n = rx > tx ? rx : tx;
		break;
	}
	for (i = 0; i < n; i++) {
		struct ex_worker *w = &ws->w[i];

		*w = (struct ex_worker){ .ws = ws,
					 .m = m,
					 .idx = i,
					 .num_rx = d->num_rx_queues,
					 .num_tx = d->num_tx_queues,
					 .rx_fd = -1,
					 .stop_fd = ws->stop_fd,
					 .app = app };
		if (i < d->num_rx_queues) {
			err = memif_get_queue_interrupt_fd(m, i, &w->rx_fd);
			if (err)
				goto out_free;
		}
	}
	ws->n = 0;
	ws->running = true;
	for (i = 0; i < n; i++) {
		if (pthread_create(&ws->tid[i], NULL, fn, &ws->w[i])) {
			err = MEMIF_ERR_NOMEM;
			break;
		}
		ws->n++;
	}
out_free:
	free(d);
	if (err) {
		ex_perror("starting queue threads", err);
		return err;
	}
	__atomic_store_n(&ws->connected, 1, __ATOMIC_RELAXED);
	ex_kick();
	return MEMIF_OK;
}

void ex_workers_stop(struct ex_workers *ws)
{
	uint64_t v = 1;
	unsigned i;

	if (ws->running) {
		if (write(ws->stop_fd, &v, sizeof(v)) < 0)
			perror("eventfd write");
		for (i = 0; i < ws->n; i++)
			pthread_join(ws->tid[i], NULL);
		if (read(ws->stop_fd, &v, sizeof(v)) < 0)
			perror("eventfd read");
		ws->n = 0;
		ws->running = false;
	}
	__atomic_store_n(&ws->connected, 0, __ATOMIC_RELAXED);
	ex_kick();
}

int ex_worker_pause(struct ex_worker *w, int timeout_ms)
{
	struct pollfd p = { .fd = w->stop_fd, .events = POLLIN };
	int r;

	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	return r == 0 ? 0 : -1;
}

bool ex_worker_stopping(struct ex_worker *w)
{
	return ex_worker_pause(w, 0) < 0;
}

int ex_worker_wait(struct ex_worker *w, int timeout_ms)
{
	struct pollfd p[2] = {
		{ .fd = w->stop_fd, .events = POLLIN },
		{ .fd = w->rx_fd, .events = POLLIN },
	};
	int r;

	do
		r = poll(p, w->rx_fd >= 0 ? 2 : 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r < 0 || p[0].revents)
		return -1;
	return r > 0;
}

unsigned ex_tx_all(struct ex_worker *w, uint8_t qid,
		   const struct memif_tx_pkt *pkts, unsigned n, int max_wait_ms,
		   int *err)
{
	unsigned sent = 0;
	int waited = 0;

	*err = MEMIF_OK;
	while (sent < n) {
		uint16_t chunk = n - sent > 256 ? 256 : n - sent, k = 0;

		*err = memif_tx_burst(w->m, qid, pkts + sent, chunk, &k);
		sent += k;
		if (*err)
			break;
		if (k)
			continue;
		/* ring full: the peer has not caught up yet */
		if (waited++ >= max_wait_ms || ex_worker_stopping(w)) {
			*err = MEMIF_ERR_NOBUF_RING;
			break;
		}
		usleep(1000);
	}
	return sent;
}

/* ---- printing ----------------------------------------------------------- */

void ex_perror(const char *what, int err)
{
	fprintf(stderr, "%s: %s (%d)\n", what, memif_strerror(err), err);
	if (err == MEMIF_ERR_SYSCALL)
		fprintf(stderr, "  errno: %s\n", strerror(memif_errno()));
}

/* The negotiated shape, and how it differs from what we asked for. */
static void print_negotiated(const struct memif_details *d,
			     const struct ex_common *c)
{
	const struct memif_queue_details *q =
		d->num_rx_queues ? &d->rx_queues[0] : &d->tx_queues[0];

	printf("  negotiated: %u rx / %u tx queues, ring %u slots, buffer %u "
	       "(%s %u / %u, ring %u, buffer %u%s)\n",
	       d->num_rx_queues, d->num_tx_queues, q->ring_size, q->buffer_size,
	       d->is_master ? "configured" : "asked for", c->asked_rx,
	       c->asked_tx, c->asked_ring, c->asked_buffer,
	       d->is_master ? "; the slave decides" : "");
	if (!d->is_master && (d->num_rx_queues < c->asked_rx ||
			      d->num_tx_queues < c->asked_tx)) {
		if (c->asked_rx == c->asked_tx)
			printf("  asked for %u queue pairs, the peer granted "
			       "%u rx / %u tx\n",
			       c->asked_rx, d->num_rx_queues, d->num_tx_queues);
		else
			printf("  asked for %u rx / %u tx queues, the peer "
			       "granted %u rx / %u tx\n",
			       c->asked_rx, c->asked_tx, d->num_rx_queues,
			       d->num_tx_queues);
	}
	if (d->is_master && (d->num_rx_queues != c->asked_rx ||
			     d->num_tx_queues != c->asked_tx))
		printf("  the slave asked for %u rx / %u tx queues: serving "
		       "those\n",
		       d->num_rx_queues, d->num_tx_queues);
}

void ex_print_details(struct memif *m, const struct ex_common *c)
{
	struct memif_details *d = malloc(sizeof(*d));
	int i, err;

	if (!d)
		return;
	err = memif_get_details(m, d);
	if (err) {
		ex_perror("memif_get_details", err);
		free(d);
		return;
	}
	pthread_mutex_lock(&ex_print_lock);
	printf("%s: connected as %s to %s/%s\n", d->if_name,
	       d->is_master ? "master" : "slave", d->remote_instance_name,
	       d->remote_if_name);
	printf("  app %s, instance %s, id %u, socket %s, mode %s\n",
	       d->app_name, d->instance_name, d->conn_id, d->socket_filename,
	       d->mode == MEMIF_IF_MODE_ETHERNET ? "ethernet" :
	       d->mode == MEMIF_IF_MODE_IP	 ? "ip" :
						   "punt/inject");
	print_negotiated(d, c);
	for (i = 0; i < d->num_rx_queues; i++)
		printf("  rx queue %u: ring %u slots, buffer %u, region %u\n",
		       d->rx_queues[i].queue_id, d->rx_queues[i].ring_size,
		       d->rx_queues[i].buffer_size, d->rx_queues[i].region);
	for (i = 0; i < d->num_tx_queues; i++)
		printf("  tx queue %u: ring %u slots, buffer %u, region %u\n",
		       d->tx_queues[i].queue_id, d->tx_queues[i].ring_size,
		       d->tx_queues[i].buffer_size, d->tx_queues[i].region);
	pthread_mutex_unlock(&ex_print_lock);
	free(d);
}

void ex_hexdump(FILE *f, const void *data, size_t len, size_t max)
{
	const uint8_t *p = data;
	size_t off, i, n = len < max ? len : max;

	for (off = 0; off < n; off += 16) {
		fprintf(f, "    %04zx ", off);
		for (i = 0; i < 16; i++) {
			if (off + i < n)
				fprintf(f, " %02x", p[off + i]);
			else
				fputs("   ", f);
		}
		fputs("  ", f);
		for (i = 0; i < 16 && off + i < n; i++) {
			uint8_t c = p[off + i];

			fputc(c >= 0x20 && c < 0x7f ? c : '.', f);
		}
		fputc('\n', f);
	}
	if (n < len)
		fprintf(f, "    ... %zu more bytes\n", len - n);
}

/* ---- ARP / IPv4 / ICMP ---------------------------------------------------- */

#define ETH_HLEN 14
#define ETYPE_IPV4 0x0800
#define ETYPE_ARP 0x0806
#define ARP_LEN 28
#define IP_MIN_HLEN 20
#define ICMP_HLEN 8

static const char *const ignore_text[EX_IGN_NUM] = {
	[EX_IGN_SHORT] = "frames shorter than an Ethernet header",
	[EX_IGN_MAC] = "frames for another MAC address",
	[EX_IGN_ETHERTYPE] = "frames that are neither ARP nor IPv4",
	[EX_IGN_ARP_BAD] = "malformed or non-Ethernet/IPv4 ARP",
	[EX_IGN_ARP_OP] = "ARP other than requests",
	[EX_IGN_ARP_OTHER] = "ARP requests for other addresses",
	[EX_IGN_IP_BAD] = "malformed IPv4 (length, version, IHL or checksum)",
	[EX_IGN_IP_OTHER] = "IPv4 for other addresses",
	[EX_IGN_IP_FRAG] = "IPv4 fragments",
	[EX_IGN_IP_PROTO] = "IPv4 other than ICMP",
	[EX_IGN_ICMP_BAD] = "malformed ICMP (length or checksum)",
	[EX_IGN_ICMP_TYPE] = "ICMP other than echo requests",
};

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

uint16_t ex_csum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (; len > 1; p += 2, len -= 2)
		sum += get16(p);
	if (len)
		sum += p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t ignore(struct ex_responder *r, unsigned qid, enum ex_ignore why,
		       const uint8_t *in, uint32_t len)
{
	__atomic_add_fetch(&r->ignored[why], 1, __ATOMIC_RELAXED);
	if (!__atomic_exchange_n(&r->reported[why], 1, __ATOMIC_RELAXED)) {
		pthread_mutex_lock(&ex_print_lock);
		printf("q%u: ignoring %s (%u bytes; said once, counted "
		       "from now on)\n",
		       qid, ignore_text[why], len);
		pthread_mutex_unlock(&ex_print_lock);
	}
	return 0;
}

static void fmt_ip(char *b, size_t n, const uint8_t *ip)
{
	snprintf(b, n, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
}

static uint32_t arp_reply(struct ex_responder *r, unsigned qid,
			  const uint8_t *in, uint32_t len, uint8_t *out)
{
	const uint8_t *a = in + ETH_HLEN;
	char who[16];

	if (len < ETH_HLEN + ARP_LEN || get16(a) != 1 ||
	    get16(a + 2) != ETYPE_IPV4 || a[4] != 6 || a[5] != 4)
		return ignore(r, qid, EX_IGN_ARP_BAD, in, len);
	if (get16(a + 6) != 1)
		return ignore(r, qid, EX_IGN_ARP_OP, in, len);
	if (memcmp(a + 24, r->ip, 4))
		return ignore(r, qid, EX_IGN_ARP_OTHER, in, len);

	/* Ethernet: back to the requester */
	memcpy(out, a + 8, 6);
	memcpy(out + 6, r->mac, 6);
	put16(out + 12, ETYPE_ARP);
	/* ARP reply: we are the sender, the requester the target */
	put16(out + 14, 1);
	put16(out + 16, ETYPE_IPV4);
	out[18] = 6;
	out[19] = 4;
	put16(out + 20, 2);
	memcpy(out + 22, r->mac, 6);
	memcpy(out + 28, r->ip, 4);
	memcpy(out + 32, a + 8, 6);
	memcpy(out + 38, a + 14, 4);

	__atomic_add_fetch(&r->arp_replies, 1, __ATOMIC_RELAXED);
	fmt_ip(who, sizeof(who), a + 14);
	pthread_mutex_lock(&ex_print_lock);
	printf("q%u: ARP request from %s (%02x:%02x:%02x:%02x:%02x:%02x): "
	       "replied\n",
	       qid, who, a[8], a[9], a[10], a[11], a[12], a[13]);
	pthread_mutex_unlock(&ex_print_lock);
	return ETH_HLEN + ARP_LEN;
}

static uint32_t echo_reply(struct ex_responder *r, unsigned qid,
			   const uint8_t *in, uint32_t len, uint8_t *out)
{
	const uint8_t *ip = in + ETH_HLEN, *icmp;
	uint32_t hlen, tot, ilen;
	uint8_t *oip, *oicmp;
	char who[16];

	if (len < ETH_HLEN + IP_MIN_HLEN || ip[0] >> 4 != 4)
		return ignore(r, qid, EX_IGN_IP_BAD, in, len);
	hlen = (ip[0] & 0xf) * 4u;
	tot = get16(ip + 2);
	/* the frame may carry Ethernet padding after the datagram */
	if (hlen < IP_MIN_HLEN || tot < hlen || tot > len - ETH_HLEN ||
	    ex_csum(ip, hlen) != 0)
		return ignore(r, qid, EX_IGN_IP_BAD, in, len);
	if (memcmp(ip + 16, r->ip, 4))
		return ignore(r, qid, EX_IGN_IP_OTHER, in, len);
	if (get16(ip + 6) & 0x3fff) /* MF or a fragment offset */
		return ignore(r, qid, EX_IGN_IP_FRAG, in, len);
	if (ip[9] != 1)
		return ignore(r, qid, EX_IGN_IP_PROTO, in, len);
	icmp = ip + hlen;
	ilen = tot - hlen;
	if (ilen < ICMP_HLEN || ex_csum(icmp, ilen) != 0)
		return ignore(r, qid, EX_IGN_ICMP_BAD, in, len);
	if (icmp[0] != 8 || icmp[1] != 0)
		return ignore(r, qid, EX_IGN_ICMP_TYPE, in, len);

	memcpy(out, in + 6, 6);
	memcpy(out + 6, r->mac, 6);
	put16(out + 12, ETYPE_IPV4);
	/* IPv4 as the Go example builds it: no options, id 0, TTL 255 */
	oip = out + ETH_HLEN;
	oip[0] = 0x45;
	oip[1] = 0;
	put16(oip + 2, IP_MIN_HLEN + ilen);
	put16(oip + 4, 0);
	put16(oip + 6, 0);
	oip[8] = 255;
	oip[9] = 1;
	put16(oip + 10, 0);
	memcpy(oip + 12, r->ip, 4);
	memcpy(oip + 16, ip + 12, 4);
	put16(oip + 10, ex_csum(oip, IP_MIN_HLEN));
	/* ICMP echo reply: same id, sequence and payload */
	oicmp = oip + IP_MIN_HLEN;
	memcpy(oicmp, icmp, ilen);
	oicmp[0] = 0;
	oicmp[1] = 0;
	put16(oicmp + 2, 0);
	put16(oicmp + 2, ex_csum(oicmp, ilen));

	__atomic_add_fetch(&r->echo_replies, 1, __ATOMIC_RELAXED);
	fmt_ip(who, sizeof(who), ip + 12);
	pthread_mutex_lock(&ex_print_lock);
	printf("q%u: ICMP echo request from %s id %u seq %u, %u bytes of "
	       "data: replied\n",
	       qid, who, get16(icmp + 4), get16(icmp + 6), ilen - ICMP_HLEN);
	pthread_mutex_unlock(&ex_print_lock);
	return ETH_HLEN + IP_MIN_HLEN + ilen;
}

uint32_t ex_respond(struct ex_responder *r, unsigned qid, const uint8_t *in,
		    uint32_t len, uint8_t *out, uint32_t cap)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint16_t type;

	__atomic_add_fetch(&r->rx, 1, __ATOMIC_RELAXED);
	if (r->dump) {
		pthread_mutex_lock(&ex_print_lock);
		printf("q%u: received %u bytes\n", qid, len);
		ex_hexdump(stdout, in, len, 128);
		pthread_mutex_unlock(&ex_print_lock);
	}
	if (len < ETH_HLEN)
		return ignore(r, qid, EX_IGN_SHORT, in, len);
	if (memcmp(in, r->mac, 6) && memcmp(in, bcast, 6))
		return ignore(r, qid, EX_IGN_MAC, in, len);
	/* a reply is never longer than the request plus an ARP frame */
	if (cap < len + 64)
		return ignore(r, qid, EX_IGN_IP_BAD, in, len);
	type = get16(in + 12);
	if (type == ETYPE_ARP)
		return arp_reply(r, qid, in, len, out);
	if (type == ETYPE_IPV4)
		return echo_reply(r, qid, in, len, out);
	return ignore(r, qid, EX_IGN_ETHERTYPE, in, len);
}

bool ex_responder_apply(const struct ex_responder_opts *o,
			struct ex_responder *r, struct memif_config *cfg)
{
	if (!ex_parse_ip(o->ip, r->ip) || !ex_parse_mac(o->mac, r->mac) ||
	    o->queues < 1 || o->queues > MEMIF_MAX_QUEUES) {
		fprintf(stderr, "bad --ip, --mac or --queues\n");
		return false;
	}
	cfg->num_rx_queues = (uint8_t)o->queues;
	cfg->num_tx_queues = (uint8_t)o->queues;
	return true;
}

unsigned long ex_responder_replies(struct ex_responder *r)
{
	return __atomic_load_n(&r->arp_replies, __ATOMIC_RELAXED) +
	       __atomic_load_n(&r->echo_replies, __ATOMIC_RELAXED);
}

void ex_responder_stats(struct ex_responder *r)
{
	int i;

	printf("received %llu frames, sent %llu ARP and %llu ICMP echo "
	       "replies\n",
	       (unsigned long long)r->rx, (unsigned long long)r->arp_replies,
	       (unsigned long long)r->echo_replies);
	for (i = 0; i < EX_IGN_NUM; i++)
		if (r->ignored[i])
			printf("  ignored %llu %s\n",
			       (unsigned long long)r->ignored[i],
			       ignore_text[i]);
}
