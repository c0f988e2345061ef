/* SPDX-License-Identifier: MIT */
/*
 * /proc readers shared by the tests, memif-conform and memif-scale (no
 * Check, no library): open fds of a process, one field of a status
 * file, and the page size a mapping has.
 */
#ifndef MEMIF_TEST_PROC_H
#define MEMIF_TEST_PROC_H

/* Entries of the fd directory @dir ("/proc/PID/fd"), or -1.  For
 * "/proc/self/fd" this counts the directory's own fd too. */
int proc_count_fds(const char *dir);

/* The number in the "@key:   123 kB" line of the status file @path
 * ("/proc/self/status", a task's), or -1. */
long proc_status_field(const char *path, const char *key);

/* The page size the kernel maps @addr of this process with, in KiB
 * (/proc/self/smaps), or 0 when it cannot tell. */
unsigned long proc_page_kib(const void *addr);

#endif /* MEMIF_TEST_PROC_H */
