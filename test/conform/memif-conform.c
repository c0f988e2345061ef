/* SPDX-License-Identifier: MIT */
/*
 * memif-conform: plays master or slave against a memif implementation
 * under test and reports, one line per check, PASS / FAIL / N/A with the
 * reaction observed.  This file owns the command line, the check runner
 * (with the liveness and fd checks after every hostile case), the
 * run-wide summary checks and the text and JSON output.
 *
 *   memif-conform --role slave --socket @memif --id 0 --echo --pid 1234
 *   memif-conform --role master --socket /run/vpp/memif.sock --list
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conform.h"

#define EXIT_USAGE 2
#define EXIT_IUT_GONE 3

struct result {
	const struct cf_check *c;
	enum cf_result res;
	char *note;
};

static const char *const res_names[] = { "PASS", "FAIL", "N/A" };

static void usage(FILE *f)
{
	fprintf(f,
		"usage: memif-conform --role master|slave --socket PATH|@NAME "
		"[options]\n"
		"\n"
		"Plays one side of a memif (protocol 2.0) connection against "
		"an implementation\n"
		"under test (IUT) and checks it against the conformance "
		"checklist (C1-C68)\n"
		"and the hostile-peer catalog.  --role master: we listen and "
		"the IUT slave\n"
		"connects to us; --role slave: we connect to the IUT master.\n"
		"\n"
		"  --id N           interface id on the IUT (default 0)\n"
		"  --id2 N          a second master interface id on the IUT "
		"(C40)\n"
		"  --secret S       the IUT interface's secret (default: none)\n"
		"  --mode M         the IUT's mode: ethernet, ip, punt "
		"(default ethernet)\n"
		"  --echo           the IUT reflects every packet: run the "
		"data-path checks\n"
		"  --pid PID        the IUT's process: check it stays alive "
		"and its fds and\n"
		"                   memfd mappings return to their baseline\n"
		"  --timeout MS     longest wait for an expected IUT action "
		"(default 5000)\n"
		"  --packets N      packets in the long data run C52 (default "
		"70000)\n"
		"  --kick CMD       shell command that makes an IUT slave "
		"connect again\n"
		"                   (for slaves that connect only once, e.g. "
		"DPDK)\n"
		"  --list           list the checks for --role (or both) and "
		"exit\n"
		"  --only ID[,ID]   run only these checks (\"C22\" selects "
		"C22.*)\n"
		"  --json           JSON report on stdout, the lines on "
		"stderr\n"
		"  -v, --verbose    progress on stderr\n"
		"\n"
		"Exit status: 0 no FAIL, 1 some FAIL, 2 usage or setup error, "
		"3 the IUT\n"
		"process went away (the checks not run are left out).\n");
}

static bool selected(const char *only, const char *id)
{
	const char *p = only;
	size_t n;

	if (!only)
		return true;
	while (*p) {
		n = strcspn(p, ",");
		if (n && strncmp(p, id, n) == 0 && (id[n] == 0 || id[n] == '.'))
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

static void list_table(const struct cf_check *t, const char *role)
{
	for (; t->id; t++)
		printf("%-7s %-16s %s%s\n", role, t->id, t->desc,
		       t->flags & CF_SHOULD ? " (SHOULD)" : "");
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* ---- liveness ------------------------------------------------------------ */

int cf_liveness(struct cf_run *r)
{
	struct cf_peer *p = cf_peer_new(r->o->we_master);
	struct cf_hs hs;
	int ret = -1;
	char saved[CF_NOTE_LEN];

	if (!p)
		return -1;
	/* Only a failure of the fresh handshake is worth reporting. */
	memcpy(saved, r->note, sizeof(saved));
	r->note[0] = 0;
	cf_hs_default(r, &hs);
	if (r->o->we_master) {
		if (cf_master_accept(r, p) < 0 ||
		    cf_master_handshake(r, p, &hs, NULL) < 0)
			goto out;
	} else {
		hs.log2 = 6;
		if (cf_slave_connect(r, p, &hs) < 0)
			goto out;
	}
	if (r->o->echo && cf_echo_one(r, p, 100) < 0)
		goto out;
	ret = 0;
out:
	if (ret < 0) {
		char why[CF_NOTE_LEN];

		memcpy(why, r->note, sizeof(why));
		memcpy(r->note, saved, sizeof(saved));
		cf_note(r, "afterwards no fresh handshake: %s", why);
	} else {
		memcpy(r->note, saved, sizeof(saved));
		cf_note(r, "alive");
	}
	cf_peer_free(p);
	return ret;
}

/* The reference state for fd counts: an idle IUT master, or an IUT slave
 * with one connection accepted and no HELLO sent yet. */
