#!/usr/bin/env python3
"""soak-devices.py: the devices of bench/soak.sh.

Sends messages to the relay at about RATE messages a second from THREADS threads, one SMTP
connection per message (as devices do), until SECONDS have passed. Each message has a unique
Message-ID <soak-N@soak.test>. One line per attempt goes to OUT, written and flushed as soon as
the outcome is known:

    accepted N <reply>     the relay said 250 after the final "." (it must arrive upstream)
    refused N <code>       the relay said 4xx/5xx (it must not be counted as accepted)
    broken N <error>       the connection failed (the relay was being killed); outcome unknown

Usage: soak-devices.py HOST PORT RATE THREADS SECONDS OUT [SIZE]
"""
import smtplib
import sys
import threading
import time


def main():
    host, port, rate, threads, seconds, out = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), \
        float(sys.argv[5]), sys.argv[6]
    size = int(sys.argv[7]) if len(sys.argv) > 7 else 4096
    body = ("soak line of a scanned page .......................................................\r\n" * (size // 84 + 1))[:size]
    lock = threading.Lock()
    state = {"next": 0}
    start = time.monotonic()
    deadline = start + seconds
    log = open(out, "a", buffering=1)

    def take():
        with lock:
            n = state["next"]
            state["next"] += 1
        due = start + n / rate
        now = time.monotonic()
        if due > now:
            time.sleep(due - now)
        return n if time.monotonic() < deadline else None

    def record(line):
        with lock:
            log.write(line + "\n")

    def device():
        while True:
            n = take()
            if n is None:
                return
            msg = (f"From: Soak Scanner <scanner@soak.test>\r\nTo: inbox@soak.test\r\nSubject: soak {n}\r\n"
                   f"Message-ID: <soak-{n}@soak.test>\r\n\r\n{body}")
            s = None
            try:
                s = smtplib.SMTP(host, port, timeout=30)
                s.ehlo("soak-device")
                s.mail("scanner@soak.test")
                code, reply = s.rcpt("inbox@soak.test")
                if code != 250:
                    record(f"refused {n} {code}")
                    continue
                code, reply = s.data(msg.encode("ascii"))
                record(f"accepted {n} {reply.decode('ascii', 'replace')}" if code == 250 else f"refused {n} {code}")
            except smtplib.SMTPResponseException as e:
                record(f"refused {n} {e.smtp_code}")
            except (OSError, smtplib.SMTPException) as e:
                record(f"broken {n} {type(e).__name__}")
            finally:
                if s is not None:
                    try:
                        s.quit()
                    except (OSError, smtplib.SMTPException):
                        s.close()

    workers = [threading.Thread(target=device, daemon=True) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    log.close()


if __name__ == "__main__":
    main()
