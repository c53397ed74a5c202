"""Entry point of a worker process: ``python -m newsdedup.worker`` (processes.py)."""

import sys

from newsdedup.processes import serve

if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