static void settle(struct cf_run *r, bool set)
{
	if (r->o->we_master && r->pending < 0) {
		struct cf_peer tmp = { .fd = -1 };
		char saved[CF_NOTE_LEN];

		memcpy(saved, r->note, sizeof(saved));
		if (cf_master_accept(r, &tmp) == 0)
			r->pending = tmp.fd;
		memcpy(r->note, saved, sizeof(saved));
	}
	if (set)
		cf_iut_set_baseline(r);
}

static enum cf_result post_hostile(struct cf_run *r, enum cf_result res)
{
	if (!cf_iut_alive(r)) {
		r->iut_gone = true;
		return cf_fail(r, "the IUT process died");
	}
	if (cf_liveness(r) < 0)
		res = CF_FAIL;
	if (!cf_iut_alive(r)) {
		r->iut_gone = true;
		return cf_fail(r, "the IUT process died");
	}
	settle(r, false);
	if (!(r->o->we_master && r->pending < 0) &&
	    !cf_iut_at_baseline(r, 2000))
		res = CF_FAIL;
	/* A crash a moment after the teardown belongs to this check. */
	cf_sleep_ms(r->o->pid ? 50 : 0);
	if (!cf_iut_alive(r)) {
		r->iut_gone = true;
		return cf_fail(r, "the IUT process died");
	}
	return res;
}

static enum cf_result run_one(struct cf_run *r, const struct cf_check *c)
{
	const struct cf_opts *o = r->o;
	enum cf_result res;

	r->note[0] = 0;
	r->cur = c;
	r->no_kick = false;
	r->no_count = false;
	if ((c->flags & CF_ECHO) && !o->echo)
		return cf_na(r, "needs an IUT that echoes (--echo)");
	if ((c->flags & CF_SECRET) && !o->secret)
		return cf_na(r, "needs an IUT with a secret (--secret)");
	if ((c->flags & CF_NOSECRET) && o->secret)
		return cf_na(r, "needs an IUT without a secret");
	if ((c->flags & CF_ID2) && !o->has_id2)
		return cf_na(r, "needs a second interface id (--id2)");
	if ((c->flags & CF_PID) && !o->pid)
		return cf_na(r, "needs the IUT's pid (--pid)");
	if (!(c->flags & CF_SUMMARY) && !cf_iut_alive(r)) {
		r->iut_gone = true;
		return cf_fail(r, "the IUT process died before this check, "
				  "after the previous one");
	}
	if (o->we_master && r->pending < 0 && !(c->flags & CF_SUMMARY))
		settle(r, false);
	res = c->run(r, c->arg);
	if ((c->flags & CF_HOSTILE) && res != CF_NA)
		res = post_hostile(r, res);
	if (!r->note[0])
		cf_note(r, "as expected");
	return res;
}

static void print_line(FILE *f, const struct result *x)
{
	fprintf(f, "%-4s %-16s %s%s -- %s\n", res_names[x->res], x->c->id,
		x->c->desc, x->c->flags & CF_SHOULD ? " (SHOULD)" : "",
		x->note);
	fflush(f);
}

