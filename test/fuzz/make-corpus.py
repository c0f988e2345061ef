#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
#
# Writes the seed corpora of the libFuzzer targets:
#   corpus-msg/   fuzz-msg inputs: a receiver context, then one datagram.
#                 The seeds are the real handshake of the spec's worked
#                 example (1 S2M + 1 M2S ring, log2 10, 2048-byte buffers,
#                 one region), each message in the phase that accepts it,
#                 plus a few known-bad datagrams.
#   corpus-desc/  fuzz-desc inputs: a region table, the layout parameters,
#                 then descriptors and ring placements.
# The input layouts are described at the top of fuzz-msg.c and fuzz-desc.c.
# Usage: test/fuzz/make-corpus.py [output-dir]   (default: beside this file)
# Stdlib only; the output is deterministic, so regenerating it changes
# nothing unless this script changed.

import os
import struct
import sys

MSG_SIZE = 128
VERSION = 0x0200

ACK, HELLO, INIT, ADD_REGION, ADD_RING, CONNECT, CONNECTED, DISCONNECT = \
    range(1, 9)

# enum memif_phase
M_WAIT_INIT, M_CONFIG, M_CONNECTED, S_WAIT_HELLO, S_WAIT_ACK, \
    S_WAIT_CONNECTED, S_CONNECTED = range(7)

# A worked layout example, in memif-native's layout (buffers on a
# 4 KiB boundary after the rings).
LOG2 = 10
RING_BYTES = 128 + 16 * (1 << LOG2)  # 16512
BUFFERS = 36864  # 2 * 16512 rounded up to 4096
REGION = BUFFERS + 2 * (1 << LOG2) * 2048  # 4231168


def pad(b, fill=b'\0'):
    assert len(b) <= MSG_SIZE
    return b + fill * (MSG_SIZE - len(b))


def s(text, n):
    b = text.encode() if isinstance(text, str) else text
    return b[:n]


def hello(name='memif-native', lo=VERSION, hi=VERSION, max_region=255,
          max_m2s=255, max_s2m=255, max_log2=14):
    return pad(struct.pack('<H32sHHHHHB', HELLO, s(name, 31), lo, hi,
                           max_region, max_m2s, max_s2m, max_log2))


def init(id_=0, mode=0, secret='', name='memif-native', version=VERSION):
    return pad(struct.pack('<HHIB24s32s', INIT, version, id_, mode,
                           s(secret, 24), s(name, 32)))


def add_region(index, size):
    return pad(struct.pack('<HHQ', ADD_REGION, index, size))


def add_ring(s2m, index, region, offset, log2, flags=None, priv=0):
    if flags is None:
        flags = 1 if s2m else 0
    return pad(struct.pack('<HHHHIBH', ADD_RING, flags, index, region,
                           offset, log2, priv))


def connect(name='memif0'):
    return pad(struct.pack('<H32s', CONNECT, s(name, 31)))


def connected(name='memif0'):
    return pad(struct.pack('<H32s', CONNECTED, s(name, 31)))


def disconnect(code=0, reason='interface deleted'):
    return pad(struct.pack('<HI96s', DISCONNECT, code, s(reason, 95)))


def ack():
    return pad(struct.pack('<H', ACK))


def msg_ctx(phase, n_fds=0, truncated=False, no_sizes=False,
            max_region=255, max_s2m=255, max_m2s=255, max_log2=14,
            n_regions=0, n_s2m=0, n_m2s=0, dst_size=64,
            sizes=(REGION, 0, 0, 0), secret=b''):
    flags = n_fds | (4 if truncated else 0) | (8 if no_sizes else 0)
    hdr = struct.pack('<BBHHHBBHHBB4Q24s', phase, flags, max_region,
                      max_s2m, max_m2s, max_log2, n_regions, n_s2m, n_m2s,
                      dst_size, 0, *sizes, secret)
    assert len(hdr) == 72
    return hdr


