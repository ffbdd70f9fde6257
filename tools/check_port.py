"""Fail with one clear line if the rendezvous port is taken.

Usage: python tools/check_port.py MASTER_ADDR PORT NODE_RANK
Only the master node (NODE_RANK 0) binds the port, so only it checks.
"""
import socket
import sys


def main() -> int:
    addr, port, node_rank = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    if node_rank != 0:
        return 0
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(('', port))
        except OSError:
            print(f'error: PORT {port} is already in use on {addr}; pick '
                  f'another, e.g. PORT={port + 1} bash tools/dist_train.sh '
                  '...', file=sys.stderr)
            return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
