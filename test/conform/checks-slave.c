/* SPDX-License-Identifier: MIT */
/*
 * Checks run with --role slave: memif-conform is the slave, the IUT is the
 * master (spec/memif-protocol.md §8.1, §8.2, §8.4, §8.5, §8.7 and
 * spec/hostile-peer.md §3 A-K as seen by a master): the table of them, in
 * the order they run, with what each requires and why.  The checks
 * themselves are in checks-*.c by topic (checks.h).
 */
#include "checks.h"

#define H CF_HOSTILE
#define E CF_ECHO

const struct cf_check cf_slave_checks[] = {
	{ "C1", "the IUT master accepts a SOCK_SEQPACKET connection",
	  "Slaves connect with SOCK_SEQPACKET and rely on message "
	  "boundaries; a master that listens with another socket type, or "
	  "elsewhere, is unreachable for every memif slave.",
	  0, slave_c1_connect, 0 },
	{ "C14", "HELLO first: versions 0x0200, maxima, NUL-terminated name",
	  "Slaves send nothing until HELLO and size their rings from it; a "
	  "master that sends no HELLO, a version range without 2.0, a ring "
	  "maximum below 1024 entries or an unterminated name is refused or "
	  "misread by standard slaves.",
	  0, slave_c14_hello, 0 },
	{ "C15",
	  "lock-step: one ACK per request, CONNECTED, nothing "
	  "unsolicited",
	  "An ACK carries no correlation data, so a slave matches replies to "
	  "requests by count; a master that answers twice or sends anything "
	  "unsolicited shifts every later reply and the slave's handshake "
	  "goes wrong.",
	  0, slave_c15_lockstep, 0 },
	{ "C6", "undefined bytes full of garbage are ignored",
	  "libmemif, VPP and Go slaves send stale bytes in the parts of a "
	  "message a type does not use; a master that requires zero padding "
	  "refuses them, so real slaves cannot connect.",
	  0, slave_c6_garbage, 0 },
	{ "C7", "32-byte names without a NUL are accepted",
	  "Go slaves send names of 32 bytes or more without a NUL; a master "
	  "must stop at the end of the field (libmemif and DPDK read past "
	  "it), and refusing the name breaks interworking with gomemif.",
	  H, slave_c7_long_names, 0 },
	{ "C20.ok", "the right secret, garbage after its NUL, is accepted",
	  "The secret is a C string inside a 24-byte field; a master that "
	  "compares all 24 bytes, as gomemif does, refuses slaves with the "
	  "right secret whose field has stale bytes after the NUL.",
	  CF_SECRET, slave_c20_garbage, 0 },
	{ "C21", "a secret the IUT does not need is accepted",
	  "An interface without a secret ignores the INIT secret in VPP, "
	  "libmemif and DPDK; a master that refuses a slave for sending one "
	  "breaks slaves set up with a secret for other masters.",
	  CF_NOSECRET, slave_c21_unneeded_secret, 0 },
	{ "HS.log2-1", "handshake (and echo) with 2-entry rings",
	  "The slave chooses the ring size up to the master's maximum; with "
	  "two entries every wrap, mask and full-ring case comes at once, so "
	  "an off-by-one in the master's index arithmetic shows here first.",
	  0, slave_hs_log2, 1 },
	{ "HS.log2-2", "handshake (and echo) with 4-entry rings",
	  "Four-entry rings wrap every few packets; a master that assumes a "
	  "minimum ring size, or derives its masks wrongly, loses or repeats "
	  "packets.",
	  0, slave_hs_log2, 2 },
	{ "HS.log2-7", "handshake (and echo) with 128-entry rings",
	  "A 128-entry ring is a size the other checks do not use; it "
	  "catches a master that assumes the default of 1024 entries "
	  "anywhere in its ring setup.",
	  0, slave_hs_log2, 7 },
	{ "HS.log2-12", "handshake (and echo) with 4096-entry rings",
	  "4096-entry rings with their buffers make a region of over 16 MiB; "
	  "a master that assumes the default ring size, or small regions, "
	  "fails to map or bound-check it.",
	  0, slave_hs_log2, 12 },
	{ "HS.log2-14", "handshake (and echo) with 16384-entry rings",
	  "16384 entries is the protocol's largest ring, and every master "
	  "advertises it; a master must handle the largest mask and a region "
	  "of dozens of MiB, or slaves configured for big rings cannot "
	  "connect.",
	  0, slave_hs_log2, 14 },
	{ "HS.buf-128", "handshake (and echo, chains) with 128-byte buffers",
	  "The master learns the buffer size only from descriptor lengths; "
	  "with 128-byte buffers most frames are chains, so a master that "
	  "assumes 2048 bytes overruns the buffers or breaks the chains.",
	  0, slave_hs_buf, 128 },
	{ "HS.buf-1000", "handshake (and echo, chains) with 1000-byte buffers",
	  "A buffer size that is not a power of two catches a master that "
	  "computes buffer positions with shifts and masks instead of taking "
	  "each descriptor's offset and length.",
	  0, slave_hs_buf, 1000 },
	{ "HS.buf-9216", "handshake (and echo) with 9216-byte buffers",
	  "9216-byte buffers hold a jumbo frame in a single slot; a master "
	  "with a smaller fixed copy limit truncates or drops such frames.",
	  0, slave_hs_buf, 9216 },
	{ "HS.buf-65535", "handshake (and echo) with 65535-byte buffers",
	  "65535 bytes is the largest buffer DPDK configures; a master that "
	  "keeps lengths in fewer bits or sizes its copies by a fixed "
	  "maximum truncates frames or misjudges region bounds.",
	  0, slave_hs_buf, 65535 },
	{ "C36.max", "as many rings as advertised (up to 256 each way) connect",
	  "A master should accept every ring count it advertises in HELLO; "
	  "one that advertises 255 but accepts fewer fails slaves that trust "
	  "HELLO, which is why libmemif and DPDK need equal queue counts on "
	  "both sides.",
	  CF_SHOULD, slave_c36_max, 0 },
	{ "C40", "two slaves with different ids, interleaved",
	  "One socket serves many interfaces, told apart by the id in INIT; "
	  "a master that keeps handshake state per socket rather than per "
	  "connection mixes up the regions and rings of slaves connecting at "
	  "the same time.",
	  CF_ID2, slave_c40_two_ids, 0 },
	{ "C8.64", "a 64-byte datagram is refused",
	  "Every message is 128 bytes; a master that parses a 64-byte "
	  "datagram reads half the message from bytes nobody sent (stale "
	  "buffer contents), so any client that can reach the socket steers "
	  "it.",
	  H, slave_c8_c9_size, 64 },
	{ "C8.1", "a 1-byte datagram is refused",
	  "One byte does not even hold the type; a master that reads a type "
	  "from it picks its handler from uninitialised memory.",
	  H, slave_c8_c9_size, 1 },
	{ "C9.129", "a 129-byte datagram (MSG_TRUNC) is refused",
	  "The kernel cuts a 129-byte datagram to 128 and sets MSG_TRUNC; a "
	  "master that ignores the flag acts on a message that is not the "
	  "one the peer sent.",
	  H, slave_c8_c9_size, 129 },
	{ "C9.4096", "a 4096-byte datagram is refused",
	  "A peer speaking something other than memif sends larger "
	  "datagrams; a master that ignores MSG_TRUNC treats their first 128 "
	  "bytes as a memif message.",
	  H, slave_c8_c9_size, 4096 },
	{ "C10.0", "message type 0 is refused",
	  "Type 0 (NONE) is never sent; a master that accepts it keeps a "
	  "connection with a peer that is not speaking memif, or runs a "
	  "handler for a message that does not exist.",
	  H, slave_c10_unknown, 0 },
	{ "C10.9", "message type 9 is refused",
	  "Types above 8 are undefined; a master that ignores them hides a "
	  "protocol mismatch, and one that indexes a handler table by type "
	  "reads past the table.",
	  H, slave_c10_unknown, 9 },
	{ "C10.ffff", "message type 0xffff is refused",
	  "The type is a 16-bit field compared as a whole; a master that "
	  "looks at the low byte only takes 0xffff for a real message or "
	  "indexes a table out of bounds.",
	  H, slave_c10_unknown, 0xffff },
	{ "C11.init", "an fd on INIT is closed (refused or ignored)",
	  "The kernel installs an fd sent with INIT in the master although "
	  "INIT takes none; a master that does not close it leaks one fd per "
	  "message, so any local client exhausts its fds (libmemif leaks "
	  "them).",
	  H, slave_c11_extra, 0 },
	{ "C11.connect", "an fd on CONNECT is closed (refused or ignored)",
	  "The same leak on CONNECT, at the end of a good handshake: an "
	  "unexpected fd must be closed whatever state the connection is in.",
	  H, slave_c11_extra, 2 },
	{ "C11.region2", "ADD_REGION with two fds is refused",
	  "ADD_REGION carries exactly one fd; a master that uses the first "
	  "and ignores the second leaks it, and refusing tells the slave its "
	  "message was malformed.",
	  H | CF_SHOULD, slave_c11_two_fds, 0 },
	{ "C13", "peers closing while the IUT sends: no SIGPIPE death",
	  "A slave can close its socket while the master writes HELLO or an "
	  "ACK; a master that sends without MSG_NOSIGNAL (libmemif, DPDK) is "
	  "killed by SIGPIPE, with every interface in the process.",
	  H, slave_c13_sigpipe, 0 },
	{ "C16.0100", "INIT version 0x0100 is refused",
	  "A slave speaking memif 1.0 lays out messages and memory "
	  "differently; a master that accepts it exchanges data neither side "
	  "can interpret.",
	  H, slave_c16_version, 0x0100 },
	{ "C16.0201", "INIT version 0x0201 is refused",
	  "The version check is exact; a master that accepts 2.1 claims a "
	  "protocol it does not implement, and the slave may rely on "
	  "features the master ignores.",
	  H, slave_c16_version, 0x0201 },
	{ "C16.0300", "INIT version 0x0300 is refused",
	  "A master must refuse a major version it does not speak rather "
	  "than guess, or it maps memory laid out in a way it does not "
	  "understand.",
	  H, slave_c16_version, 0x0300 },
	{ "C17", "INIT for an unknown id: DISCONNECT, never ACK",
	  "The id selects the interface; a master that ACKs an unknown id "
	  "and then closes (libmemif 4.0) gives no reason, and the user "
	  "cannot tell a wrong id from a crash.",
	  H, slave_c17_id, 0 },
	{ "C18", "a second slave for a busy id is refused, the first works",
	  "An interface has one connection at a time; a master that lets a "
	  "second slave in, or drops the first to refuse it, lets any local "
	  "client knock a working link down.",
	  H, slave_c18_busy, 0 },
	{ "C19.ip", "INIT in another mode (ip) is refused",
	  "Both sides must agree whether a packet is an Ethernet frame or a "
	  "bare IP packet; a master that ignores the mode hands IP packets "
	  "to an Ethernet interface, which misparses every one.",
	  H, slave_c19_mode, MEMIF_INTERFACE_MODE_IP },
	{ "C19.punt", "INIT in another mode (punt/inject) is refused",
	  "Punt/inject payloads are opaque and defined by no implementation; "
	  "a master set up for Ethernet that accepts them feeds arbitrary "
	  "bytes to its stack as frames.",
	  H, slave_c19_mode, MEMIF_INTERFACE_MODE_PUNT_INJECT },
	{ "C20.empty", "INIT without the required secret is refused",
	  "The secret keeps a process that can reach the socket from taking "
	  "over the interface; a master that accepts an empty one where a "
	  "secret is configured makes the secret worthless.",
	  H | CF_SECRET, slave_c20_secret, 0 },
	{ "C20.wrong", "INIT with a wrong secret is refused",
	  "A master that compares too few bytes, or accepts a near miss "
	  "(here the last character differs), lets a client with the wrong "
	  "secret attach to the interface.",
	  H | CF_SECRET, slave_c20_secret, 1 },
	{ "C22.hello", "HELLO before INIT is refused",
	  "Before INIT a connection belongs to no interface; libmemif "
	  "dereferences a NULL connection on a HELLO here, so one message "
	  "from any local process crashes it.",
	  H, slave_c22_before_init, MEMIF_MSG_TYPE_HELLO },
	{ "C22.region", "ADD_REGION (+fd) before INIT is refused",
	  "A region before INIT belongs to no interface and was sent before "
	  "any secret was checked; masters that process it crash (libmemif, "
	  "gomemif) or map memory for an unauthenticated client.",
	  H, slave_c22_before_init, MEMIF_MSG_TYPE_ADD_REGION },
	{ "C22.ring", "ADD_RING (+fd) before INIT is refused",
	  "A ring before INIT refers to no interface and no region; handling "
	  "it dereferences state that does not exist yet, the classic "
	  "pre-INIT crash.",
	  H, slave_c22_before_init, MEMIF_MSG_TYPE_ADD_RING },
	{ "C22.connect", "CONNECT before INIT is refused",
	  "A master that acts on CONNECT before INIT brings up an interface "
	  "nobody authenticated, with no memory to map.",
	  H, slave_c22_before_init, MEMIF_MSG_TYPE_CONNECT },
	{ "C22.connected", "CONNECTED before INIT is refused",
	  "CONNECTED goes from master to slave; a master that receives it is "
	  "talking to something that is not a memif slave, and must not run "
	  "code meant for the other role.",
	  H, slave_c22_before_init, MEMIF_MSG_TYPE_CONNECTED },
	{ "C22.ack", "ACK before INIT is refused",
	  "Masters send ACKs and never receive them; one from a client that "
	  "has not even sent INIT shows it does not follow the protocol, so "
	  "the master must not keep it.",
	  H, slave_c22_before_init, MEMIF_MSG_TYPE_ACK },
	{ "C22.disc", "DISCONNECT before INIT: connection closed, no crash",
	  "A client may give up before INIT; libmemif crashes on a "
	  "DISCONNECT that arrives before INIT, where the master must simply "
	  "close the connection and stay up.",
	  H, slave_c22_before_init, MEMIF_MSG_TYPE_DISCONNECT },
	{ "B2.hello", "HELLO after INIT is refused",
	  "HELLO after INIT means the peer acts as a master; a master that "
	  "processes it (VPP would set up regions as if it were a slave) "
	  "corrupts its own state.",
	  H, slave_b2_after_init, MEMIF_MSG_TYPE_HELLO },
	{ "B2.init", "a second INIT is refused",
	  "A second INIT could rebind the connection to another interface or "
	  "redo the secret check; a master that accepts it lets one "
	  "connection hold two interfaces or undo what the first INIT "
	  "settled.",
	  H, slave_b2_after_init, MEMIF_MSG_TYPE_INIT },
	{ "B2.connected", "CONNECTED from a slave is refused",
	  "Only masters send CONNECTED; a master that accepts it from a "
	  "slave may bring the link up without a CONNECT and without mapping "
	  "anything.",
	  H, slave_b2_after_init, MEMIF_MSG_TYPE_CONNECTED },
	{ "B2.ack", "ACK from a slave is refused",
	  "Slaves never send ACKs; a master that drops one silently keeps "
	  "talking to a peer whose state machine is not memif's.",
	  H, slave_b2_after_init, MEMIF_MSG_TYPE_ACK },
	{ "C23", "ADD_REGION without an fd is refused",
	  "A region is its fd; a master that accepts ADD_REGION without one "
	  "maps fd -1, or a stale fd number, at CONNECT, or fails later "
	  "without a clear reason.",
	  H, slave_c23_no_fd, 0 },
	{ "C24.skip", "ADD_REGION 0 then 2 is refused",
	  "Regions arrive numbered 0, 1, 2 in order; libmemif stores a "
	  "skipped index past the end of its region array, a heap overflow "
	  "any slave past INIT can cause.",
	  H, slave_c24_index, 2 },
	{ "C24.dup", "ADD_REGION 0 twice is refused",
	  "A duplicate index replaces or doubles a region the master already "
	  "holds; the first fd leaks, or rings end up pointing into memory "
	  "the master no longer tracks.",
	  H, slave_c24_index, 0 },
	{ "C24.first5", "ADD_REGION 5 first is refused",
	  "A first region numbered 5 lands past the end of an array sized by "
	  "the regions received so far: libmemif's heap overflow.",
	  H, slave_c24_index, 5 },
	{ "C25", "ADD_REGION above the advertised max_region is refused",
	  "The master advertised the highest region index it takes; "
	  "accepting more lets a slave grow its tables and mappings past the "
	  "limits it planned for.",
	  H, slave_c25_max, 0 },
	{ "C26.zero", "a region of size 0 is refused",
	  "A region of size 0 can hold no ring and cannot be mapped; "
	  "libmemif leaks the region fds on that error path, so the master "
	  "must refuse it up front.",
	  H, slave_c26_size, 0 },
	{ "C26.big", "a region larger than its memfd is refused",
	  "A master that maps more than the file holds dies of SIGBUS when "
	  "it touches the part past the end, for instance to read a ring "
	  "cookie: one message crashes it.",
	  H, slave_c26_size, 1 },
	{ "C26.huge", "a region of 2^63 bytes is refused",
	  "A size of 2^63 can never be mapped and overflows size arithmetic; "
	  "a master that takes it on trust fails at mmap at best and "
	  "computes wrapped bounds at worst.",
	  H, slave_c26_size, 2 },
	{ "E4.pipe", "a pipe as region fd is refused",
	  "A region must be shared memory and a pipe cannot be mapped; a "
	  "master that does not check the fd type accepts a region it can "
	  "never use and fails later without a clear reason.",
	  H, slave_e4_not_memory, 0 },
	{ "E4.file", "a disk file as region fd is refused",
	  "A region backed by a disk file puts storage I/O into the master's "
	  "page faults, and the file can be truncated under it: the data "
	  "path stalls or dies of SIGBUS.",
	  H | CF_SHOULD, slave_e4_not_memory, 1 },
	{ "E4.socket", "a socket as region fd is refused",
	  "A socket cannot be mapped either; the master must refuse it at "
	  "ADD_REGION rather than keep a foreign socket open until CONNECT "
	  "fails.",
	  H, slave_e4_not_memory, 2 },
	{ "E4.eventfd", "an eventfd as region fd is refused",
	  "An eventfd in place of the region fd, as a slave that mixes up "
	  "its fds would send, cannot be mapped; the master must check the "
	  "type of fd, not trust the message it came with.",
	  H, slave_e4_not_memory, 3 },
	{ "E5", "an unsealed region: refused, or survived when shrunk",
	  "Without F_SEAL_SHRINK the slave can truncate a region the master "
	  "has mapped, and the master's next access dies of SIGBUS; a master "
	  "must refuse unsealed memfds or survive the shrink.",
	  H, slave_e5_unsealed, 0 },
	{ "C27", "ADD_RING without an fd is refused",
	  "Every ring needs its interrupt eventfd; a master that accepts a "
	  "ring without one later reads or writes an fd it never received, "
	  "and misses or misdirects interrupts.",
	  H, slave_ring_bad, 0 },
	{ "C28", "ADD_RING private_hdr_size 7 is refused",
	  "Private headers were never implemented; a master that ignores the "
	  "field lays out buffers differently from a slave that uses it, and "
	  "packets come out shifted.",
	  H, slave_ring_bad, 1 },
	{ "C29", "ADD_RING with unknown flag bits is refused",
	  "Only bit 0 (S2M) of the ADD_RING flags is defined; a master that "
	  "ignores the others cannot tell a broken or newer peer from a "
	  "correct one.",
	  H | CF_SHOULD, slave_ring_bad, 2 },
	{ "C30.skip", "ADD_RING S2M 1 before 0 is refused",
	  "Rings are numbered in order per direction; a master that stores "
	  "ring 1 first leaves ring 0 unset, or writes past its ring array.",
	  H, slave_ring_bad, 3 },
	{ "C30.dup", "ADD_RING S2M 0 twice is refused",
	  "A duplicate ring index leaks the first eventfd and either "
	  "overwrites a ring or counts one twice (DPDK adds to its ring "
	  "count on every ADD_RING).",
	  H, slave_ring_bad, 4 },
	{ "C31.15", "ADD_RING log2 15 is refused",
	  "The master advertised the largest ring it accepts (2^14 entries "
	  "at most); accepting a bigger one sizes its queues from a number "
	  "it never agreed to.",
	  H, slave_ring_bad, 5 },
	{ "C31.255", "ADD_RING log2 255 is refused",
	  "1 << 255 is undefined behaviour in C and no ring size at all; a "
	  "master that does not check log2 (VPP and libmemif do not) "
	  "computes ring sizes and bounds from garbage.",
	  H, slave_ring_bad, 6 },
	{ "F5.zero", "ADD_RING log2 0 is refused",
	  "A one-entry ring cannot hold a chain and degenerates the index "
	  "masks to 0; a master must refuse it rather than size anything "
	  "from a value it never checked.",
	  H, slave_ring_bad, 7 },
	{ "C32", "ADD_RING in a region not added is refused",
	  "A ring in a region the master has not received makes it index its "
	  "region array out of bounds at CONNECT: libmemif's heap overflow.",
	  H, slave_ring_bad, 8 },
	{ "C33.end", "a ring past the region end is refused",
	  "A master that puts a ring at region base + offset without "
	  "checking that the ring fits reads and writes past the mapping: a "
	  "hostile slave crashes it with one message.",
	  H, slave_ring_bad, 9 },
	{ "C33.wrap", "a ring at offset 0xfffffff0 is refused",
	  "An offset near 2^32 makes offset + ring size wrap in 32-bit "
	  "arithmetic and pass a naive bounds check, and the master then "
	  "reaches far outside its mapping.",
	  H, slave_ring_bad, 10 },
	{ "F6.align", "a ring at a misaligned offset is refused",
	  "Every known slave puts rings on 16-byte boundaries; off them the "
	  "ring's fields straddle cache lines, and a master that takes any "
	  "offset also takes odd ones, where its 16-bit index accesses are "
	  "no longer atomic.",
	  H | CF_SHOULD, slave_ring_bad, 11 },
	{ "F2.pipe", "a pipe as ring interrupt fd is refused",
	  "A blocking pipe in place of the interrupt eventfd hangs "
	  "libmemif's master in read() for good; a master must check that it "
	  "received an eventfd.",
	  H, slave_ring_bad, 12 },
	{ "F2.memfd", "a memfd as ring interrupt fd is refused",
	  "A memfd is always readable, so a master that polls it as an "
	  "interrupt fd spins at full CPU and reads file contents as counter "
	  "values.",
	  H, slave_ring_bad, 13 },
	{ "F2.blocking", "a blocking eventfd is made non-blocking or refused",
	  "A slave may pass an eventfd without O_NONBLOCK; a master that "
	  "reads it as it is hangs as soon as the counter is empty, so it "
	  "must set the flag or refuse the fd.",
	  H, slave_f2_blocking, 0 },
	{ "C34", "CONNECT with a wrong ring cookie is refused",
	  "The cookie at the start of each ring shows both sides agree where "
	  "the ring is and how it is laid out; a master that skips the check "
	  "moves packets through memory that is not a ring.",
	  H, slave_c34_cookie, 0 },
	{ "C35.no-m2s", "CONNECT without M2S rings is refused",
	  "Without M2S rings nothing can go from master to slave; accepting "
	  "it shows the user a link that is up but one-way, and code that "
	  "assumes M2S ring 0 exists reads a ring that is not there.",
	  H | CF_SHOULD, slave_c35_no_rings, 0 },
	{ "C35.no-s2m", "CONNECT without S2M rings is refused",
	  "Without S2M rings the master has nothing to receive on; "
	  "connecting anyway shows a link that is up but never delivers, and "
	  "code that assumes S2M ring 0 exists crashes.",
	  H | CF_SHOULD, slave_c35_no_rings, 1 },
	{ "C35.none", "CONNECT right after INIT is refused",
	  "CONNECT with no region and no ring leaves nothing to map; a "
	  "master that goes ahead brings up an interface with no memory, and "
	  "its data path dereferences rings that do not exist.",
	  H, slave_c35_no_rings, 2 },
	{ "C36.over", "a ring above the advertised maximum: DISCONNECT",
	  "A master with fewer queues than the slave asks for must say so; "
	  "libmemif closes silently here, and its user cannot tell that the "
	  "queue counts on the two sides differ.",
	  H, slave_c36_over, 0 },
	{ "C37.connect", "CONNECT after CONNECTED tears down",
	  "Once connected only DISCONNECT is valid; a master that processes "
	  "a second CONNECT maps regions and rings again under a running "
	  "data path.",
	  H, slave_c37_after_connected, MEMIF_MSG_TYPE_CONNECT },
	{ "C37.init", "INIT after CONNECTED tears down",
	  "An INIT on a live connection would rebind or re-authenticate it "
	  "in the middle of traffic; the master must end the connection, not "
	  "mix old and new state.",
	  H, slave_c37_after_connected, MEMIF_MSG_TYPE_INIT },
	{ "C37.region", "ADD_REGION after CONNECTED tears down",
	  "A region added while traffic flows makes the master grow its "
	  "region table under the data path, a use-after-free when the table "
	  "moves.",
	  H, slave_c37_after_connected, MEMIF_MSG_TYPE_ADD_REGION },
	{ "C37.hello", "HELLO after CONNECTED tears down",
	  "HELLO to a connected master shows the peer has lost track of the "
	  "protocol; a master that keeps the link up goes on exchanging "
	  "packets with a peer in an unknown state.",
	  H, slave_c37_after_connected, MEMIF_MSG_TYPE_HELLO },
	{ "C38.hello", "slave vanishes after HELLO: resources freed",
	  "A slave that crashes right after connecting is common; the master "
	  "must close that connection, keep its listener and accept the "
	  "slave's next attempt.",
	  H, c38_vanish, CF_STEP_HELLO },
	{ "C38.init", "slave vanishes after INIT: resources freed",
	  "After INIT the connection holds the interface; if the slave "
	  "vanishes the master must free it, or the interface stays busy and "
	  "the restarted slave is refused as already connected.",
	  H, c38_vanish, CF_STEP_INIT },
	{ "C38.region", "slave vanishes after ADD_REGION: resources freed",
	  "A slave that dies after sending its regions leaves memfds in the "
	  "master; unless the master closes them on EOF, every crash leaks "
	  "the slave's packet memory.",
	  H, c38_vanish, CF_STEP_REGION },
	{ "C38.rings", "slave vanishes mid-rings: resources freed",
	  "A slave that dies mid-rings leaves the master with its regions "
	  "and some eventfds; unless all are closed on EOF, slave restarts "
	  "leak memory and fds without bound.",
	  H, c38_vanish, CF_STEP_S2M },
	{ "C38.connect", "slave vanishes before CONNECT: resources freed",
	  "With every region and ring announced but no CONNECT the master "
	  "holds the whole set of fds; a slave crash here must release them "
	  "all and free the interface.",
	  H, c38_vanish, CF_STEP_RINGS },
	{ "C38.connected", "slave vanishes when connected: resources freed",
	  "Only the control socket reveals a dead slave, since the shared "
	  "memory stays valid; the master must take the link down, unmap and "
	  "close everything, or it leaks regions and shows a dead link as "
	  "up.",
	  H, c38_vanish, CF_STEP_CONNECTED },
	{ "C39.serve", "a good slave is served while others stall",
	  "A client that connects and goes quiet must not block the "
	  "listener; a master that handles one handshake at a time lets any "
	  "local process lock every real slave out.",
	  H, slave_c39_serve, 0 },
	{ "C39.hello", "a slave that never sends INIT is dropped",
	  "Every idle connection holds an fd; without a handshake timeout a "
	  "local process can open enough of them to exhaust the master's "
	  "fds.",
	  H | CF_SHOULD, slave_c39_stall, CF_STEP_HELLO },
	{ "C39.init", "a slave that stalls after INIT is dropped",
	  "A connection stuck after INIT keeps its interface busy, so the "
	  "real slave is refused as already connected until the master drops "
	  "the stalled one.",
	  H | CF_SHOULD, slave_c39_stall, CF_STEP_INIT },
	{ "C39.rings", "a slave that stalls mid-rings is dropped",
	  "A slave that stops mid-rings leaves the master holding its "
	  "regions and eventfds; without a timeout they stay allocated, and "
	  "the interface busy, indefinitely.",
	  H | CF_SHOULD, slave_c39_stall, CF_STEP_S2M },
	{ "C67.disc", "our DISCONNECT when connected: the IUT closes",
	  "DISCONNECT ends the connection; a master that keeps the link up "
	  "reads rings the slave is about to free, and keeps the interface "
	  "busy against the slave's reconnect.",
	  H, c67_disconnect, 0 },
	{ "C67.reply", "a DISCONNECT answered with DISCONNECT is tolerated",
	  "VPP answers every DISCONNECT with one of its own; a master that "
	  "takes that reply (or the EPIPE that follows) as a new error can "
	  "crash or log false failures whenever it refuses a VPP slave.",
	  H, slave_c67_reply, 0 },
	{ "C52", "long run: packets both ways across the u16 index wrap",
	  "Ring indexes are free-running 16-bit counters; a master that "
	  "masks them, compares them without wrap-around arithmetic, or "
	  "publishes an index before its descriptors, loses or corrupts "
	  "packets once the counters wrap.",
	  E, slave_c52_long_run, 0 },
	{ "C55", "chained frames (up to 4 buffers) both ways across the wrap",
	  "Frames larger than one buffer travel as chains of NEXT-flagged "
	  "descriptors; a master that gets the flag, the fragment lengths or "
	  "a chain across the end of the ring wrong corrupts jumbo frames.",
	  E, slave_c55_chains, 0 },
	{ "C55.starve", "no half chain published when M2S slots run out",
	  "When the slave has lent too few M2S buffers for a whole chain, "
	  "the master must wait or drop; publishing the fragments that fit "
	  "hands the slave half a packet and misaligns the frames after it.",
	  E | H, slave_c55_starve, 0 },
	{ "C54",
	  "the master never writes S2M head/descriptors nor moves "
	  "M2S buffers",
	  "The slave owns S2M head, S2M descriptors and the place of every "
	  "buffer; a master that rewrites them (libmemif clears NEXT, Go "
	  "rewrites lengths) corrupts the slave's accounting, or writes "
	  "where nothing was lent.",
	  E, slave_c54_ownership, 0 },
	{ "C56.wait", "an incomplete chain waits for its last fragment",
	  "A receiver must leave a chain whose last published fragment has "
	  "NEXT set until the rest arrives; a master that consumes it early "
	  "forwards a truncated frame and misreads the rest as a new packet.",
	  E | H, slave_c56_wait, 0 },
	{ "C56.full", "a ring full of one unfinished chain is an error",
	  "When every slot holds a fragment and the last still says NEXT, "
	  "the chain can never complete; a master that keeps waiting blocks "
	  "the ring for good instead of treating the slave as broken.",
	  E | H, slave_c56_full, 0 },
	{ "C57.region", "S2M descriptor with a bad region: dropped",
	  "Descriptors live in memory the slave writes; a master that "
	  "follows a region index beyond its mapped regions reads outside "
	  "its tables, so a hostile slave crashes it (DPDK and libmemif do "
	  "not check).",
	  E | H, slave_c57_bad_desc, 0 },
	{ "C57.overrun", "S2M descriptor past the region end: dropped",
	  "A master that does not check offset + length against the region "
	  "size copies from past its mapping, leaking its own memory into "
	  "packets or dying of SIGSEGV.",
	  E | H, slave_c57_bad_desc, 1 },
	{ "C57.wrap", "S2M descriptor offset+length past 2^32: dropped",
	  "A bounds check in 32 bits wraps when offset + length passes 2^32 "
	  "and lets an out-of-bounds descriptor through; VPP fixed exactly "
	  "this as a 'malicious memif peer' bug.",
	  E | H, slave_c57_bad_desc, 2 },
	{ "C57.zero", "S2M descriptor of length 0: dropped",
	  "A fragment of length 0 is never valid; a master that forwards it "
	  "hands its stack an empty packet, on which some receive paths "
	  "underflow.",
	  E | H, slave_c57_bad_desc, 3 },
	{ "C57.long", "S2M descriptor of 1 MiB: dropped",
	  "A master that copies a descriptor's length into a packet buffer "
	  "of its own without a check (DPDK's receive fast path) overflows "
	  "its memory when a slave claims 1 MiB.",
	  E | H, slave_c57_bad_desc, 4 },
	{ "C58.region", "M2S buffer lent in a bad region: not written",
	  "The master writes packets into buffers the slave lends; one that "
	  "trusts a lent region index writes into whatever that index "
	  "reaches (VPP and libmemif masters do).",
	  E | H, slave_c58_bad_lend, 0 },
	{ "C58.overrun", "M2S buffer lent past the region end: not written",
	  "A lent buffer whose capacity runs past the region end makes a "
	  "trusting master write beyond its mapping: memory corruption in "
	  "the master, caused by the slave.",
	  E | H, slave_c58_bad_lend, 1 },
	{ "C59.head", "S2M head beyond tail + ring size: no overrun",
	  "A head more than a ring ahead of tail claims more packets than "
	  "the ring holds; a master that trusts it reads slots twice and "
	  "hands the same buffers on again (VPP added a clamp for exactly "
	  "this).",
	  E | H, slave_c59_index, 0 },
	{ "C59.back", "M2S head moved behind tail: no overrun",
	  "A head moved backwards makes head - tail wrap to a huge number of "
	  "lent buffers; a master that trusts it writes into slots the slave "
	  "never lent.",
	  E | H, slave_c59_index, 1 },
	{ "C60", "descriptor flags with undefined bits: accepted",
	  "Only the NEXT bit of descriptor flags is defined; a master that "
	  "drops packets with other bits set (as VPP does) loses traffic "
	  "from peers that leave them dirty.",
	  E, slave_c60_flags, 0 },
	{ "C62.int", "with MASK_INT clear the IUT signals M2S once per burst",
	  "A slave that clears MASK_INT sleeps on the eventfd until it is "
	  "signalled; a master that publishes packets without signalling "
	  "leaves it asleep with the packets waiting in the ring.",
	  E, c62_signal, 0 },
	{ "C62.mask", "with MASK_INT set the IUT never signals",
	  "MASK_INT set means the slave polls; a master that signals anyway "
	  "pays a system call per burst and wakes the slave for nothing.",
	  E, c62_signal, 1 },
	{ "C63", "RX mode set at connect; 256 packets after one signal",
	  "The transmitter signals once per burst, not per packet, and not "
	  "again for what it already published; a master in interrupt mode "
	  "that handles part of a batch per wakeup strands the rest.",
	  E, c63_batch, 0 },
	{ "C64", "packets published without a signal go after the next",
	  "A signal can come before the new index is visible, or be skipped "
	  "while MASK_INT changes; a master in interrupt mode must pick such "
	  "packets up at its next wakeup, or they stay in the ring for good.",
	  E, c64_late, 0 },
	{ "C65", "spurious signals (no packet, value 5) are tolerated",
	  "Peers signal with nothing new (VPP and DPDK do after every "
	  "transmit call) and eventfd counts add up; a master that treats an "
	  "empty wakeup as an error, or the count as a packet count, "
	  "misbehaves with normal slaves.",
	  E | H, c65_spurious, 0 },
	{ "J1", "an interrupt storm (1 s) leaves the IUT working",
	  "A slave can write the eventfd without pause; the master must "
	  "drain it once per wakeup and bound its work, or one noisy slave "
	  "pins its event loop and starves every other interface in the "
	  "process.",
	  E | H, j1_storm, 0 },
	{ "J5.tx-nonblock",
	  "our M2S eventfd made blocking and saturated: the IUT still "
	  "echoes",
	  "Both processes share the eventfd's open file, so the slave can "
	  "clear its O_NONBLOCK; a master whose signal write relies on that "
	  "flag blocks on a saturated counter, and its data path hangs.",
	  E | H, j5_nonblock, 0 },
	{ "J5.rx-nonblock",
	  "our S2M eventfd made blocking, signalled, read back: no hung "
	  "read",
	  "A slave can signal and take the count back before the master "
	  "reads it; a master whose read relies on the shared O_NONBLOCK "
	  "flag then blocks in read() and stops serving its sockets and "
	  "rings.",
	  E | H, j5_nonblock, 1 },
	{ "J6.semaphore",
	  "an EFD_SEMAPHORE ring eventfd at 2^40: refused, or no CPU "
	  "spin",
	  "A semaphore-mode eventfd passes an 'is it an eventfd' check but "
	  "gives 1 per read; a master that wakes once per read spins through "
	  "2^40 wakeups, one slave burning a core.",
	  H, slave_j6_semaphore, 0 },
	{ "J7.linger",
	  "a lingering TCP socket on INIT: the event loop never waits "
	  "for it",
	  "A stray fd on INIT can be a TCP socket whose last close lingers "
	  "for seconds; a master that closes it inline freezes its event "
	  "loop, so any local client stalls every interface in the process.",
	  H, slave_j7_linger, 1 },
	{ "J8.empty", "a zero-length datagram after HELLO: DISCONNECT",
	  "An empty datagram is not end of file, although recvmsg returns 0 "
	  "for both; a master that takes it for EOF closes without a reason, "
	  "and one that ignores it keeps a peer that is not speaking memif.",
	  H, j8_empty, 0 },
	{ "J8.empty-fds",
	  "a zero-length datagram with 3 fds: a reaction, no fd kept",
	  "Fds can arrive on an empty datagram; a master that stops at "
	  "'length 0' and skips the control data leaks the fds the kernel "
	  "has already installed.",
	  H, j8_empty, 3 },
	{ "J9.many-fds",
	  "INIT with 20 fds, the last lingering: no leak, no wait for it",
	  "When a message carries more fds than the control buffer holds, "
	  "the kernel closes the rest inside recvmsg, in the master's "
	  "thread; with a lingering socket among them a small buffer stalls "
	  "the master, and a kept fd is a leak.",
	  H, slave_j7_linger, 20 },
	{ "J10.overlap",
	  "M2S buffers lent over the S2M packets they echo: memmove",
	  "The slave chooses every buffer address, so the master's copy of "
	  "an S2M packet into a lent M2S buffer may overlap its source; "
	  "memcpy then corrupts the packet (undefined behaviour), memmove "
	  "does not.",
	  E | H, slave_j10_overlap, 0 },
	{ "RF", "ring full: no overrun, traffic resumes after draining",
	  "When the slave stops lending M2S buffers the master's transmit "
	  "ring is full; the master must stop at the ring size and resume in "
	  "order once buffers come back, not overrun slots it was not given.",
	  E, slave_rf_ring_full, 0 },
	/* Last: an IUT that loses accepts here disturbs what follows. */
	{ "K1", "64 idle connections, then a good slave",
	  "Any local process can open many connections and send nothing; the "
	  "master must survive them and free each one when it is closed, so "
	  "that a real slave still connects and no fds pile up.",
	  H, slave_k1_idle, 64 },
	{ NULL, NULL, NULL, 0, NULL, 0 },
};
