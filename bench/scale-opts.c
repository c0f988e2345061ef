/* SPDX-License-Identifier: MIT */
/*
 * memif-scale's command line: the options, their defaults and limits, and
 * --help.
 */
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "memif-scale.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: memif-scale [options]\n"
		"  --n LIST             interface counts, comma-separated "
		"(default 1,64,256,1024,4096)\n"
		"  --layout L           one (one socket), many (N/16 "
		"sockets) or both (default)\n"
		"  --idle-seconds S     idle measurement (default 10)\n"
		"  --traffic-ms MS      round-robin traffic run, per case "
		"(default 3000; 0 skips)\n"
		"  --phase-ms MS        the interface count changes this often "
		"(default 50)\n"
		"  --runs R             traffic runs per case while fewer than "
		"10 cycles\n"
		"                       (or phases) were clean (default and "
		"most: 5)\n"
		"  --quiet-wait-ms MS   before each run, wait up to this long "
		"for other\n"
		"                       processes to leave the cpus (default "
		"10000; 0: never)\n"
		"  --cpus A,B           pin the sender to cpu A, the receiver "
		"to B (default:\n"
		"                       the first two this process may use; "
		"-1,-1: no pinning)\n"
		"  --reconnect-ms MS    slave reconnect interval (default "
		"100)\n"
		"  --json               JSON on stdout instead of the table\n"
		"  --json-file PATH     the JSON into PATH as well (for "
		"bench/scale-plot.py)\n"
		"  --help\n");
}

/* The first two cpus this process may run on, or -1 each. */
static void default_cpus(int cpus[2])
{
	cpu_set_t set;
	int c, k = 0;

	cpus[0] = cpus[1] = -1;
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return;
	for (c = 0; c < CPU_SETSIZE && k < 2; c++)
		if (CPU_ISSET(c, &set))
			cpus[k++] = c;
	if (k < 2)
		cpus[0] = cpus[1] = -1;
}

static int parse_cpus(int cpus[2], const char *s)
{
	char *end;
	long a = strtol(s, &end, 10), b;

	if (end == s || *end != ',')
		return -1;
	s = end + 1;
	b = strtol(s, &end, 10);
	if (end == s || *end || a < -1 || b < -1 || a >= CPU_SETSIZE ||
	    b >= CPU_SETSIZE || (a < 0) != (b < 0))
		return -1;
	cpus[0] = (int)a;
	cpus[1] = (int)b;
	return 0;
}

static int parse_ns(struct opts *o, const char *s)
{
	char *end;

	o->n_ns = 0;
	while (*s) {
		unsigned long v = strtoul(s, &end, 10);

		if (end == s || !v || v > 65536 || o->n_ns == 16)
			return -1;
		o->ns[o->n_ns++] = (unsigned)v;
		s = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return -1;
	}
	return o->n_ns ? 0 : -1;
}
/* One option @c with @arg into @o.  Return: 0, 1 --help printed, 2 usage
 * error. */
static int parse_opt(struct opts *o, int c, const char *arg, bool *cpus_set)
{
	/* whole numbers, taken as strtoul reads them, in [lo, hi] */
	const struct {
		int c;
		unsigned *dst, lo, hi;
	} numbers[] = {
		{ 'i', &o->idle_s, 0, UINT_MAX },
		{ 't', &o->traffic_ms, 0, 60000 },
		{ 'w', &o->phase_ms, 2 * GUARD_MS, 10000 },
		{ 'R', &o->runs, 1, MAX_RUNS },
		{ 'q', &o->quiet_wait_ms, 0, UINT_MAX },
	};
	size_t i;

	for (i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		unsigned v;

		if (c != numbers[i].c)
			continue;
		v = (unsigned)strtoul(arg, NULL, 10);
		if (v >= numbers[i].lo && v <= numbers[i].hi) {
			*numbers[i].dst = v;
			return 0;
		}
		usage(stderr);
		return 2;
	}
	switch (c) {
	case 'n':
		if (parse_ns(o, arg) < 0) {
			fprintf(stderr, "memif-scale: bad --n %s\n", arg);
			return 2;
		}
		return 0;
	case 'l':
		o->layouts[LAYOUT_ONE] = strcmp(arg, "many") != 0;
		o->layouts[LAYOUT_MANY] = strcmp(arg, "one") != 0;
		if (strcmp(arg, "one") && strcmp(arg, "many") &&
		    strcmp(arg, "both"))
			break;
		return 0;
	case 'c':
		if (parse_cpus(o->cpus, arg) < 0)
			break;
		*cpus_set = true;
		return 0;
	case 'r':
		o->reconnect_ms = (unsigned)strtoul(arg, NULL, 10);
		if (!o->reconnect_ms)
			o->reconnect_ms = 1;
		return 0;
	case 'j':
		o->json = true;
		return 0;
	case 'J':
		o->json_file = arg;
		return 0;
	case 'h':
		usage(stdout);
		return 1;
	}
	usage(stderr);
	return 2;
}

/* Return: 0 parsed, 1 --help printed, 2 usage error. */
int opts_parse(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "n", required_argument, NULL, 'n' },
		{ "layout", required_argument, NULL, 'l' },
		{ "idle-seconds", required_argument, NULL, 'i' },
		{ "traffic-ms", required_argument, NULL, 't' },
		{ "phase-ms", required_argument, NULL, 'w' },
		{ "runs", required_argument, NULL, 'R' },
		{ "quiet-wait-ms", required_argument, NULL, 'q' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "reconnect-ms", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "json-file", required_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const struct opts defaults = { .ns = { 1, 64, 256, 1024, 4096 },
				       .n_ns = 5,
				       .layouts = { true, true },
				       .idle_s = 10,
				       .traffic_ms = 3000,
				       .phase_ms = 50,
				       .runs = MAX_RUNS,
				       .quiet_wait_ms = QUIET_WAIT_MS,
				       .reconnect_ms = 100 };
	bool cpus_set = false;
	int c, rc;

	*o = defaults;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1)
		if ((rc = parse_opt(o, c, optarg, &cpus_set)))
			return rc;
	if (!cpus_set)
		default_cpus(o->cpus);
	return 0;
}
