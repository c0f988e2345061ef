/* SPDX-License-Identifier: MIT */
/* <memif/memif_proto.h> alone. */
#include <memif/memif_proto.h>

int main(void)
{
	return sizeof(struct memif_ring) == MEMIF_RING_HDR_SIZE ? 0 : 1;
}
