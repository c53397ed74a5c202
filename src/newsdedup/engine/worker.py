"""Entry point of a fingerprinting worker process: ``python -m newsdedup.engine.worker``."""

import sys

from newsdedup.engine.pool import serve

if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
