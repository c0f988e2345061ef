/* SPDX-License-Identifier: MIT */
/*
 * memif-perf's command line: --help, and the options parsed into struct
 * opts with their ranges checked.  A bad value is a usage error (exit 2).
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memif/memif.h>

#include "memif-perf.h"

const char *const mode_names[MODE_NONE] = { "tx", "rx", "echo", "ping" };

/* One string: the --help text, long because the options are many. */
static void usage(FILE *f)
{
	fputs(
"usage: memif-perf [options] tx|rx|echo|ping\n"
"       memif-perf              (no arguments: demo, both ends, ~10 s)\n"
"\n"
"Traffic generator (tx), sink (rx), reflector (echo) and round-trip\n"
"latency meter (ping) over memif, against itself, DPDK net_memif or VPP.\n"
"\n"
"Connection:\n"
"  --master | --slave      role (default master; DPDK server = master)\n"
"  --socket PATH|@NAME     socket file, or @name for the abstract\n"
"                          namespace (default " MEMIF_DEFAULT_SOCKET ")\n"
"  --id N                  interface id on the socket (default 0)\n"
"  --secret S              shared secret (<= 23 chars)\n"
"  --queues N              queue pairs a slave asks for (1..255, default 1);\n"
"                          one thread per queue the connection has: the\n"
"                          peer may grant fewer, a master takes the slave's\n"
"  --ring-log2 N           log2 ring size (1..14, default 10; the slave's\n"
"                          decides)\n"
"  --buffer-size N         slot size in bytes (default 2048; the slave's\n"
"                          decides)\n"
"  --allow-unsealed        accept the peer's unsealed regions (VPP/DPDK zero-copy slaves); trusts the peer not to shrink them\n"
"  --hugepages             slave: the region (and the --zero-copy pool) on\n"
"                          2 MiB hugepages, or no connection\n"
"                          (vm.nr_hugepages)\n"
"  --zero-copy             slave, tx/rx/echo: send from and receive into a\n"
"                          buffer pool of its own, announced to the master\n"
"                          as a region (memif_tx_burst_zc, memif_rx_burst_zc):\n"
"                          no copy on this side; echo sends the received\n"
"                          buffers back.  Not with --tx-path inplace or\n"
"                          --rx-path pieces; the master is unchanged\n"
"  --wait-timeout S        give up if not connected after S s (default 10,\n"
"                          0 = forever; serve mode: the first peer only)\n",
		f);
	/* In parts: C11 promises only 4,095 characters in one string. */
	fputs(
"Traffic:\n"
"  --mode MODE             tx, rx, echo or ping (or as the last argument)\n"
"  --size N                frame bytes, 64..65535 (default 64); larger than\n"
"                          a slot = chained buffers\n"
"  --burst N               packets per burst, 1..256 (default 32)\n"
"  --polling | --interrupt receive by polling (default) or by sleeping on\n"
"                          the queue's eventfd\n"
"  --edge                  interrupt mode, edge-triggered: the library never\n"
"                          reads the eventfd, memif-perf sleeps in\n"
"                          epoll_wait (EPOLLET): one syscall per wake-up\n"
"  --idle pause|spin       polling tx/rx with nothing to do: back off with\n"
"                          1, 2, ... 64 PAUSEs (default), or retry at\n"
"                          once\n"
"  --tx-path copy|inplace  memif_tx_burst (default) or memif_tx_alloc/\n"
"                          commit (single-slot packets only)\n"
"  --rx-path whole|pieces  memif_rx_burst (default: a chain is reassembled)\n"
"                          or memif_rx_burst_sg (a chain as its slots, no\n"
"                          copy; echo sends pieces back with\n"
"                          memif_tx_burst_sg)\n"
"  --fill headers|full     write/read only the headers and test header\n"
"                          (default, like testpmd txonly) or every byte\n"
"  --raw                   no Ethernet/IPv4/UDP framing\n"
"  --cpu LIST              pin threads: \"N\" puts queue i on cpu N+i,\n"
"                          \"a,b,c-d\" puts queue i on the i-th listed cpu\n"
"Stopping and output:\n"
"  --duration S            stop after S s (default 10; 0 = no limit);\n"
"                          rx/echo also stop when the peer disconnects,\n"
"                          except in serve mode: echo with --duration 0\n"
"                          and no --count serves one connection after\n"
"                          another (the interface and a master's socket\n"
"                          stay up) until SIGINT/SIGTERM; the summary\n"
"                          gives the totals, and corrupt frames (foreign\n"
"                          payloads) are counted, not an error\n"
"  --count N               stop after N packets (pings), split over the\n"
"                          queues the connection has; then a shortfall or\n"
"                          any loss fails the run\n"
"  --json                  JSON summary on stdout (the table goes to stderr);\n"
"                          \"negotiated\" holds the connection's queue\n"
"                          counts, ring and buffer size\n"
"  --quiet                 no progress line\n"
"  -v, --verbose           library log at INFO (-vv: DEBUG)\n"
"  -h, --help              this text\n"
"  --version               print the version and exit\n"
"\n", f);
	fputs(
"Each generated frame carries a per-queue sequence number and a checksum;\n"
"receivers report loss, reordering and corruption, and frames without the\n"
"memif-perf header as \"foreign\".  Exit status: 0 fine, 1 corruption, a\n"
"library error or (with --count) loss, 2 bad usage or setup, 3 no\n"
"connection.\n"
"\n"
"Examples:\n"
"  memif-perf --master --socket @p --cpu 0 rx &\n"
"  memif-perf --slave --socket @p --cpu 1 tx --size 1500 --duration 5\n"
"  memif-perf --master --socket @p --interrupt echo &\n"
"  memif-perf --slave --socket @p --interrupt ping --count 100000\n", f);
}

