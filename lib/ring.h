/* SPDX-License-Identifier: MIT */
/*
 * The ordering vocabulary for memory the peer can write, and the pairing
 * argument behind every use of it.
 *
 * In memif the slave is the only writer of head and the master the only
 * writer of tail, on both ring types:
 *
 *   S2M (slave transmits)                 M2S (master transmits)
 *   slave:  write desc + buffer           slave:  write desc (capacity)
 *           store-release head  (R1)              store-release head  (R1)
 *   master: load-acquire head   (A1)      master: load-acquire head   (A1)
 *           read desc + buffer                    write buffer + desc
 *           store-release tail  (R2)              store-release tail  (R2)
 *   slave:  load-acquire tail   (A2)      slave:  load-acquire tail   (A2)
 *           reuse the buffer                      read desc + buffer
 *
 * (R1) pairs with (A1) and (R2) with (A2).  Without R1/A1 the master could
 * read a descriptor before the slave wrote it; without R2/A2 the slave
 * could overwrite (S2M) or read (M2S) a buffer the master still uses.
 * Each burst does one acquire at its start and one release at its end.
 *
 * Interrupts (tag-ring-wakeup): a transmitter publishes its index (R1 or
 * R2), then memif__fence(), then reads the ring's flags to decide whether
 * to signal.  A receiver that goes to sleep clears MASK_INT, fences, and
 * re-checks the producer index.  Store-then-load needs the full fence on
 * both sides: otherwise each side can read the other's stale value, the
 * transmitter skips the signal and the receiver sleeps on published data.
 * memif_rx_burst in level interrupt mode clears the eventfd first, then
 * re-reads the producer index, so a signal that arrives between the two is
 * never consumed without its data being seen.  In edge interrupt mode it
 * never reads the eventfd: the counter stays non-zero, so every write the
 * transmitter makes after its fence wakes an edge-triggered waiter (epoll
 * EPOLLET, io_uring multishot poll) once, and the drain that follows that
 * wake-up reads the producer index after the write, hence sees the index
 * published before it.  Polling mode masks the signal and reads nothing.
 *
 * These five macros are the only way lib/ touches memory the peer can
 * write.  No 'volatile', no _Atomic in proto/ structs.
 */
#ifndef MEMIF_RING_H
#define MEMIF_RING_H

#define memif__load_acquire(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define memif__store_release(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define memif__read_once(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define memif__write_once(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define memif__fence() __atomic_thread_fence(__ATOMIC_SEQ_CST)

#define memif__likely(x) __builtin_expect(!!(x), 1)
#define memif__unlikely(x) __builtin_expect(!!(x), 0)

#endif /* MEMIF_RING_H */
