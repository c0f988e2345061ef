#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
#
# End-to-end tests of the examples (meson suite 'examples'): runs two
# processes against each other over a real memif connection and checks what
# they print, their exit status, the socket file and the pcap.  Sockets are
# abstract or live in a temporary directory, so tests may run in parallel.
#
#   run.py raw-data RAW_DATA master-first|slave-first
#   run.py jumbo-frames JUMBO_FRAMES
#   run.py responder RESPONDER VPP_PEER master|slave [pcap] [q1] [rq1]
#   run.py clean-exit EXAMPLE...
#
# q1: the peer asks for (or, as master, is configured with) one queue pair.
# rq1: the responder is configured with one queue pair; as master it must
# still serve the 3 the peer's slave asks for (the slave decides).

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print('FAIL:', what)
    return cond


def ignore_sigint():
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def start(argv, preexec_fn=None):
    print('$', ' '.join(argv), flush=True)
    return subprocess.Popen(argv, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True,
                            preexec_fn=preexec_fn)


def finish(p, name, timeout, sig=None):
    """Optionally signal p, wait for it and return (rc, output)."""
    if sig is not None and p.poll() is None:
        p.send_signal(sig)
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, _ = p.communicate()
        check(False, '%s did not exit within %d s' % (name, timeout))
    print('---- %s (exit %s) ----' % (name, p.returncode))
    print(out, end='', flush=True)
    return p.returncode, out


def unique(tag):
    return '@memif-example-%s-%d-%d' % (tag, os.getpid(), time.monotonic_ns())


def test_raw_data(exe, order):
    sock = unique('raw')
    args = ['--socket', sock, '--count', '2', '--duration', '30']
    first, second = ('master', 'slave') if order == 'master-first' \
        else ('slave', 'master')
    procs = {}
    for role in (first, second):
        # the master also takes --allow-unsealed (our slave seals anyway)
        procs[role] = start([exe] + args + (['--slave'] if role == 'slave'
                                            else ['--allow-unsealed']))
        time.sleep(0.5)
    outs = {}
    for role, p in procs.items():
        rc, outs[role] = finish(p, 'raw-data ' + role, 45)
        check(rc == 0, 'raw-data %s exit status %s' % (role, rc))
    for role, out in outs.items():
        check(('connected as ' + role) in out, role + ' never connected')
        check('negotiated: 3 rx / 3 tx queues, ring 1024 slots' in out,
              role + ' did not print the negotiated queues')
        check('queue 2: sent 2 bursts' in out and 'queue 3:' not in out,
              role + ' summary is not per negotiated queue')
        for q in range(3):
            for burst in (1, 2):
                for i in range(3):
                    line = 'q%d: received "Packet #%d in burst number %d"' \
                        % (q, i, burst)
                    check(line in out, '%s missing: %s' % (role, line))


def test_jumbo(exe):
    sock = unique('jumbo')
    args = ['--socket', sock, '--interval', '0.02', '--count', '100',
            '--duration', '40']
    m = start([exe] + args)
    time.sleep(0.3)
    s = start([exe, '--slave'] + args)
    for role, p in (('master', m), ('slave', s)):
        rc, out = finish(p, 'jumbo-frames ' + role, 50)
        check(rc == 0, 'jumbo-frames %s exit status %s' % (role, rc))
        check('CORRUPT at' not in out, role + ' saw CORRUPT packets')
        check('MISSING seq' not in out, role + ' saw MISSING packets')
        check('all packets intact' in out, role + ' did not say intact')
        seen = set(re.findall(r'^q(\d): (\d+) bytes OK', out, re.M))
        for q in range(3):
            for mult in range(1, 101):
                for base in (128, 256, 512):
                    size = base * mult
                    check((str(q), str(size)) in seen,
                          '%s q%d: no intact %d-byte packet'
                          % (role, q, size))
        check(('0', '51200') in seen, role + ' never got 51,200 bytes')