static void print_json(const struct cf_opts *o, const struct result *res,
		       unsigned n, const unsigned *count, bool gone)
{
	unsigned i;

	printf("{\"tool\": \"memif-conform\", \"role\": ");
	json_str(stdout, o->we_master ? "master" : "slave");
	printf(", \"iut_role\": ");
	json_str(stdout, o->we_master ? "slave" : "master");
	printf(", \"socket\": ");
	json_str(stdout, o->socket);
	printf(", \"id\": %u, \"echo\": %s, \"pid\": %d, \"iut_gone\": %s,\n",
	       o->id, o->echo ? "true" : "false", (int)o->pid,
	       gone ? "true" : "false");
	printf(" \"summary\": {\"pass\": %u, \"fail\": %u, \"na\": %u},\n",
	       count[CF_PASS], count[CF_FAIL], count[CF_NA]);
	printf(" \"checks\": [\n");
	for (i = 0; i < n; i++) {
		printf("  {\"id\": ");
		json_str(stdout, res[i].c->id);
		printf(", \"result\": ");
		json_str(stdout, res_names[res[i].res]);
		printf(", \"level\": \"%s\", \"description\": ",
		       res[i].c->flags & CF_SHOULD ? "should" : "must");
		json_str(stdout, res[i].c->desc);
		printf(", \"reaction\": ");
		json_str(stdout, res[i].note);
		printf("}%s\n", i + 1 < n ? "," : "");
	}
	printf(" ]\n}\n");
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

int main(int argc, char **argv)
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
		{ "list", no_argument, NULL, 'l' },
		{ "only", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cf_opts o = { .timeout_ms = 5000, .packets = 70000 };
	const char *role = NULL, *only = NULL;
	const struct cf_check *tables[2];
	struct cf_run r = { .o = &o,
			    .lfd = -1,
			    .pending = -1,
			    .base_fds = -1,
			    .base_maps = -1 };
	struct result *res;
	unsigned count[3] = { 0 }, n = 0, cap = 0, ti;
	bool list = false;
	uint32_t v;
	int c;

	while ((c = getopt_long(argc, argv, "vh", lo, NULL)) != -1) {
		switch (c) {
		case 'r':
			role = optarg;
			break;
		case 's':
			o.socket = optarg;
			break;
		case 'i':
		case 'I':
			if (parse_u32(optarg, &v) < 0)
				goto out_usage;
			if (c == 'i') {
				o.id = v;
			} else {
				o.id2 = v;
				o.has_id2 = true;
			}
			break;
		case 'S':
			o.secret = optarg[0] ? optarg : NULL;
			if (strlen(optarg) >= MEMIF_SECRET_LEN)
				goto out_usage;
			break;
		case 'm':
			if (!strcmp(optarg, "ethernet"))
				o.mode = MEMIF_INTERFACE_MODE_ETHERNET;
			else if (!strcmp(optarg, "ip"))
				o.mode = MEMIF_INTERFACE_MODE_IP;
			else if (!strcmp(optarg, "punt"))
				o.mode = MEMIF_INTERFACE_MODE_PUNT_INJECT;
			else
				goto out_usage;
			break;
		case 'e':
			o.echo = true;
			break;
		case 'p':
			if (parse_u32(optarg, &v) < 0 || !v)
				goto out_usage;
			o.pid = (pid_t)v;
			break;
		case 't':
			if (parse_u32(optarg, &v) < 0 || v < 100 || v > 600000)
				goto out_usage;
			o.timeout_ms = (int)v;
			break;
		case 'n':
			if (parse_u32(optarg, &v) < 0 || !v)
				goto out_usage;
			o.packets = v;
			break;
		case 'k':
			o.kick = optarg;
			break;
		case 'l':
			list = true;
			break;
		case 'o':
			only = optarg;
			break;
		case 'j':
			o.json = true;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			goto out_usage;
		}
	}
	if (role && strcmp(role, "master") && strcmp(role, "slave"))
		goto out_usage;
	o.we_master = role && !strcmp(role, "master");
	if (list) {
		if (!role || o.we_master)
			list_table(cf_master_checks, "master");
		if (!role || !o.we_master)
			list_table(cf_slave_checks, "slave");
		list_table(cf_common_checks, role ? role : "both");
		return 0;
	}
	if (!role || !o.socket || optind != argc)
		goto out_usage;
	signal(SIGPIPE, SIG_IGN);
	if (o.we_master) {
		r.lfd = cf_listen(o.socket);
		if (r.lfd < 0) {
			fprintf(stderr, "memif-conform: listen on %s: %s\n",
				o.socket, strerror(-r.lfd));
			return EXIT_USAGE;
		}
	}
	if (o.pid && !cf_iut_alive(&r)) {
		fprintf(stderr, "memif-conform: no process %d\n", (int)o.pid);
		return EXIT_USAGE;
	}
	settle(&r, true);
	if (o.verbose && o.pid)
		fprintf(stderr, "IUT %d baseline: %d fds, %d memfd maps\n",
			(int)o.pid, r.base_fds, r.base_maps);
	tables[0] = o.we_master ? cf_master_checks : cf_slave_checks;
	tables[1] = cf_common_checks;
	for (ti = 0; ti < 2; ti++)
		for (const struct cf_check *t = tables[ti]; t->id; t++)
			if (selected(only, t->id) || (t->flags & CF_SUMMARY))
				cap++;
	res = calloc(cap ? cap : 1, sizeof(*res));
	if (!res)
		return EXIT_USAGE;
	for (ti = 0; ti < 2 && !r.iut_gone; ti++) {
		for (const struct cf_check *t = tables[ti]; t->id; t++) {
			struct result *x = &res[n];

			if (!selected(only, t->id) && !(t->flags & CF_SUMMARY))
				continue;
			if (o.verbose)
				fprintf(stderr, "... %s\n", t->id);
			x->c = t;
			x->res = run_one(&r, t);
			x->note = strdup(r.note[0] ? r.note : " ");
			if (!x->note)
				return EXIT_USAGE;
			count[x->res]++;
			print_line(o.json ? stderr : stdout, x);
			n++;
			if (r.iut_gone)
				break;
		}
	}
	if (r.iut_gone)
		fprintf(o.json ? stderr : stdout,
			"the IUT process is gone: the remaining checks were "
			"not run\n");
	fprintf(o.json ? stderr : stdout,
		"memif-conform: role %s (IUT %s): %u passed, %u failed, %u not "
		"applicable\n",
		o.we_master ? "master" : "slave",
		o.we_master ? "slave" : "master", count[CF_PASS],
		count[CF_FAIL], count[CF_NA]);
	if (o.json)
		print_json(&o, res, n, count, r.iut_gone);
	fflush(stdout);
	for (ti = 0; ti < n; ti++)
		if (res[ti].note[0])
			free(res[ti].note);
	free(res);
	if (r.pending >= 0)
		close(r.pending);
	if (r.lfd >= 0) {
		close(r.lfd);
		if (o.socket[0] != '@')
			unlink(o.socket);
	}
	if (r.iut_gone)
		return EXIT_IUT_GONE;
	return count[CF_FAIL] ? 1 : 0;

out_usage:
	usage(stderr);
	return EXIT_USAGE;
}

/* ---- run-wide checks --------------------------------------------------------- */

static enum cf_result sum_size(struct cf_run *r, long arg)
{
	if (!r->st.msgs)
		return cf_na(r, "no message received");
	if (r->st.bad_size)
		return cf_fail(r, "%u of %u messages: e.g. %s", r->st.bad_size,
			       r->st.msgs, r->st.bad_size_ex);
	cf_note(r, "all %u messages were 128-byte datagrams", r->st.msgs);
	return CF_PASS;
}

static enum cf_result sum_fds(struct cf_run *r, long arg)
{
	if (!r->st.msgs)
		return cf_na(r, "no message received");
	if (r->st.bad_fds)
		return cf_fail(r, "%u messages: e.g. %s", r->st.bad_fds,
			       r->st.bad_fds_ex);
	cf_note(r, "fds only on ADD_REGION/ADD_RING, one each (%u messages)",
		r->st.msgs);
	return CF_PASS;
}

static enum cf_result sum_strings(struct cf_run *r, long arg)
{
	if (!r->st.msgs)
		return cf_na(r, "no message received");
	if (r->st.unterminated)
		return cf_fail(r, "%u fields: e.g. %s", r->st.unterminated,
			       r->st.unterminated_ex);
	cf_note(r, "every string field NUL-terminated (%u messages)",
		r->st.msgs);
	return CF_PASS;
}

static enum cf_result sum_pad(struct cf_run *r, long arg)
{
	if (!r->st.msgs)
		return cf_na(r, "no message received");
	if (r->st.dirty_pad)
		return cf_fail(r, "%u messages: e.g. %s", r->st.dirty_pad,
			       r->st.dirty_pad_ex);
	cf_note(r, "all undefined bytes zero (%u messages)", r->st.msgs);
	return CF_PASS;
}

static enum cf_result sum_disc(struct cf_run *r, long arg)
{
	if (!r->st.rejects)
		return cf_na(r, "no rejection observed");
	if (r->st.rejects_silent)
		return cf_fail(r,
			       "%u of %u rejections closed without a "
			       "DISCONNECT reason: %s",
			       r->st.rejects_silent, r->st.rejects,
			       r->st.silent_ids);
	cf_note(r, "all %u rejections carried a reason", r->st.rejects);
	return CF_PASS;
}

static enum cf_result sum_leaks(struct cf_run *r, long arg)
{
	if (!r->o->pid)
		return cf_na(r, "needs the IUT's pid (--pid)");
	if (!r->st.fd_checks)
		return cf_na(r, "no teardown measured");
	if (r->st.fd_leaks)
		return cf_fail(r,
			       "%u of %u teardowns left fds or mappings "
			       "behind: %s",
			       r->st.fd_leaks, r->st.fd_checks, r->st.leak_ids);
	cf_note(r,
		"fds and memfd mappings back at baseline after all %u "
		"teardowns",
		r->st.fd_checks);
	return CF_PASS;
}

const struct cf_check cf_common_checks[] = {
	{ "C3", "every message the IUT sent was one 128-byte datagram",
	  CF_SUMMARY, sum_size, 0 },
	{ "C4", "fds only on ADD_REGION/ADD_RING, exactly one each", CF_SUMMARY,
	  sum_fds, 0 },
	{ "C5", "string fields NUL-terminated within the field", CF_SUMMARY,
	  sum_strings, 0 },
	{ "C5.zero", "undefined bytes and bytes after a NUL are zero",
	  CF_SUMMARY | CF_SHOULD, sum_pad, 0 },
	{ "C66", "every rejection is a DISCONNECT with a reason, then close",
	  CF_SUMMARY, sum_disc, 0 },
	{ "C68",
	  "fds and memfd mappings back at baseline after every "
	  "teardown",
	  CF_SUMMARY, sum_leaks, 0 },
	{ NULL, NULL, 0, NULL, 0 },
};
