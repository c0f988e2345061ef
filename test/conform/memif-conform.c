/* SPDX-License-Identifier: MIT */
/*
 * memif-conform: plays master or slave against a memif implementation
 * under test and reports, one line per check, PASS / FAIL / N/A with the
 * reaction observed.  This file owns the command line and the run-wide
 * summary checks; runner.c runs the checks and writes the reports, launch.c
 * starts and restarts an IUT given with --iut.
 *
 *   memif-conform --role slave --socket @memif --id 0 --echo --pid 1234
 *   memif-conform --role master --socket /tmp/m.sock --echo --report r.md \
 *	--iut 'memif-perf --slave --socket {sock} echo --duration 0'
 *   memif-conform --role master --list
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conform.h"

#define EXIT_USAGE 2
#define EXIT_IUT_GONE 3

static void usage(FILE *f)
{
	fputs("usage: memif-conform --role master|slave|both --socket PATH|@NAME "
	      "[options]\n"
	      "                     [--iut CMD | -- IUT-ARGV...]\n"
	      "\n"
	      "Plays one side of a memif (protocol 2.0) connection against an "
	      "implementation\n"
	      "under test (IUT) and checks it against the checklist "
	      "(memif-conform --checklist).\n"
	      "--role master: we listen and the IUT slave connects to us; "
	      "--role slave: we\n"
	      "connect to the IUT master; --role both: one run as each, with "
	      "--iut-master and\n"
	      "--iut-slave.\n"
	      "\n"
	      "The IUT, started and restarted by memif-conform (a crash, hang "
	      "or exit during\n"
	      "a check is recorded against that check and the run goes on):\n"
	      "  --iut CMD        shell command that starts the IUT in the "
	      "role it plays; run\n"
	      "                   as \"exec CMD\" by /bin/sh, so one simple "
	      "command.  Or give its\n"
	      "                   arguments after \"--\".  {sock} is "
	      "replaced by --socket, {id} by\n"
	      "                   --id, {stdin} by the FIFO that is its stdin "
	      "(also in --kick)\n"
	      "  --iut-master CMD, --iut-slave CMD\n"
	      "                   the IUT as master, as slave (--role both)\n"
	      "  --iut-log FILE   append the IUT's stdout and stderr there "
	      "(default: a temp file)\n"
	      "  --report FILE    write a Markdown conformance report\n"
	      "\n"
	      "  --id N           interface id on the IUT (default 0)\n"
	      "  --id2 N          a second master interface id on the IUT "
	      "(C40)\n"
	      "  --secret S       the IUT interface's secret (default: none)\n"
	      "  --mode M         the IUT's mode: ethernet, ip, punt (default "
	      "ethernet)\n"
	      "  --echo           the IUT reflects every packet: run the "
	      "data-path checks\n"
	      "  --pid PID        an IUT you run yourself: check it stays alive "
	      "and its fds and\n"
	      "                   memfd mappings return to their baseline\n"
	      "  --timeout MS     longest wait for an expected IUT action "
	      "(default 5000)\n"
	      "  --packets N      packets in the long data run C52 (default "
	      "70000)\n"
	      "  --kick CMD       shell command that makes an IUT slave connect "
	      "again (for\n"
	      "                   slaves that connect once; with --iut and no "
	      "--kick, such a\n"
	      "                   slave is started again instead)\n"
	      "  --list           list the checks for --role (or both) and "
	      "exit\n"
	      "  --checklist      print the checklist (Markdown) and exit\n"
	      "  --only ID[,ID]   run only these checks (\"C22\" selects "
	      "C22.*)\n"
	      "  --json           JSON report on stdout, the lines on stderr\n"
	      "  -v, --verbose    progress on stderr\n"
	      "  -h, --help       print this text and exit\n"
	      "  --version        print the version and exit\n"
	      "\n"
	      "Exit status: 0 no FAIL, 1 some FAIL, 2 usage or setup error, 3 "
	      "the IUT went\n"
	      "away and was not started again (the checks not run are left "
	      "out).\n",
	      f);
}

static int parse_u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || end == s || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* @argv as one shell-quoted string (for the report, and for an IUT given
 * as the arguments after "--"). */
