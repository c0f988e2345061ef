/* SPDX-License-Identifier: MIT */
/*
 * Checks run with --role master: memif-conform listens as the master and
 * the IUT is a slave that connects to it (spec/memif-protocol.md §8.1,
 * §8.3, §8.4, §8.5, §8.7 and spec/hostile-peer.md §3 A-C, H-J as seen by a
 * slave): the table of them, in the order they run, with what each
 * requires and why.  The checks themselves are in checks-*.c by topic
 * (checks.h).
 */
#include "checks.h"

#define H CF_HOSTILE
#define E CF_ECHO

const struct cf_check cf_master_checks[] = {
	{ "C1", "the IUT slave connects to the master's SEQPACKET socket",
	  "Control messages are 128-byte datagrams whose boundaries matter; "
	  "a slave that connects to another address or with another socket "
	  "type never reaches a real master, and its interface never comes "
	  "up.",
	  0, master_c1_connect, 0 },
	{ "C41", "INIT: version 0x0200, configured id, mode and secret",
	  "The master picks the interface by the id in INIT and admits the "
	  "slave only on matching version, mode and secret; a slave that "
	  "sends other values than it was configured with is refused, or "
	  "attaches to the wrong interface.",
	  0, master_observe, 41 },
	{ "C42", "order and lock-step with every reply delayed 500 ms",
	  "An ACK carries no correlation data, so the master matches each "
	  "reply to the one outstanding request by order alone; a slave that "
	  "sends ahead of a reply, or breaks the order regions, S2M rings, "
	  "M2S rings, CONNECT, is refused by strict masters and "
	  "desynchronises lenient ones.",
	  0, master_observe, 42 },
	{ "C45",
	  "regions: memfd of the announced size; ring headers and "
	  "descriptors",
	  "The master maps exactly what the slave announces and trusts the "
	  "initial ring contents; a region larger than its file makes the "
	  "master fault (SIGBUS), and a wrong cookie, a non-zero index or a "
	  "descriptor outside its region gets the link refused or moves "
	  "packets through the wrong memory.",
	  0, master_observe, 45 },
	{ "C45.seal", "regions carry F_SEAL_SHRINK",
	  "Without the shrink seal, whoever holds the fd can truncate a "
	  "region the master has mapped, and the master dies of SIGBUS at "
	  "its next access; a sealed region lets the master rely on the size "
	  "it checked.",
	  CF_SHOULD, master_observe, 451 },
	{ "C45.wrap",
	  "more than 65536 slots: no buffer shared (no 16-bit "
	  "wrap)",
	  "A slave that computes buffer offsets in 16 bits hands out the "
	  "same buffer for two slots once its rings hold more than 65536 "
	  "entries, so in large configurations packets silently overwrite "
	  "each other.",
	  0, master_observe, 452 },
	{ "C46", "one distinct eventfd per ring",
	  "Each ring is signalled through its own eventfd; a slave that "
	  "shares one between rings, or passes another kind of fd, makes "
	  "interrupts wake the wrong queue or none, so interrupt-mode "
	  "receivers stall.",
	  0, master_observe, 46 },
	{ "C44",
	  "HELLO maxima 0/1/6 are highest indexes: <= 1 S2M, <= 2 "
	  "M2S, log2 <= 6",
	  "HELLO's ring maxima are highest indexes, not counts, and cap the "
	  "ring size; a slave that reads 0 as a count creates no ring at "
	  "all, and one that ignores the maxima builds rings the master "
	  "never agreed to and is refused.",
	  0, master_c44_maxima, 0 },
	{ "C44.max", "HELLO maxima 255/255/14: the IUT's own counts",
	  "These are the maxima libmemif, DPDK and Go masters advertise "
	  "(VPP's are one higher); a slave must connect with its own "
	  "configured rings inside them, at least one each way, or it fails "
	  "against every common master.",
	  0, master_c44_maxima, 1 },
	{ "C44.huge",
	  "HELLO maxima 0xffff and log2 20: clamped to the IUT's "
	  "limits",
	  "A broken or hostile master can advertise more than the protocol "
	  "allows; a slave that computes max + 1 in 16 bits wraps to zero "
	  "rings, and one that takes log2 20 builds rings too large for "
	  "16-bit ring indexes.",
	  0, master_c44_maxima, 2 },
	{ "C6", "undefined bytes full of garbage are ignored",
	  "libmemif, VPP and Go send messages with stale bytes in the parts "
	  "a type does not use; a slave that insists on zero padding cannot "
	  "connect to them.",
	  0, master_c6_c7_tolerant, 0 },
	{ "C7", "a 32-byte HELLO name without a NUL is accepted",
	  "Go masters send names of 32 bytes or more without a NUL; a slave "
	  "must stop at the end of the field (reading on is an out-of-bounds "
	  "read), and refusing the name breaks interworking with gomemif.",
	  H, master_c6_c7_tolerant, 1 },
	{ "C43.high", "HELLO versions 0x0300 only: refused, no INIT",
	  "A master of a later major version (3.0) lays out messages and "
	  "memory differently; the slave must refuse before it creates "
	  "memory or sends INIT, not start a connection that cannot work.",
	  H, master_c43_bad_hello, 0x0300 },
	{ "C43.low", "HELLO versions 0x0100 only: refused, no INIT",
	  "A master that speaks only an older version (1.0) cannot "
	  "understand a 2.0 slave; the slave must refuse instead of sending "
	  "INIT and setting up memory for nothing.",
	  H, master_c43_bad_hello, 0x0100 },
	{ "CH.log2-0", "HELLO max log2 0 (unusable): refused",
	  "A maximum ring size of 2^0 leaves no usable ring; a slave that "
	  "clamps to it builds one-slot rings and a link that cannot carry "
	  "chained frames, where a refusal with a reason tells the user the "
	  "master is misconfigured.",
	  H, master_c43_bad_hello, 0 },
	{ "C8", "a 64-byte datagram is refused",
	  "Every message is exactly 128 bytes; a slave that accepts a "
	  "64-byte datagram reads the rest of the message from bytes that "
	  "were never sent, so a broken master steers it with stale buffer "
	  "contents.",
	  H, master_first_msg, 1 },
	{ "C9", "a 200-byte datagram (MSG_TRUNC) is refused",
	  "The kernel cuts a longer datagram to 128 bytes and only MSG_TRUNC "
	  "says so; a slave that ignores the flag acts on a fragment of "
	  "something that is not a memif message.",
	  H, master_first_msg, 2 },
	{ "C10.0", "message type 0 is refused",
	  "Type 0 (NONE) is never valid on the wire; a slave that skips or "
	  "mis-dispatches it stays connected to a peer that is not speaking "
	  "memif.",
	  H, master_first_msg, 3 },
	{ "C10.9", "message type 9 is refused",
	  "Types above 8 are undefined; a slave that ignores them hides a "
	  "protocol mismatch, and one that looks its handler up in a table "
	  "by type reads past the table.",
	  H, master_first_msg, 4 },
	{ "C10.ffff", "message type 0xffff is refused",
	  "The type is a 16-bit field compared as a whole; a slave that "
	  "looks at its low byte only takes 0xffff for a known type, or "
	  "indexes a table out of bounds with it.",
	  H, master_first_msg, 5 },
	{ "B3.init", "INIT sent to a slave is refused",
	  "Only a master receives INIT; a slave that handles one from its "
	  "master runs code for the wrong role, in a state a hostile master "
	  "can drive it into at will.",
	  H, master_first_msg, 6 },
	{ "B3.region", "ADD_REGION (+fd) sent to a slave is refused",
	  "Regions flow from slave to master only; a slave that accepts one "
	  "from its master maps memory the master chose, or at least keeps "
	  "its fd open.",
	  H, master_first_msg, 7 },
	{ "B3.ring", "ADD_RING (+fd) sent to a slave is refused",
	  "Rings are announced by the slave; a slave that takes an ADD_RING "
	  "from its master adopts a ring layout and an eventfd a hostile "
	  "master controls.",
	  H, master_first_msg, 8 },
	{ "B3.connect", "CONNECT sent to a slave is refused",
	  "CONNECT is the slave's own request; a slave that accepts one from "
	  "the master can be talked into bringing its link up without any "
	  "handshake.",
	  H, master_first_msg, 9 },
	{ "C48.ack", "an ACK before HELLO is refused",
	  "An ACK before HELLO answers nothing the slave has sent; a slave "
	  "that takes it as a reply runs its handshake one step out of line "
	  "with the master.",
	  H, master_first_msg, 10 },
	{ "C48.first", "CONNECTED before HELLO is refused",
	  "CONNECTED before the handshake brings the link up with no rings "
	  "negotiated (libmemif, VPP, DPDK and Go all accept it), so the "
	  "user sees an interface that is up and carries nothing.",
	  H, master_first_msg, 11 },
	{ "C48.early", "CONNECTED in answer to INIT is refused",
	  "CONNECTED answers CONNECT only; a slave that accepts it in place "
	  "of the ACK of INIT goes up before the master knows its regions "
	  "and rings, and transmits into memory the master never mapped.",
	  H, master_c48_wrong, 0 },
	{ "C48.hello2", "a second HELLO is refused",
	  "A second HELLO in the middle of a handshake would restart "
	  "negotiation; reference slaves redo their region setup (libmemif "
	  "leaking the first set), so a hostile master can repeat it to "
	  "exhaust their memory.",
	  H, master_c48_wrong, 1 },
	{ "C48.ack2", "an ACK when connected is refused",
	  "With nothing outstanding, an ACK means the master's view of the "
	  "connection differs from the slave's; carrying on hides the "
	  "mismatch until traffic fails in a harder way.",
	  H, master_c48_wrong, 2 },
	{ "B3.init2", "INIT in answer to INIT is refused",
	  "A master never sends INIT; a slave that accepts one as the reply "
	  "to its own INIT takes whatever answers on the socket for a master "
	  "and shares its memory with it.",
	  H, master_c48_wrong, 3 },
	{ "B4", "HELLO when connected is refused",
	  "A HELLO on a live connection would restart negotiation under a "
	  "running data path; a slave that recreates its regions frees "
	  "memory its queues and the master still use.",
	  H, master_c48_hello_connected, 0 },
	{ "C11.hello", "an fd on HELLO is closed",
	  "The kernel installs an fd sent with HELLO in the slave even "
	  "though HELLO takes none; a slave that does not close it leaks one "
	  "fd per message, and a hostile master exhausts its fd table.",
	  H, master_c11_extra, 0 },
	{ "C11.ack", "an fd on ACK is closed",
	  "The same leak on ACK, which a master sends several times per "
	  "handshake: a slave that keeps unexpected fds runs out of them "
	  "after enough reconnects.",
	  H, master_c11_extra, 1 },
	{ "C11.ack2", "two fds on ACK are closed",
	  "A slave that takes only the first fd of a message leaves any "
	  "further one open, so it leaks even if it handles a single stray "
	  "fd.",
	  H, master_c11_extra, 2 },
	{ "C47", "DISCONNECT in answer to INIT: teardown, then a retry",
	  "Masters refuse with DISCONNECT when the id is busy or they are "
	  "not ready yet; a slave that does not free everything and retry by "
	  "itself stays down until someone restarts it, even after the cause "
	  "is gone.",
	  CF_SHOULD, master_c47_disconnect_init, 0 },
	{ "C49.hello",
	  "no HELLO: the IUT gives up after its timeout and "
	  "retries",
	  "A master that accepts but never sends HELLO (hung, or a process "
	  "squatting on the socket) keeps a slave without a handshake "
	  "timeout stuck in 'connecting' for good.",
	  CF_SHOULD, master_c49_stall, 0 },
	{ "C49.ack", "no ACK for INIT: the IUT gives up and retries",
	  "A master that stops answering mid-handshake holds the slave's "
	  "connection open indefinitely; without a timeout the slave never "
	  "retries and its interface stays down with no error.",
	  CF_SHOULD, master_c49_stall, 1 },
	{ "C38.accept", "master vanishes before HELLO: resources freed",
	  "A master can go away at any time; a slave whose connection closes "
	  "before HELLO must close its socket and connect again, not crash "
	  "or keep a dead connection.",
	  H, c38_vanish, CF_STEP_OPEN },
	{ "C38.hello", "master vanishes after HELLO: resources freed",
	  "After HELLO the slave has created its regions and eventfds; every "
	  "lost connection must free them, or each master restart leaks a "
	  "region.",
	  H, c38_vanish, CF_STEP_HELLO },
	{ "C38.init", "master vanishes after INIT: resources freed",
	  "With INIT unanswered the slave holds memory and eventfds nobody "
	  "has acknowledged; it must release them on EOF, or a flapping "
	  "master leaks a set per attempt.",
	  H, c38_vanish, CF_STEP_INIT },
	{ "C38.region", "master vanishes after ADD_REGION: resources freed",
	  "A close while an ADD_REGION is unanswered tests the cleanup of a "
	  "half-sent configuration; a leak here is a memfd and its memory "
	  "per failed handshake.",
	  H, c38_vanish, CF_STEP_REGION },
	{ "C38.ring", "master vanishes after ADD_RING: resources freed",
	  "A close mid-rings tests cleanup with regions sent and eventfds "
	  "half-announced; leaked eventfds and mappings pile up with every "
	  "failed handshake.",
	  H, c38_vanish, CF_STEP_S2M },
	{ "C38.connect", "master vanishes after CONNECT: resources freed",
	  "A close while CONNECT is unanswered leaves the slave one step "
	  "from link-up; it must not come up, must free its memory, and must "
	  "be able to connect again cleanly.",
	  H, c38_vanish, CF_STEP_RINGS },
	{ "C38.connected", "master vanishes when connected: resources freed",
	  "Only the control socket tells a slave its master died; it must "
	  "take the link down, unmap and close everything and connect again, "
	  "or the application keeps sending into a dead peer.",
	  H, c38_vanish, CF_STEP_CONNECTED },
	{ "C50", "after CONNECTED the IUT lends its M2S buffers",
	  "A master can only transmit into M2S buffers the slave has lent; a "
	  "slave that waits for the application to refill leaves "
	  "master-to-slave traffic dead until someone does (a common "
	  "libmemif pitfall).",
	  CF_SHOULD, master_c50_refill, 0 },
	{ "C51", "after our close the IUT returns with new region fds",
	  "After a disconnect the old region may still be mapped by the "
	  "previous master; a slave that reuses it lets that peer read and "
	  "write the packets of the next connection.",
	  H, master_c51_new_regions, 0 },
	{ "C67.disc", "our DISCONNECT when connected: the IUT closes",
	  "DISCONNECT ends the connection; a slave that ignores it keeps its "
	  "link up towards a master that has stopped serving it, and holds "
	  "its socket and memory.",
	  H, c67_disconnect, 0 },
	{ "C52", "long run: packets both ways across the u16 index wrap",
	  "Ring indexes are free-running 16-bit counters; a slave that masks "
	  "them, compares them without wrap-around arithmetic, or publishes "
	  "an index before its descriptors, loses or corrupts packets once "
	  "the counters wrap.",
	  E, master_c52_long_run, 0 },
	{ "C55", "chained frames (up to 4 buffers) both ways across the wrap",
	  "Frames larger than one buffer travel as chains of NEXT-flagged "
	  "descriptors; a slave that gets the flag, the fragment lengths or "
	  "a chain across the end of the ring wrong corrupts jumbo frames.",
	  E, master_c55_chains, 0 },
	{ "C55.starve", "no half chain published when S2M slots run out",
	  "A chain is published whole or not at all; a slave that publishes "
	  "the fragments that fit when S2M runs out of slots hands the "
	  "master half a packet, forwarded truncated or misread as the next "
	  "one.",
	  E | H, master_c55_starve, 0 },
	{ "C53", "(head - tail) <= N on M2S; the slave never writes tails",
	  "The slave writes only head and the master only tail; a slave that "
	  "writes a tail, or lends more slots than the ring has, races the "
	  "master on its own index and hands out slots the master is still "
	  "filling.",
	  E, master_c53_indexes, 0 },
	{ "C56.wait", "an incomplete chain waits for its last fragment",
	  "A receiver that sees NEXT on the last published descriptor must "
	  "wait for the rest; a slave that consumes the fragments early "
	  "delivers a truncated frame and misreads the remainder as a new "
	  "packet.",
	  E | H, master_c56_wait, 0 },
	{ "C56.full", "a ring full of one unfinished chain is an error",
	  "When every slot holds a fragment and the last still says NEXT, "
	  "the chain can never complete; a slave that keeps waiting blocks "
	  "the ring for good instead of treating the master as broken.",
	  E | H, master_c56_full, 0 },
	{ "C57.region", "M2S descriptor with a bad region: dropped",
	  "Descriptors live in memory the master writes; a slave that "
	  "follows a region index beyond its regions reads outside its "
	  "tables, so a hostile master crashes it (libmemif's RX path does).",
	  E | H, master_c57_bad_desc, 0 },
	{ "C57.overrun", "M2S descriptor past the region end: dropped",
	  "A slave that does not check offset + length against the region "
	  "size reads past its mapping, handing the application foreign "
	  "memory or dying of SIGSEGV.",
	  E | H, master_c57_bad_desc, 1 },
	{ "C57.wrap", "M2S descriptor offset+length past 2^32: dropped",
	  "A bounds check in 32 bits wraps when offset + length passes 2^32 "
	  "and lets an out-of-bounds descriptor through; VPP fixed exactly "
	  "this as a 'malicious memif peer' bug.",
	  E | H, master_c57_bad_desc, 2 },
	{ "C57.zero", "M2S descriptor of length 0: dropped",
	  "A fragment of length 0 is never valid; a slave that delivers it "
	  "hands the application an empty packet, on which some receive "
	  "paths loop or underflow.",
	  E | H, master_c57_bad_desc, 3 },
	{ "C57.long", "M2S descriptor longer than the buffer: dropped",
	  "The master may fill at most the buffer it was lent; a slave that "
	  "trusts a longer length reads past its own buffer into the next "
	  "one or beyond.",
	  E | H, master_c57_bad_desc, 4 },
	{ "C59.tail", "M2S tail beyond what was lent: no overrun",
	  "A master that moves tail past the slave's head claims more "
	  "packets than buffers were lent; a slave that trusts it reads "
	  "slots it never lent and corrupts its refill accounting.",
	  E | H, master_c59_index, 0 },
	{ "C59.s2m", "S2M tail beyond head: no overrun",
	  "A tail past the slave's own head claims the master released slots "
	  "that were never sent; a slave that trusts it computes more free "
	  "space than the ring has and overwrites packets still being read.",
	  E | H, master_c59_index, 1 },
	{ "C60", "descriptor flags with undefined bits: accepted",
	  "Only the NEXT bit of descriptor flags is defined; a slave that "
	  "drops packets with other bits set (as VPP does) loses traffic "
	  "from peers that leave them dirty.",
	  E, master_c60_flags, 0 },
	{ "C62.int", "with MASK_INT clear the IUT signals S2M once per burst",
	  "A master that clears MASK_INT sleeps on the eventfd until it is "
	  "signalled; a slave that publishes packets without signalling "
	  "leaves it asleep with the packets waiting in the ring.",
	  E, c62_signal, 0 },
	{ "C62.mask", "with MASK_INT set the IUT never signals",
	  "MASK_INT set means the master polls; a slave that signals anyway "
	  "pays a system call per burst and wakes the master for nothing.",
	  E, c62_signal, 1 },
	{ "C63", "RX mode set at connect; a batch after one signal",
	  "The transmitter signals once per burst, not per packet, and not "
	  "again for what it already published; a slave in interrupt mode "
	  "that handles part of a batch per wakeup strands the rest.",
	  E, c63_batch, 0 },
	{ "C64", "packets published without a signal go after the next",
	  "A signal can come before the new index is visible, or be skipped "
	  "while MASK_INT changes; a slave in interrupt mode must pick such "
	  "packets up at its next wakeup, or they stay in the ring for good.",
	  E, c64_late, 0 },
	{ "C65", "spurious signals (no packet, value 5) are tolerated",
	  "Peers signal with nothing new (VPP and DPDK do after every "
	  "transmit call) and eventfd counts add up; a slave that treats an "
	  "empty wakeup as an error, or the count as a packet count, "
	  "misbehaves with normal masters.",
	  E | H, c65_spurious, 0 },
	{ "J1", "an interrupt storm (1 s) leaves the IUT working",
	  "A master can write the eventfd without pause; a slave must drain "
	  "it once per wakeup and bound its work, or one noisy peer pins its "
	  "event loop and starves everything else in the process.",
	  E | H, j1_storm, 0 },
	{ "J5.tx-nonblock",
	  "the S2M eventfd made blocking and saturated: the IUT still "
	  "echoes",
	  "Both processes share the eventfd's open file, so the master can "
	  "clear its O_NONBLOCK; a slave whose signal write relies on that "
	  "flag blocks on a saturated counter, and its data path hangs.",
	  E | H, j5_nonblock, 0 },
	{ "J5.rx-nonblock",
	  "the M2S eventfd made blocking, signalled, read back: no hung "
	  "read",
	  "A master can signal and take the count back before the slave "
	  "reads it; a slave whose read relies on the shared O_NONBLOCK flag "
	  "then blocks in read() and stops serving its socket and rings.",
	  E | H, j5_nonblock, 1 },
	{ "J7.linger",
	  "a lingering TCP socket on HELLO: the event loop never waits "
	  "for it",
	  "A stray fd on HELLO can be a socket whose last close lingers for "
	  "seconds; a slave that closes it inline freezes its event loop, "
	  "and all its interfaces, for that long.",
	  H, master_j7_linger, 1 },
	{ "J8.empty", "a zero-length datagram for the ACK of INIT: DISCONNECT",
	  "An empty datagram is not end of file, although recvmsg returns 0 "
	  "for both; a slave that takes it for EOF closes without a reason, "
	  "and one that ignores it waits for an ACK that never comes.",
	  H, j8_empty, 0 },
	{ "J8.empty-fds",
	  "a zero-length datagram with 3 fds: a reaction, no fd kept",
	  "Fds can arrive on an empty datagram; a slave that stops at "
	  "'length 0' and skips the control data leaks the fds the kernel "
	  "has already installed.",
	  H, j8_empty, 3 },
	{ "J9.many-fds",
	  "HELLO with 20 fds, the last lingering: no leak, no wait for it",
	  "When a message carries more fds than the control buffer holds, "
	  "the kernel closes the rest inside recvmsg, in the slave's thread; "
	  "with a lingering socket among them a small buffer stalls the "
	  "slave, and a kept fd is a leak.",
	  H, master_j7_linger, 20 },
	{ "J10.overlap",
	  "M2S packets placed over the S2M buffers of their echoes: memmove",
	  "The master chooses where packets lie, so a copy between an M2S "
	  "packet and the S2M buffer of its echo may overlap; memcpy then "
	  "corrupts the packet (undefined behaviour), memmove does not.",
	  E | H, master_j10_overlap, 0 },
	{ "RF", "ring full: no overrun, traffic resumes after draining",
	  "When the master stops releasing S2M slots the ring fills; the "
	  "slave must stop at the ring size and resume in order once slots "
	  "come back, not overwrite packets that were not read yet.",
	  E, master_rf_ring_full, 0 },
	{ NULL, NULL, NULL, 0, NULL, 0 },
};
