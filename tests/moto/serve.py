"""Run moto's server on 127.0.0.1 for the Rust tests, and die with the parent.

Usage: python serve.py [--host 127.0.0.1] [--port 0]

Binds the port itself (port 0 picks a free one, so two test processes never
race for a port), then prints one JSON line on stdout:

    {"host": "127.0.0.1", "port": 40123, "pid": 4242}

and serves moto's full HTTP API (the same WSGI app that `moto_server` runs)
on background threads. The main thread blocks reading standard input: when it
reaches end of file, which happens as soon as the parent closes the pipe or
dies in any way (exit, panic, abort, SIGKILL), the process exits at once.
That is what guarantees no server outlives the test process that started it.
Everything else the server prints goes to stderr (the parent's log file).
"""

import argparse
import json
import os
import sys


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()

    # Import late so that a broken install reports through stderr with the
    # traceback, which the Rust side shows when the server never comes up.
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address=args.host, port=args.port, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    # moto builds some URLs (presigned, queue URLs) from MOTO_PORT.
    os.environ["MOTO_PORT"] = str(port)

    ready = json.dumps({"host": host, "port": port, "pid": os.getpid()})
    sys.stdout.write(ready + "\n")
    sys.stdout.flush()
    # Nothing else may go to the pipe the parent only reads one line from:
    # point both Python's stdout and file descriptor 1 at stderr (the log).
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    try:
        while sys.stdin.buffer.read(4096):
            pass
    except (OSError, KeyboardInterrupt):
        pass
    sys.stderr.write("serve.py: stdin closed, exiting\n")
    sys.stderr.flush()
    # No clean shutdown: nothing to save, and a request thread stuck on a
    # client must not keep the process alive.
    os._exit(0)


if __name__ == "__main__":
    main()
