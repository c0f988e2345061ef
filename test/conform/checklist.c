/* SPDX-License-Identifier: MIT */
/*
 * The checklist, printed from the check tables themselves: --list gives
 * one line per check for scripts, --checklist the Markdown document kept
 * in the repository as test/conform/CHECKLIST.md.  Both come from the same
 * tables that the runner uses, so neither can drift from what is checked.
 */
#include <stdio.h>
#include <string.h>

#include "conform.h"

static const char *level(const struct cf_check *c)
{
	return c->flags & CF_SHOULD ? "SHOULD" : "MUST";
}

static void list_table(FILE *f, const struct cf_check *t, const char *role)
{
	for (; t->id; t++)
		fprintf(f, "%-7s %-16s %-6s %s\n", role, t->id, level(t),
			t->desc);
}

void cf_list_checks(FILE *f, const char *role)
{
	bool master = role && !strcmp(role, "master");
	bool slave = role && !strcmp(role, "slave");

	/* Anything but one role ("both", or none given) lists both. */
	if (!master && !slave)
		master = slave = true;
	if (master)
		list_table(f, cf_master_checks, "master");
	if (slave)
		list_table(f, cf_slave_checks, "slave");
	list_table(f, cf_common_checks, master && slave ? "both" : role);
}

/* ---- Markdown ------------------------------------------------------------ */

/* Table cells: a '|' would end the cell. */
static void md_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputc('\\', f);
		fputc(*s, f);
	}
}

/* What a check needs beyond --role and --socket, and whether the liveness
 * and baseline checks follow it; in the order of conform.h. */
static const struct {
	unsigned flag;
	const char *text;
} notes[] = {
	{ CF_HOSTILE, "hostile" },
	{ CF_ECHO, "needs `--echo`" },
	{ CF_SECRET, "needs `--secret`" },
	{ CF_NOSECRET, "needs an IUT without a secret" },
	{ CF_ID2, "needs `--id2`" },
	{ CF_PID, "needs `--pid` or `--iut`" },
};

static void md_table(FILE *f, const struct cf_check *t)
{
	size_t i;

	fputs("| Check | Level | Requirement | Why |\n"
	      "|---|---|---|---|\n",
	      f);
	for (; t->id; t++) {
		unsigned n = 0;

		fputs("| ", f);
		md_text(f, t->id);
		fprintf(f, " | %s | ", level(t));
		md_text(f, t->desc);
		for (i = 0; i < sizeof(notes) / sizeof(notes[0]); i++)
			if (t->flags & notes[i].flag)
				fprintf(f, "%s%s", n++ ? "; " : " *(",
					notes[i].text);
		if (n)
			fputs(")*", f);
		fputs(" | ", f);
		/* An entry without a why shows as an empty cell, which the
		 * test of this file reports. */
		md_text(f, t->why ? t->why : "");
		fputs(" |\n", f);
	}
}

/* The CHECKLIST.md text with the three tables in it: long, but flat. */
void cf_print_checklist(FILE *f)
{
	fputs("# memif-conform checklist\n"
	      "\n"
	      "`memif-conform` plays one side of a memif (protocol 2.0) "
	      "connection against an\n"
	      "implementation under test (IUT) and reports each check below "
	      "as PASS, FAIL or\n"
	      "N/A, with the reaction it observed.  The ids C1 to C68 are "
	      "the items of the\n"
	      "memif protocol's conformance checklist (a suffix such as "
	      "`.dup` names one case\n"
	      "of an item); ids starting with B, E, F, J and K, and CH for "
	      "bad HELLOs, come\n"
	      "from a catalog of bad input a hostile peer can send; HS "
	      "(handshake shapes) and\n"
	      "RF (ring full) are the tool's own.  This document is all a "
	      "tester needs: each\n"
	      "row says what is checked and why it matters.\n"
	      "\n"
	      "- `--role slave`: memif-conform is the slave and connects to "
	      "the IUT, which is\n"
	      "  the master.  `--role master`: memif-conform listens as the "
	      "master and the IUT\n"
	      "  is a slave that connects to it.\n"
	      "- MUST is a requirement of the protocol; SHOULD is a "
	      "recommendation.  A failed\n"
	      "  SHOULD is reported as FAIL with \"(SHOULD)\" after its "
	      "description.\n"
	      "- A *hostile* check sends something a correct peer never "
	      "sends.  Whatever its\n"
	      "  own verdict, it fails unless afterwards the IUT process is "
	      "still alive, a\n"
	      "  fresh good handshake succeeds (with `--echo`, one packet "
	      "goes through it),\n"
	      "  and, when memif-conform knows the IUT's process (`--pid`, "
	      "or `--iut` when it\n"
	      "  starts the IUT), the IUT's open fds and memfd mappings are "
	      "back at the counts\n"
	      "  measured at the start of the run.\n"
	      "- A check that needs an option the run lacks (`--echo`: the "
	      "IUT reflects every\n"
	      "  packet; `--secret`; `--id2`: a second master interface id; "
	      "an IUT without a\n"
	      "  secret) is N/A.\n"
	      "- The run-wide checks of the last section are evaluated at "
	      "the end of a run,\n"
	      "  over every message the IUT sent and every rejection and "
	      "teardown seen during\n"
	      "  it, so their verdict depends on which checks ran.\n"
	      "\n"
	      "`memif-conform --role ROLE --list` prints the same checks one "
	      "per line, and\n"
	      "`--only ID[,ID]` runs some of them (`--only C22` runs every "
	      "C22 case).\n"
	      "\n"
	      "This file is generated by `memif-conform --checklist` from the "
	      "tool's check\n"
	      "tables; the meson test `conform-checklist` fails when it "
	      "differs from them.\n"
	      "Regenerate it with `memif-conform --checklist > "
	      "test/conform/CHECKLIST.md`.\n"
	      "\n"
	      "## IUT as master (memif-conform --role slave)\n"
	      "\n"
	      "memif-conform connects to the IUT's socket as a slave.\n"
	      "\n",
	      f);
	md_table(f, cf_slave_checks);
	fputs("\n"
	      "## IUT as slave (memif-conform --role master)\n"
	      "\n"
	      "memif-conform listens as the master; the IUT connects to it.  "
	      "A slave that\n"
	      "connects only once needs `--kick CMD` (or `--iut`, which "
	      "starts it again).\n"
	      "\n",
	      f);
	md_table(f, cf_master_checks);
	fputs("\n"
	      "## Both roles: run-wide checks\n"
	      "\n"
	      "Evaluated at the end of a run in either role.\n"
	      "\n",
	      f);
	md_table(f, cf_common_checks);
}
