// SPDX-License-Identifier: MIT
// The public headers compile as C++11 too, at -Wall -Wextra -pedantic.
#include <memif/memif.h>
#include <memif/memif_proto.h>

static_assert(MEMIF_NATIVE_VERSION ==
		      MEMIF_NATIVE_VERSION_AT(MEMIF_NATIVE_VERSION_MAJOR,
					      MEMIF_NATIVE_VERSION_MINOR,
					      MEMIF_NATIVE_VERSION_PATCH),
	      "version macros");

int main()
{
	struct memif_config cfg = {};
	struct memif_tx_pkt p = { nullptr, 0 };
	static struct memif_ring ring;
	const char *version = MEMIF_NATIVE_VERSION_STRING;

	cfg.is_master = true;
	return cfg.is_master && p.len == 0 && sizeof(memif_msg) == 128 &&
			       sizeof(ring.desc[0]) == 16 && version[0] ?
		       0 :
		       1;
}