static bool parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static bool parse_uint(const char *s, unsigned int lo, unsigned int hi,
		       unsigned int *out)
{
	uint64_t v;

	if (!parse_u64(s, lo, hi, &v))
		return false;
	*out = (unsigned int)v;
	return true;
}

static bool parse_secs(const char *s, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !(v >= 0) || v > 1e7)
		return false;
	*out = v;
	return true;
}

static bool parse_cpus(const char *s, struct opts *o)
{
	unsigned int a, b, c;
	char buf[1024], *tok, *save = NULL, *dash;

	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	o->ncpus = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		dash = strchr(tok, '-');
		if (dash) {
			*dash = '\0';
			if (!parse_uint(tok, 0, CPU_SETSIZE - 1, &a) ||
			    !parse_uint(dash + 1, 0, CPU_SETSIZE - 1, &b) ||
			    b < a)
				return false;
		} else {
			if (!parse_uint(tok, 0, CPU_SETSIZE - 1, &a))
				return false;
			b = a;
		}
		for (c = a; c <= b; c++) {
			if (o->ncpus == MAX_CPUS)
				return false;
			o->cpus[o->ncpus++] = (int)c;
		}
	}
	return o->ncpus > 0;
}

static bool parse_mode(const char *s, enum mode *m)
{
	unsigned int i;

	for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
		if (!strcmp(s, mode_names[i])) {
			*m = (enum mode)i;
			return true;
		}
	}
	return false;
}

enum {
	OPT_MASTER = 256,
	OPT_SLAVE,
	OPT_SOCKET,
	OPT_ID,
	OPT_SECRET,
	OPT_QUEUES,
	OPT_RING,
	OPT_BUFSIZE,
	OPT_BURST,
	OPT_SIZE,
	OPT_INTERRUPT,
	OPT_POLLING,
	OPT_EDGE,
	OPT_IDLE,
	OPT_TXPATH,
	OPT_RXPATH,
	OPT_HUGEPAGES,
	OPT_ZEROCOPY,
	OPT_FILL,
	OPT_CPU,
	OPT_RAW,
	OPT_MODE,
	OPT_DURATION,
	OPT_COUNT,
	OPT_JSON,
	OPT_QUIET,
	OPT_WAIT,
	OPT_UNSEALED,
	OPT_VERSION,
};

