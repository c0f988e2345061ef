/* SPDX-License-Identifier: MIT */
/*
 * MEMIF_ERR_* codes: the single -errno -> code converter (and the thread's
 * errno behind MEMIF_ERR_SYSCALL), faults and peer DISCONNECT reasons ->
 * codes, and memif_strerror.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

static _Thread_local int last_errno;

/* ---- errors ------------------------------------------------------------- */

int memif__err_from_errno(int neg_errno)
{
	switch (-neg_errno) {
	case 0:
		return MEMIF_OK;
	case ECONNREFUSED:
		return MEMIF_ERR_CONNREFUSED;
	case EACCES:
		return MEMIF_ERR_ACCES;
	case ENOENT:
		return MEMIF_ERR_NO_FILE;
	case ENFILE:
		return MEMIF_ERR_FILE_LIMIT;
	case EMFILE:
		return MEMIF_ERR_PROC_FILE_LIMIT;
	case EALREADY:
		return MEMIF_ERR_ALREADY;
	case EAGAIN:
		return MEMIF_ERR_AGAIN;
	case EBADF:
		return MEMIF_ERR_BAD_FD;
	case ENOMEM:
		return MEMIF_ERR_NOMEM;
	case EINVAL:
		return MEMIF_ERR_INVAL_ARG;
	case ENOTSOCK:
		return MEMIF_ERR_FILE_NOT_SOCK;
	default:
		last_errno = -neg_errno;
		return MEMIF_ERR_SYSCALL;
	}
}

int memif__err_from_fault(enum memif_fault f)
{
	switch (f) {
	case MEMIF_FAULT_NONE:
		return MEMIF_OK;
	case MEMIF_FAULT_UNKNOWN_TYPE:
		return MEMIF_ERR_UNKNOWN_MSG;
	case MEMIF_FAULT_VERSION:
		return MEMIF_ERR_PROTO;
	case MEMIF_FAULT_NO_REGION_FD:
	case MEMIF_FAULT_REGION_FD:
	case MEMIF_FAULT_REGION_UNSEALED:
	case MEMIF_FAULT_MMAP:
		return MEMIF_ERR_NO_SHMFD;
	case MEMIF_FAULT_REGION_INDEX:
	case MEMIF_FAULT_TOO_MANY_REGIONS:
		return MEMIF_ERR_MAXREG;
	case MEMIF_FAULT_NO_RING_FD:
	case MEMIF_FAULT_RING_FD:
	case MEMIF_FAULT_RING_FD_SEMAPHORE:
		return MEMIF_ERR_NO_INTFD;
	case MEMIF_FAULT_RING_INDEX:
	case MEMIF_FAULT_TOO_MANY_RINGS:
		return MEMIF_ERR_MAXRING;
	case MEMIF_FAULT_RING_LOG2:
		return MEMIF_ERR_MAX_RING;
	case MEMIF_FAULT_PRIVATE_HDR:
		return MEMIF_ERR_PRIVHDR;
	case MEMIF_FAULT_ID:
		return MEMIF_ERR_ID;
	case MEMIF_FAULT_ALREADY_CONNECTED:
		return MEMIF_ERR_ALRCONN;
	case MEMIF_FAULT_MODE:
		return MEMIF_ERR_MODE;
	case MEMIF_FAULT_SECRET_REQUIRED:
		return MEMIF_ERR_NOSECRET;
	case MEMIF_FAULT_SECRET:
		return MEMIF_ERR_SECRET;
	case MEMIF_FAULT_COOKIE:
		return MEMIF_ERR_COOKIE;
	case MEMIF_FAULT_INTERNAL:
		return MEMIF_ERR_NOMEM;
	default:
		return MEMIF_ERR_MFMSG;
	}
}

/*
 * The error code a peer's DISCONNECT reason stands for, so that the
 * application that was refused learns why from its error fd, not only
 * "peer disconnected".  Keywords cover our reasons and those of VPP, DPDK
 * and the reference C library, in any case.
 */