def tshark_check(pcap):
    tshark = os.environ.get('TSHARK') or shutil.which('tshark')
    if not check(tshark is not None, 'tshark not found'):
        return
    summary = subprocess.run([tshark, '-r', pcap], capture_output=True,
                             text=True)
    print('---- tshark -r %s ----' % pcap)
    print(summary.stdout + summary.stderr, end='')
    check(summary.returncode == 0, 'tshark -r failed')
    fields = ['frame.number', 'eth.src', 'eth.dst', 'arp.opcode',
              'arp.src.proto_ipv4', 'arp.dst.proto_ipv4', 'ip.src', 'ip.dst',
              'icmp.type', 'icmp.seq', 'ip.checksum.status',
              'icmp.checksum.status', 'icmp.resp_to']
    cmd = [tshark, '-r', pcap, '-o', 'ip.check_checksum:TRUE', '-T',
           'fields', '-E', 'separator=|', '-E', 'occurrence=f']
    for f in fields:
        cmd += ['-e', f]
    res = subprocess.run(cmd, capture_output=True, text=True)
    check(res.returncode == 0, 'tshark -T fields failed: ' + res.stderr)
    rows = [dict(zip(fields, line.split('|')))
            for line in res.stdout.splitlines()]
    ours = [r for r in rows if r['eth.src'] == 'aa:aa:aa:aa:aa:aa']
    arp = [r for r in ours if r['arp.opcode'] == '2']
    echo = [r for r in ours if r['icmp.type'] == '0']
    check(len(arp) == 1, 'pcap: %d ARP replies, want 1' % len(arp))
    for r in arp:
        check(r['arp.src.proto_ipv4'] == '192.168.1.1' and
              r['arp.dst.proto_ipv4'] == '192.168.1.2',
              'pcap: ARP reply addresses %s' % r)
    check(len(echo) == 5, 'pcap: %d echo replies, want 5' % len(echo))
    check(sorted(r['icmp.seq'] for r in echo) == ['1', '2', '3', '4', '5'],
          'pcap: echo reply sequence numbers')
    for r in echo:
        # 1 = "Good" for both the IPv4 and the ICMP checksum
        check(r['ip.checksum.status'] == '1',
              'pcap: frame %s IP checksum status %s' %
              (r['frame.number'], r['ip.checksum.status']))
        check(r['icmp.checksum.status'] == '1',
              'pcap: frame %s ICMP checksum status %s' %
              (r['frame.number'], r['icmp.checksum.status']))
        check(r['ip.src'] == '192.168.1.1' and r['ip.dst'] == '192.168.1.2',
              'pcap: frame %s addresses' % r['frame.number'])
        check(r['icmp.resp_to'] != '',
              'pcap: tshark did not match reply frame %s to its request' %
              r['frame.number'])
    check(len(ours) == 6, 'pcap: %d frames sent, want 6' % len(ours))
    # received: the ARP request, 13 frames to ignore, 5 echo requests
    check(len(rows) - len(ours) == 19,
          'pcap: %d frames received, want 19' % (len(rows) - len(ours)))


