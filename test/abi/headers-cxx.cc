// SPDX-License-Identifier: MIT
// The public headers compile as C++ too.
#include <memif/memif.h>
#include <memif/memif_proto.h>

int main()
{
	struct memif_config cfg = {};
	struct memif_tx_pkt p = { nullptr, 0 };

	cfg.is_master = true;
	return cfg.is_master && p.len == 0 && sizeof(memif_msg) == 128 ? 0 : 1;
}
