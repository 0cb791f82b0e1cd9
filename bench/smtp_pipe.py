#!/usr/bin/python3
"""A local MTA's `sendmail -bs` for the tests (issue 40): SMTP on stdin and stdout, carried to the
sink of bench/smtp_sink.py at 127.0.0.1:PORT, so that the sink speaks and keeps the letters.

usage: smtp_pipe.py PORT PIDFILE -bs
Each run appends its process id to PIDFILE (one line per MTA started); it ends when either side
does (our QUIT, or the sink's closing).
"""
import os
import socket
import sys
import threading


def main():
    port, pidfile = int(sys.argv[1]), sys.argv[2]
    with open(pidfile, 'a') as f:
        f.write('%d\n' % os.getpid())
    s = socket.create_connection(('127.0.0.1', port))

    def to_sink():
        while True:
            data = os.read(0, 65536)
            if not data:
                break
            s.sendall(data)
        s.shutdown(socket.SHUT_WR)

    threading.Thread(target=to_sink, daemon=True).start()
    while True:
        data = s.recv(65536)
        if not data:
            break
        os.write(1, data)


if __name__ == '__main__':
    main()