def msg_corpus():
    c = {}
    # the handshake, in order, as each receiver sees it
    c['01-hello'] = msg_ctx(S_WAIT_HELLO) + hello()
    c['02-init'] = msg_ctx(M_WAIT_INIT) + init()
    c['03-ack'] = msg_ctx(S_WAIT_ACK) + ack()
    c['04-add-region'] = msg_ctx(M_CONFIG, n_fds=1) + add_region(0, REGION)
    c['05-add-ring-s2m'] = (msg_ctx(M_CONFIG, n_fds=1, n_regions=1) +
                            add_ring(True, 0, 0, 0, LOG2))
    c['06-add-ring-m2s'] = (msg_ctx(M_CONFIG, n_fds=1, n_regions=1,
                                    n_s2m=1) +
                            add_ring(False, 0, 0, RING_BYTES, LOG2))
    c['07-connect'] = (msg_ctx(M_CONFIG, n_regions=1, n_s2m=1, n_m2s=1) +
                       connect())
    c['08-connected'] = msg_ctx(S_WAIT_CONNECTED) + connected()
    c['09-disconnect'] = msg_ctx(M_CONNECTED) + disconnect()
    # fields worth mutating from
    c['10-init-secret'] = (msg_ctx(M_WAIT_INIT, secret=b'abc') +
                           init(id_=0x11223344, mode=2, secret='abc'))
    c['11-init-name-no-nul'] = (msg_ctx(M_WAIT_INIT, dst_size=33) +
                                init(name=b'N' * 32)[:65] +
                                b'\xa5' * (MSG_SIZE - 65))
    c['12-hello-range'] = (msg_ctx(S_WAIT_HELLO, dst_size=8) +
                           hello(lo=0x0100, hi=0x0300, max_log2=255))
    c['13-ring-near-u32'] = (msg_ctx(M_CONFIG, n_fds=1, n_regions=1,
                                     sizes=((1 << 32) + 16496, 0, 0, 0)) +
                             add_ring(True, 0, 0, 0xfffffff0, LOG2))
    c['14-add-region-2'] = (msg_ctx(M_CONFIG, n_fds=1, n_regions=1,
                                    max_region=1,
                                    sizes=(REGION, 65536, 0, 0)) +
                            add_region(1, 65536))
    c['15-disconnect-long'] = (msg_ctx(S_WAIT_ACK, dst_size=255) +
                               disconnect(5, 'x' * 100))
    # refused
    c['20-short'] = msg_ctx(S_WAIT_ACK) + ack()[:127]
    c['21-long'] = msg_ctx(S_WAIT_ACK) + ack() + b'\0'
    c['22-truncated'] = msg_ctx(S_WAIT_ACK, truncated=True) + ack()
    c['23-unknown-type'] = msg_ctx(S_WAIT_ACK) + pad(struct.pack('<H', 9))
    c['24-fd-on-ack'] = msg_ctx(S_WAIT_ACK, n_fds=1) + ack()
    c['25-ring-private-hdr'] = (msg_ctx(M_CONFIG, n_fds=1, n_regions=1) +
                                add_ring(True, 0, 0, 0, LOG2, priv=7))
    c['26-undefined-a5'] = (msg_ctx(M_CONFIG, n_fds=1, n_regions=1) +
                            add_ring(True, 0, 0, 0, LOG2)[:15] +
                            b'\xa5' * (MSG_SIZE - 15))
    return c


def desc(region, offset, length, flags=0, metadata=0):
    return struct.pack('<HHIII', flags, region, length, offset, metadata)


def rec(region, offset, length, ring_log2=LOG2, flags=0):
    return desc(region, offset, length, flags) + bytes([ring_log2])


def desc_hdr(n_regions, real_mask, max_len, sizes, n_s2m=1, n_m2s=1,
             log2=LOG2, buffer_size=2048):
    sizes = list(sizes) + [0] * (8 - len(sizes))
    hdr = struct.pack('<BBIHHBBI8Q', n_regions, real_mask, max_len, n_s2m,
                      n_m2s, log2, 0, buffer_size, *sizes)
    assert len(hdr) == 80
    return hdr


def desc_corpus():
    c = {}
    # the worked example: first and last buffers, both rings
    c['01-worked-example'] = (
        desc_hdr(1, 0, 2048, [REGION]) +
        rec(0, BUFFERS, 2048) +
        rec(0, BUFFERS + 2048 * 2047, 2048) +
        rec(0, 0, 64) +
        rec(0, RING_BYTES, 64, flags=1))
    # real memory: boundaries at the end of each region
    c['02-real-regions'] = (
        desc_hdr(2, 0x03, 2048, [65536, 4096], n_s2m=2, n_m2s=3, log2=6,
                 buffer_size=1500) +
        rec(0, 65536 - 2048, 2048, ring_log2=11) +
        rec(0, 65536 - 2047, 2048) +
        rec(1, 4095, 1, ring_log2=7) +
        rec(1, 0, 2048, ring_log2=7) +
        rec(1, 4096, 1) +
        rec(2, 0, 64) +
        rec(0, 64, 0))
    # 32-bit wrap attempts
    c['03-u32-overflow'] = (
        desc_hdr(2, 0, 0xffffffff, [16, (1 << 32) + 16496],
                 n_s2m=255, n_m2s=255, log2=14, buffer_size=65535) +
        rec(0, 0xffffffff, 2) +
        rec(0, 0x80000000, 0x80000000) +
        rec(1, 0xfffffff0, 1, ring_log2=10) +
        rec(1, 0xfffffff0, 16, ring_log2=15))
    # layout right at the 4 GiB limit (1 + 1 rings of 2 slots)
    c['04-layout-4gib'] = (
        desc_hdr(1, 0, 1073740799, [(1 << 32) - 4], log2=1,
                 buffer_size=1073740799) +
        rec(0, 4096, 1073740799, ring_log2=1) +
        rec(0, 4096 + 3 * 1073740799, 1073740799))
    return c


def write(dirname, corpus):
    os.makedirs(dirname, exist_ok=True)
    for name, data in sorted(corpus.items()):
        with open(os.path.join(dirname, name), 'wb') as f:
            f.write(data)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else \
        os.path.dirname(os.path.abspath(__file__))
    write(os.path.join(out, 'corpus-msg'), msg_corpus())
    write(os.path.join(out, 'corpus-desc'), desc_corpus())


if __name__ == '__main__':
    main()
