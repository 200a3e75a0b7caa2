#!/usr/bin/env python3
"""idle-connections.py HOST PORT N [ehlo]: open N TCP connections to an SMTP server, read each
banner line (must start with 220), with "ehlo" then send each EHLO and read its reply (must be
250: a device idle after its greeting, which has a session, where one that has not spoken may
not), print "ready N" and hold them all open, idle, until
stdin closes or SIGTERM arrives. Used by relay-vs-postfix.sh and idle-connections.sh to
measure the relay's RSS with N idle device connections (N up to several thousand: the
caller raises the file descriptor limit). stdin must be a pipe or terminal (not a file). Exit 1 (with a message) if a connection or banner fails."""
import selectors
import signal
import socket
import sys


def read_until(s: socket.socket, complete) -> bytes:
    """What s sends until complete(bytes so far) or the end of the stream."""
    data = b""
    while not complete(data):
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def main() -> int:
    host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    ehlo = len(sys.argv) > 4 and sys.argv[4] == "ehlo"
    socks = []
    try:
        for i in range(n):
            s = socket.create_connection((host, port), timeout=30)
            socks.append(s)
        # read the banners after all connects: the server greets each one in its own thread
        for i, s in enumerate(socks):
            line = read_until(s, lambda d: d.endswith(b"\n"))
            if not line.startswith(b"220"):
                print(f"idle-connections: connection {i + 1}: no 220 banner: {line[:80]!r}", file=sys.stderr)
                return 1
        if ehlo:
            for s in socks:
                s.sendall(b"EHLO idle.bench.test\r\n")
            for i, s in enumerate(socks):
                reply = read_until(s, lambda d: d.endswith(b"\n") and (d.startswith(b"250 ") or b"\n250 " in d))
                if not reply.startswith(b"250"):
                    print(f"idle-connections: connection {i + 1}: EHLO not answered 250: {reply[:80]!r}", file=sys.stderr)
                    return 1
    except OSError as e:
        print(f"idle-connections: after {len(socks)} connections: {e}", file=sys.stderr)
        return 1
    print(f"ready {len(socks)}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sel = selectors.DefaultSelector()
    sel.register(sys.stdin, selectors.EVENT_READ)
    sel.select()  # until stdin closes (or SIGTERM)
    for s in socks:
        s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