def test_responder(exe, peer, role, pcap, queues, own_queues):
    tmp = tempfile.mkdtemp(prefix='memif-ex-')
    try:
        sock = os.path.join(tmp, 'sock')
        pcap_file = os.path.join(tmp, 'capture.pcap')
        name = os.path.basename(exe)
        args = [exe, '--socket', sock, '--duration', '50']
        if own_queues:
            args += ['--queues', str(own_queues)]
        if role == 'slave':
            args.append('--slave')
        elif own_queues:
            args.append('--allow-unsealed')
        if pcap:
            args += ['--pcap', pcap_file]
        r = start(args)
        time.sleep(0.3)
        pargs = [peer, '--socket', sock, '--timeout', '20',
                 '--queues', str(queues)]
        if role == 'master':
            pargs.append('--slave')
        p = start(pargs)
        prc, pout = finish(p, 'vpp-peer', 40)
        time.sleep(0.2)
        rrc, rout = finish(r, name, 10, signal.SIGTERM)
        check(prc == 0 and 'PASSED' in pout, 'vpp-peer checks failed')
        check(rrc == 0, '%s exit status %s' % (name, rrc))
        check('connected as ' + role in rout, name + ' never connected')
        # the slave decides: the peer's count when it is the slave
        want = queues if role == 'master' else (own_queues or 3)
        check('negotiated: %d rx / %d tx queues' % (want, want) in rout,
              'negotiated queues not printed as %d / %d' % (want, want))
        if role == 'master' and own_queues and own_queues != want:
            check('the slave asked for %d rx / %d tx queues' % (want, want)
                  in rout, 'the master did not say it follows the slave')
        check('ARP request from 192.168.1.2' in rout, 'no ARP line')
        check(len(re.findall(r'ICMP echo request from 192\.168\.1\.2 .*'
                             r'replied', rout)) == 5, 'not 5 echo lines')
        kinds = re.findall(r'ignoring (.*) \(\d+ bytes', rout)
        check(len(kinds) == len(set(kinds)),
              'an ignored kind was reported twice')
        check(len(kinds) >= 8, 'only %d kinds reported as ignored'
              % len(kinds))
        check('sent 1 ARP and 5 ICMP echo replies' in rout,
              'final counters wrong')
        check(not os.path.exists(sock),
              'socket file %s left behind by the %s' %
              (sock, 'responder' if role == 'master' else 'vpp-peer'))
        if pcap:
            check('wrote 25 packets' in rout, 'pcap packet count')
            tshark_check(pcap_file)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_clean_exit(exes):
    """Ctrl-C / SIGTERM before any peer connected: exit 0, no socket file."""
    tmp = tempfile.mkdtemp(prefix='memif-ex-')
    try:
        for exe in exes:
            name = os.path.basename(exe)
            for role in ('master', 'slave'):
                for sig in (signal.SIGINT, signal.SIGTERM):
                    sock = os.path.join(tmp, '%s-%s.sock' % (name, role))
                    args = [exe, '--socket', sock]
                    if role == 'slave':
                        args.append('--slave')
                    elif sig == signal.SIGTERM:
                        args.append('--allow-unsealed')
                    p = start(args)
                    time.sleep(0.5)
                    if role == 'master':
                        check(os.path.exists(sock),
                              '%s master created no socket file' % name)
                    t0 = time.monotonic()
                    rc, _ = finish(p, name + ' ' + role, 10, sig)
                    check(rc == 0, '%s %s exit status %s after %s'
                          % (name, role, rc, sig.name))
                    check(time.monotonic() - t0 < 3,
                          '%s %s slow to exit' % (name, role))
                    check(not os.path.exists(sock),
                          '%s %s left %s behind' % (name, role, sock))
        # a shell starts background jobs with SIGINT ignored; kill -INT
        # must still stop an example
        p = start([exes[0], '--socket', unique('ign')],
                  preexec_fn=ignore_sigint)
        time.sleep(0.5)
        rc, _ = finish(p, 'started with SIGINT ignored', 5, signal.SIGINT)
        check(rc == 0, 'SIGINT ignored by the parent: exit status %s' % rc)
        # --help and a bad option, for every example
        for exe in exes:
            res = subprocess.run([exe, '--help'], capture_output=True,
                                 text=True)
            check(res.returncode == 0 and '--slave' in res.stdout and
                  '--socket' in res.stdout, exe + ' --help')
            check("--allow-unsealed" in res.stdout and
                  "accept the peer's unsealed regions" in res.stdout,
                  exe + ' --help does not document --allow-unsealed')
            res = subprocess.run([exe, '--allow-unsealed=1'],
                                 capture_output=True, text=True)
            check(res.returncode == 2,
                  exe + ' took a value for the --allow-unsealed flag')
            res = subprocess.run([exe, '--no-such-option'],
                                 capture_output=True, text=True)
            check(res.returncode == 2, exe + ' accepted a bad option')
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv):
    what = argv[1]
    if what == 'raw-data':
        test_raw_data(argv[2], argv[3])
    elif what == 'jumbo-frames':
        test_jumbo(argv[2])
    elif what == 'responder':
        # 'q1': the peer offers one queue each way, as VPP does by default
        test_responder(argv[2], argv[3], argv[4], 'pcap' in argv[5:],
                       1 if 'q1' in argv[5:] else 3,
                       1 if 'rq1' in argv[5:] else None)
    elif what == 'clean-exit':
        test_clean_exit(argv[2:])
    else:
        print('unknown test', what)
        return 2
    if failures:
        print('%d check(s) failed' % len(failures))
        return 1
    print('all checks passed')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