int memif__err_from_reason(const char *reason)
{
	static const struct {
		const char *word;
		int code;
	} map[] = {
		{ "secret required", MEMIF_ERR_NOSECRET },
		{ "secret", MEMIF_ERR_SECRET },
		{ "interface id", MEMIF_ERR_ID },
		{ "id mismatch", MEMIF_ERR_ID },
		{ "already connected", MEMIF_ERR_ALRCONN },
		{ "mode", MEMIF_ERR_MODE },
		{ "version", MEMIF_ERR_PROTO },
		{ "too many rings", MEMIF_ERR_MAXRING },
		{ "too many regions", MEMIF_ERR_MAXREG },
		{ "private header", MEMIF_ERR_PRIVHDR },
		{ "cookie", MEMIF_ERR_COOKIE },
		{ "interrupt fd", MEMIF_ERR_NO_INTFD },
		{ "region", MEMIF_ERR_NO_SHMFD },
	};
	unsigned i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcasestr(reason, map[i].word))
			return map[i].code;
	return MEMIF_ERR_DISCONNECT;
}

static const char *const err_str[] = {
	[MEMIF_OK] = "success",
	[MEMIF_ERR_SYSCALL] = "system call failed",
	[MEMIF_ERR_CONNREFUSED] = "connection refused",
	[MEMIF_ERR_ACCES] = "permission denied",
	[MEMIF_ERR_NO_FILE] = "no such file or directory",
	[MEMIF_ERR_FILE_LIMIT] = "system open file limit reached",
	[MEMIF_ERR_PROC_FILE_LIMIT] = "process open file limit reached",
	[MEMIF_ERR_ALREADY] = "connection already requested",
	[MEMIF_ERR_AGAIN] = "try again",
	[MEMIF_ERR_BAD_FD] = "bad file descriptor",
	[MEMIF_ERR_NOMEM] = "out of memory",
	[MEMIF_ERR_INVAL_ARG] = "invalid argument",
	[MEMIF_ERR_NOCONN] = "handle does not refer to an interface",
	[MEMIF_ERR_CONN] = "handle already refers to an interface",
	[MEMIF_ERR_CB_FDUPDATE] = "fd update callback failed",
	[MEMIF_ERR_FILE_NOT_SOCK] = "file is not a socket",
	[MEMIF_ERR_NO_SHMFD] = "missing or invalid shared memory region",
	[MEMIF_ERR_COOKIE] = "ring cookie mismatch",
	[MEMIF_ERR_NOBUF_RING] = "ring buffer full",
	[MEMIF_ERR_NOBUF] = "not enough buffers",
	[MEMIF_ERR_NOBUF_DET] = "details buffer too small",
	[MEMIF_ERR_INT_WRITE] = "interrupt write failed",
	[MEMIF_ERR_MFMSG] = "malformed message",
	[MEMIF_ERR_QID] = "invalid queue id",
	[MEMIF_ERR_PROTO] = "incompatible protocol version",
	[MEMIF_ERR_ID] = "unmatched interface id",
	[MEMIF_ERR_ACCSLAVE] = "slave cannot accept connections",
	[MEMIF_ERR_ALRCONN] = "interface already connected",
	[MEMIF_ERR_MODE] = "mode mismatch",
	[MEMIF_ERR_SECRET] = "secret mismatch",
	[MEMIF_ERR_NOSECRET] = "secret required",
	[MEMIF_ERR_MAXREG] = "too many regions",
	[MEMIF_ERR_MAXRING] = "too many rings",
	[MEMIF_ERR_NO_INTFD] = "missing or invalid interrupt fd",
	[MEMIF_ERR_DISCONNECT] = "peer disconnected",
	[MEMIF_ERR_DISCONNECTED] = "interface not connected",
	[MEMIF_ERR_UNKNOWN_MSG] = "unknown message type",
	[MEMIF_ERR_POLL_CANCELED] = "event polling cancelled",
	[MEMIF_ERR_MAX_RING] = "log2 ring size above 14",
	[MEMIF_ERR_PRIVHDR] = "private headers not supported",
};

const char *memif_strerror(int code)
{
	switch (code) {
	case MEMIF_ERR_NOT_INIT:
		return "library not initialised";
	case MEMIF_ERR_ALREADY_INIT:
		return "library already initialised";
	case MEMIF_ERR_UNSUPPORTED:
		return "not supported";
	case MEMIF_ERR_EOF:
		return "end of file";
	case MEMIF_ERR_WOULD_DEADLOCK:
		return "would deadlock: called from a callback";
	case MEMIF_ERR_PKT_LEN:
		return "invalid packet length";
	case MEMIF_ERR_UNKNOWN:
		return "unknown error";
	}
	if (code < 0 || (size_t)code >= sizeof(err_str) / sizeof(err_str[0]) ||
	    !err_str[code])
		return "unknown error";
	return err_str[code];
}

int memif_errno(void)
{
	return last_errno;
}