static const struct option long_opts[] = {
	{ "master", no_argument, NULL, OPT_MASTER },
	{ "slave", no_argument, NULL, OPT_SLAVE },
	{ "socket", required_argument, NULL, OPT_SOCKET },
	{ "id", required_argument, NULL, OPT_ID },
	{ "secret", required_argument, NULL, OPT_SECRET },
	{ "queues", required_argument, NULL, OPT_QUEUES },
	{ "ring-log2", required_argument, NULL, OPT_RING },
	{ "buffer-size", required_argument, NULL, OPT_BUFSIZE },
	{ "burst", required_argument, NULL, OPT_BURST },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "interrupt", no_argument, NULL, OPT_INTERRUPT },
	{ "polling", no_argument, NULL, OPT_POLLING },
	{ "edge", no_argument, NULL, OPT_EDGE },
	{ "idle", required_argument, NULL, OPT_IDLE },
	{ "tx-path", required_argument, NULL, OPT_TXPATH },
	{ "rx-path", required_argument, NULL, OPT_RXPATH },
	{ "hugepages", no_argument, NULL, OPT_HUGEPAGES },
	{ "zero-copy", no_argument, NULL, OPT_ZEROCOPY },
	{ "fill", required_argument, NULL, OPT_FILL },
	{ "cpu", required_argument, NULL, OPT_CPU },
	{ "raw", no_argument, NULL, OPT_RAW },
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "wait-timeout", required_argument, NULL, OPT_WAIT },
	{ "allow-unsealed", no_argument, NULL, OPT_UNSEALED },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static int bad_arg(const char *opt, const char *val)
{
	fprintf(stderr, "memif-perf: bad value for --%s: '%s' (see --help)\n",
		opt, val ? val : "");
	return 2;
}

/* @arg is @off's word (*@out = false) or one of @on's (true); @on2 may be
 * NULL. */
static bool parse_choice(const char *arg, const char *off, const char *on,
			 const char *on2, bool *out)
{
	if (!strcmp(arg, off))
		*out = false;
	else if (!strcmp(arg, on) || (on2 && !strcmp(arg, on2)))
		*out = true;
	else
		return false;
	return true;
}

/*
 * Option @c, if it is a number in a range, a time in seconds, a choice of
 * two words or a flag: from a table.  Returns as opt_other() below, or -1
 * when @c is none of these.
 */
static int opt_table(int c, const char *arg, struct opts *o)
{
	const struct {
		int c;
		const char *name;
		unsigned int lo, hi, *dst;
	} numbers[] = {
		{ OPT_QUEUES, "queues", 1, MEMIF_MAX_QUEUES, &o->queues },
		{ OPT_RING, "ring-log2", 1, 14, &o->ring_log2 },
		{ OPT_BUFSIZE, "buffer-size", 64, 65535, &o->buffer_size },
		{ OPT_SIZE, "size", PERF_MIN_SIZE, PERF_MAX_SIZE, &o->size },
		{ OPT_BURST, "burst", 1, MAX_BURST, &o->burst },
	};
	const struct {
		int c;
		const char *name;
		double *dst;
	} seconds[] = {
		{ OPT_DURATION, "duration", &o->duration },
		{ OPT_WAIT, "wait-timeout", &o->wait_timeout },
	};
	/* the first word sets false, the second (or third) true */
	const struct {
		int c;
		const char *name, *off, *on, *on2;
		bool *dst;
	} choices[] = {
		{ OPT_IDLE, "idle", "pause", "spin", NULL, &o->spin },
		{ OPT_TXPATH, "tx-path", "copy", "inplace", "in-place",
		  &o->inplace },
		{ OPT_RXPATH, "rx-path", "whole", "pieces", NULL,
		  &o->rx_pieces },
		{ OPT_FILL, "fill", "headers", "full", NULL, &o->full },
	};
	const struct {
		int c;
		bool *dst;
	} flags[] = {
		{ OPT_UNSEALED, &o->allow_unsealed },
		{ OPT_HUGEPAGES, &o->hugepages },
		{ OPT_ZEROCOPY, &o->zero_copy },
		{ OPT_RAW, &o->raw },
		{ OPT_JSON, &o->json },
		{ OPT_QUIET, &o->quiet },
	};
	size_t i;

	for (i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		if (c != numbers[i].c)
			continue;
		if (!parse_uint(arg, numbers[i].lo, numbers[i].hi,
				numbers[i].dst))
			return bad_arg(numbers[i].name, arg);
		return 0;
	}
	for (i = 0; i < sizeof(seconds) / sizeof(seconds[0]); i++) {
		if (c != seconds[i].c)
			continue;
		if (!parse_secs(arg, seconds[i].dst))
			return bad_arg(seconds[i].name, arg);
		return 0;
	}
	for (i = 0; i < sizeof(choices) / sizeof(choices[0]); i++) {
		if (c != choices[i].c)
			continue;
		if (!parse_choice(arg, choices[i].off, choices[i].on,
				  choices[i].on2, choices[i].dst))
			return bad_arg(choices[i].name, arg);
		return 0;
	}
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (c == flags[i].c) {
			*flags[i].dst = true;
			return 0;
		}
	}
	return -1;
}

