/* SPDX-License-Identifier: MIT */
/* The public headers stand alone and together under -std=c11 -pedantic. */
#include <memif/memif.h>
#include <memif/memif_proto.h>
#include <memif/memif.h>

#if MEMIF_NATIVE_VERSION < MEMIF_NATIVE_VERSION_AT(0, 1, 0)
#error "version macros"
#endif

int main(void)
{
	struct memif_config cfg = { .if_name = "memif0", .is_master = true };
	struct memif_msg msg = { .type = MEMIF_MSG_TYPE_ACK };

	const char *version = MEMIF_NATIVE_VERSION_STRING;

	return cfg.is_master && msg.type == 1 && version[0] ? 0 : 1;
}