static char *shell_join(int argc, char **argv)
{
	size_t len = 1;
	char *out, *p;
	int i;

	for (i = 0; i < argc; i++)
		len += 4 * strlen(argv[i]) + 3;
	out = malloc(len);
	if (!out)
		return NULL;
	p = out;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		bool plain = a[0] != 0;

		for (const char *q = a; *q && plain; q++)
			plain = strchr("abcdefghijklmnopqrstuvwxyz"
				       "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
				       "@%+=:,./_-{}",
				       *q) != NULL;
		if (i)
			*p++ = ' ';
		if (plain) {
			p = stpcpy(p, a);
			continue;
		}
		*p++ = '\'';
		for (; *a; a++) {
			if (*a == '\'')
				p = stpcpy(p, "'\\''");
			else
				*p++ = *a;
		}
		*p++ = '\'';
	}
	*p = 0;
	return out;
}

/* What the command line says besides struct cf_opts. */
struct cli {
	const char *role, *only, *iut, *report;
	bool list, both;
};

/* An option that only stores its argument, or only sets a flag: *@str
 * or *@flag, by option character.  True when @c is one of them. */
static bool store_opt(int c, char *arg, struct cf_opts *o, struct cli *cl)
{
	const struct {
		int c;
		const char **str;
		bool *flag;
	} tab[] = {
		{ 'r', &cl->role, NULL },      { 's', &o->socket, NULL },
		{ 'k', &o->kick, NULL },       { 'U', &cl->iut, NULL },
		{ 'M', &o->iut_master, NULL }, { 'L', &o->iut_slave, NULL },
		{ 'G', &o->iut_log, NULL },    { 'R', &cl->report, NULL },
		{ 'o', &cl->only, NULL },      { 'e', NULL, &o->echo },
		{ 'l', NULL, &cl->list },      { 'j', NULL, &o->json },
		{ 'v', NULL, &o->verbose },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (tab[i].c != c)
			continue;
		if (tab[i].str)
			*tab[i].str = arg;
		else
			*tab[i].flag = true;
		return true;
	}
	return false;
}

/* One option @c (argument @arg): store_opt's, then a case per option
 * that checks its argument or acts at once.
 * Return: 0 go on, -1 usage error, 1 exit now with *@status (--checklist,
 * --version, --help). */
static int parse_opt(int c, char *arg, struct cf_opts *o, struct cli *cl,
		     int *status)
{
	uint32_t v;

	if (store_opt(c, arg, o, cl))
		return 0;
	switch (c) {
	case 'i':
	case 'I':
		if (parse_u32(arg, &v) < 0)
			return -1;
		if (c == 'i') {
			o->id = v;
		} else {
			o->id2 = v;
			o->has_id2 = true;
		}
		break;
	case 'S':
		o->secret = arg[0] ? arg : NULL;
		if (strlen(arg) >= MEMIF_SECRET_LEN)
			return -1;
		break;
	case 'm':
		if (!strcmp(arg, "ethernet"))
			o->mode = MEMIF_INTERFACE_MODE_ETHERNET;
		else if (!strcmp(arg, "ip"))
			o->mode = MEMIF_INTERFACE_MODE_IP;
		else if (!strcmp(arg, "punt"))
			o->mode = MEMIF_INTERFACE_MODE_PUNT_INJECT;
		else
			return -1;
		break;
	case 'p':
		if (parse_u32(arg, &v) < 0 || !v)
			return -1;
		o->pid = (pid_t)v;
		break;
	case 't':
		if (parse_u32(arg, &v) < 0 || v < 100 || v > 600000)
			return -1;
		o->timeout_ms = (int)v;
		break;
	case 'n':
		if (parse_u32(arg, &v) < 0 || !v)
			return -1;
		o->packets = v;
		break;
	case 'C':
		/* A short write would leave a truncated CHECKLIST.md. */
		cf_print_checklist(stdout);
		*status = fflush(stdout) || ferror(stdout) ? EXIT_USAGE : 0;
		return 1;
	case 'V':
		printf("memif-conform %s\n", CF_VERSION);
		*status = 0;
		return 1;
	case 'h':
		usage(stdout);
		*status = 0;
		return 1;
	default:
		return -1;
	}
	return 0;
}

