/* SPDX-License-Identifier: MIT */
/* The public headers stand alone and together under -std=c11 -pedantic. */
#include <memif/memif.h>
#include <memif/memif_proto.h>
#include <memif/memif.h>

int main(void)
{
	struct memif_config cfg = { .if_name = "memif0", .is_master = true };
	struct memif_msg msg = { .type = MEMIF_MSG_TYPE_ACK };

	return cfg.is_master && msg.type == 1 ? 0 : 1;
}