/*
 * The options that need code of their own.  Returns 0 when it took option
 * @c, 2 on a bad value (said on stderr) or an unknown option (getopt has
 * said which), 1 after --help or --version (printed).
 */
static int opt_other(int c, const char *arg, struct opts *o)
{
	uint64_t v;

	switch (c) {
	case OPT_MASTER:
	case OPT_SLAVE:
		o->master = c == OPT_MASTER;
		break;
	case OPT_SOCKET:
		if (!*arg || strlen(arg) >= MEMIF_SOCKET_PATH_MAX)
			return bad_arg("socket", arg);
		o->socket = arg;
		break;
	case OPT_ID:
		if (!parse_u64(arg, 0, UINT32_MAX, &v))
			return bad_arg("id", arg);
		o->id = (uint32_t)v;
		break;
	case OPT_SECRET:
		if (strlen(arg) >= MEMIF_SECRET_MAX)
			return bad_arg("secret", arg);
		o->secret = arg;
		break;
	case OPT_MODE:
		if (!parse_mode(arg, &o->mode))
			return bad_arg("mode", arg);
		break;
	case OPT_POLLING:
	case OPT_INTERRUPT:
	case OPT_EDGE:
		o->interrupt = c != OPT_POLLING;
		o->edge = c == OPT_EDGE;
		break;
	case OPT_CPU:
		if (!parse_cpus(arg, o))
			return bad_arg("cpu", arg);
		break;
	case OPT_COUNT:
		if (!parse_u64(arg, 1, UINT64_MAX, &o->count))
			return bad_arg("count", arg);
		break;
	case 'v':
		o->verbose++;
		break;
	case 'h':
		usage(stdout);
		return 1;
	case OPT_VERSION:
		/* The library it runs with: linked in, so the same. */
		printf("memif-perf %s\n", memif_version());
		return 1;
	default:
		fprintf(stderr, "memif-perf: see --help\n");
		return 2;
	}
	return 0;
}

void opts_defaults(struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->master = true;
	o->queues = 1;
	o->ring_log2 = 10;
	o->buffer_size = 2048;
	o->burst = 32;
	o->size = 64;
	o->duration = 10;
	o->wait_timeout = 10;
}

/* Return: 0 parsed, 1 --help or --version printed, 2 usage error. */
int opts_parse(int argc, char **argv, struct opts *o)
{
	bool mode_set = false, duration_set = false;
	int c, idx, rc;

	opts_defaults(o);
	while ((c = getopt_long(argc, argv, "hv", long_opts, &idx)) != -1) {
		rc = opt_table(c, optarg, o);
		if (rc < 0)
			rc = opt_other(c, optarg, o);
		if (rc)
			return rc;
		mode_set |= c == OPT_MODE;
		duration_set |= c == OPT_DURATION;
	}
	if (optind < argc) {
		if (mode_set || !parse_mode(argv[optind], &o->mode) ||
		    optind + 1 < argc) {
			fprintf(stderr, "memif-perf: unexpected argument '%s' "
				"(modes: tx, rx, echo, ping)\n", argv[optind]);
			return 2;
		}
		mode_set = true;
	}
	if (!mode_set) {
		fprintf(stderr, "memif-perf: which mode? tx, rx, echo or ping "
			"(see --help; no arguments at all runs the demo)\n");
		return 2;
	}
	if (o->zero_copy && (o->master || o->mode == MODE_PING ||
			     o->inplace || o->rx_pieces)) {
		fprintf(stderr, "memif-perf: --zero-copy is for a slave in tx, "
			"rx or echo mode, without --tx-path inplace and "
			"--rx-path pieces\n");
		return 2;
	}
	/* With --count and no explicit --duration, the count decides. */
	if (o->count && !duration_set)
		o->duration = 0;
	return 0;
}