/* The options.  Return: as parse_opt. */
static int parse_args(int argc, char **argv, struct cf_opts *o, struct cli *cl,
		      int *status)
{
	static const struct option lo[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "socket", required_argument, NULL, 's' },
		{ "id", required_argument, NULL, 'i' },
		{ "id2", required_argument, NULL, 'I' },
		{ "secret", required_argument, NULL, 'S' },
		{ "mode", required_argument, NULL, 'm' },
		{ "echo", no_argument, NULL, 'e' },
		{ "pid", required_argument, NULL, 'p' },
		{ "timeout", required_argument, NULL, 't' },
		{ "packets", required_argument, NULL, 'n' },
		{ "kick", required_argument, NULL, 'k' },
		{ "iut", required_argument, NULL, 'U' },
		{ "iut-master", required_argument, NULL, 'M' },
		{ "iut-slave", required_argument, NULL, 'L' },
		{ "iut-log", required_argument, NULL, 'G' },
		{ "report", required_argument, NULL, 'R' },
		{ "list", no_argument, NULL, 'l' },
		{ "checklist", no_argument, NULL, 'C' },
		{ "only", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret;

	while ((c = getopt_long(argc, argv, "vh", lo, NULL)) != -1) {
		ret = parse_opt(c, optarg, o, cl, status);
		if (ret)
			return ret;
	}
	cl->both = cl->role && !strcmp(cl->role, "both");
	if (cl->role && !cl->both && strcmp(cl->role, "master") &&
	    strcmp(cl->role, "slave"))
		return -1;
	o->we_master = cl->role && !strcmp(cl->role, "master");
	return 0;
}

/*
 * The IUT: --iut for the one role it plays, or the words after "--"
 * (joined into *@trailing, which the caller frees), or one command per
 * role.  Return: 0, or -1 usage error.
 */
static int pick_iut(int argc, char **argv, struct cf_opts *o, struct cli *cl,
		    char **trailing)
{
	if (!cl->role || !o->socket)
		return -1;
	if (optind < argc) {
		if (cl->iut)
			return -1;
		*trailing = shell_join(argc - optind, argv + optind);
		cl->iut = *trailing;
	}
	if (cl->iut) {
		if (cl->both || o->iut_master || o->iut_slave)
			return -1;
		if (o->we_master)
			o->iut_slave = cl->iut;
		else
			o->iut_master = cl->iut;
	}
	if (cl->both && (!o->iut_master || !o->iut_slave)) {
		fprintf(stderr, "memif-conform: --role both needs --iut-master "
				"and --iut-slave\n");
		return -1;
	}
	if ((o->iut_master || o->iut_slave) && o->pid) {
		fprintf(stderr, "memif-conform: --pid is for an IUT you run "
				"yourself; with --iut we know its pid\n");
		return -1;
	}
	return 0;
}

/* Run the role, or both (the IUT as master first), into @runs, until
 * the IUT is gone for good.  Returns the number of runs. */
static unsigned run_roles(struct cf_opts *o, const struct cli *cl,
			  struct cf_role_run runs[2], unsigned *fails,
			  bool *gone)
{
	unsigned n_runs = 0, i;

	for (i = 0; i < (cl->both ? 2u : 1u) && !*gone; i++) {
		if (cl->both)
			o->we_master = i == 1;
		if (cf_run_role(o, cl->only, &runs[n_runs]) < 0)
			break;
		*fails += runs[n_runs].count[CF_FAIL];
		*gone = runs[n_runs].gone;
		n_runs++;
	}
	return n_runs;
}

/* --report: the Markdown report, with the command line as given. */
static void write_report(const char *report, int argc, char **argv,
			 const struct cf_opts *o,
			 const struct cf_role_run *runs, unsigned n_runs)
{
	char *argline = shell_join(argc, argv);
	int ret = argline ? cf_write_report(report, o, argline, runs, n_runs) :
			    -ENOMEM;

	free(argline);
	if (ret < 0)
		fprintf(stderr, "memif-conform: report %s: %s\n", report,
			strerror(-ret));
	else
		fprintf(o->json ? stderr : stdout,
			"memif-conform: report written to %s\n", report);
}

int main(int argc, char **argv)
{
	struct cf_opts o = { .timeout_ms = 5000, .packets = 70000 };
	struct cli cl = { 0 };
	struct cf_role_run runs[2];
	char *trailing = NULL;
	unsigned n_runs, fails = 0, i;
	bool gone = false;
	int ret, status;

	ret = parse_args(argc, argv, &o, &cl, &status);
	if (ret > 0)
		return status;
	if (ret < 0)
		goto out_usage;
	if (cl.list) {
		cf_list_checks(stdout, cl.role);
		return 0;
	}
	if (pick_iut(argc, argv, &o, &cl, &trailing) < 0)
		goto out_usage;
	signal(SIGPIPE, SIG_IGN);
	n_runs = run_roles(&o, &cl, runs, &fails, &gone);
	if (!n_runs) {
		free(trailing);
		return EXIT_USAGE;
	}
	if (o.json)
		cf_print_json(stdout, &o, runs, n_runs);
	fflush(stdout);
	if (cl.report)
		write_report(cl.report, argc, argv, &o, runs, n_runs);
	for (i = 0; i < n_runs; i++)
		cf_role_run_free(&runs[i]);
	free(trailing);
	if (gone)
		return EXIT_IUT_GONE;
	if (n_runs < (cl.both ? 2u : 1u))
		return EXIT_USAGE;
	return fails ? 1 : 0;

out_usage:
	free(trailing);
	usage(stderr);
	return EXIT_USAGE;
}

/* ---- run-wide checks --------------------------------------------------------- */

#define NO_MSG "no message received"

/*
 * A run-wide check over @n events (none: N/A, @none says why): FAIL when
 * @bad of them broke the rule, noting "@bad [of @n] @what @ex" (@of_all:
 * with the total); else PASS, noting @ok_fmt.
 */
static enum cf_result summary(struct cf_run *r, unsigned n, const char *none,
			      unsigned bad, bool of_all, const char *what,
			      const char *ex, const char *ok_fmt, ...)
	__attribute__((format(printf, 8, 9)));

static enum cf_result summary(struct cf_run *r, unsigned n, const char *none,
			      unsigned bad, bool of_all, const char *what,
			      const char *ex, const char *ok_fmt, ...)
{
	va_list ap;

	if (!n)
		return cf_na(r, "%s", none);
	if (bad && of_all)
		return cf_fail(r, "%u of %u %s %s", bad, n, what, ex);
	if (bad)
		return cf_fail(r, "%u %s %s", bad, what, ex);
	va_start(ap, ok_fmt);
	cf_vnote(r, ok_fmt, ap);
	va_end(ap);
	return CF_PASS;
}

static enum cf_result sum_size(struct cf_run *r, long arg)
{
	return summary(r, r->st.msgs, NO_MSG, r->st.bad_size, true,
		       "messages: e.g.", r->st.bad_size_ex,
		       "all %u messages were 128-byte datagrams", r->st.msgs);
}

static enum cf_result sum_fds(struct cf_run *r, long arg)
{
	return summary(
		r, r->st.msgs, NO_MSG, r->st.bad_fds, false, "messages: e.g.",
		r->st.bad_fds_ex,
		"fds only on ADD_REGION/ADD_RING, one each (%u messages)",
		r->st.msgs);
}

static enum cf_result sum_strings(struct cf_run *r, long arg)
{
	return summary(r, r->st.msgs, NO_MSG, r->st.unterminated, false,
		       "fields: e.g.", r->st.unterminated_ex,
		       "every string field NUL-terminated (%u messages)",
		       r->st.msgs);
}

static enum cf_result sum_pad(struct cf_run *r, long arg)
{
	return summary(r, r->st.msgs, NO_MSG, r->st.dirty_pad, false,
		       "messages: e.g.", r->st.dirty_pad_ex,
		       "all undefined bytes zero (%u messages)", r->st.msgs);
}

static enum cf_result sum_disc(struct cf_run *r, long arg)
{
	return summary(r, r->st.rejects, "no rejection observed",
		       r->st.rejects_silent, true,
		       "rejections closed without a DISCONNECT reason:",
		       r->st.silent_ids, "all %u rejections carried a reason",
		       r->st.rejects);
}

static enum cf_result sum_leaks(struct cf_run *r, long arg)
{
	if (!r->pid)
		return cf_na(r, "needs the IUT's pid (--pid or --iut)");
	return summary(r, r->st.fd_checks, "no teardown measured",
		       r->st.fd_leaks, true,
		       "teardowns left fds or mappings behind:", r->st.leak_ids,
		       "fds and memfd mappings back at baseline after all %u "
		       "teardowns",
		       r->st.fd_checks);
}

const struct cf_check cf_common_checks[] = {
	{ "C3", "every message the IUT sent was one 128-byte datagram",
	  "Every implementation rejects a control message of any other size "
	  "(libmemif, VPP, DPDK and Go all check), so one malformed message "
	  "from the IUT ends its connection with any peer.",
	  CF_SUMMARY, sum_size, 0 },
	{ "C4", "fds only on ADD_REGION/ADD_RING, exactly one each",
	  "Peers take exactly one fd from ADD_REGION and ADD_RING and expect "
	  "none on other messages; a missing or extra fd makes strict peers "
	  "refuse the IUT and careless ones leak descriptors.",
	  CF_SUMMARY, sum_fds, 0 },
	{ "C5", "string fields NUL-terminated within the field",
	  "libmemif and DPDK copy names with strlcpy, which runs past a "
	  "field that holds no NUL; an IUT that fills a string field to its "
	  "end makes them read out of bounds.",
	  CF_SUMMARY, sum_strings, 0 },
	{ "C5.zero", "undefined bytes and bytes after a NUL are zero",
	  "Bytes a sender leaves unset carry whatever its buffer held "
	  "before: earlier messages, heap pointers (libmemif sends such "
	  "bytes); zeroing them keeps the IUT's memory from leaking to its "
	  "peer.",
	  CF_SUMMARY | CF_SHOULD, sum_pad, 0 },
	{ "C66", "every rejection is a DISCONNECT with a reason, then close",
	  "The DISCONNECT reason is the only way a peer's user learns why a "
	  "connection was refused; a silent close, libmemif's habit, leaves "
	  "them guessing between a crash, a wrong id and a wrong secret.",
	  CF_SUMMARY, sum_disc, 0 },
	{ "C68",
	  "fds and memfd mappings back at baseline after every "
	  "teardown",
	  "An IUT that keeps a region fd, an eventfd, a mapping or a socket "
	  "after a connection ends leaks it every time, so a peer that "
	  "reconnects often, or on purpose, exhausts its fds or memory.",
	  CF_SUMMARY | CF_PID, sum_leaks, 0 },
	{ NULL, NULL, NULL, 0, NULL, 0 },
};
