"""No network for query workers: a seccomp filter that refuses to create IPv4/IPv6 sockets.

The second wall behind the SERVICE/LOAD rule (graph/guard.py): whatever a query makes the
engine try, a worker process cannot open a connection to any host. Unix sockets (the
worker's pipe to the server) still work. Linux only (x86_64 and aarch64); elsewhere
`deny_network` returns False and the parsed-query rule stands alone.

The filter is a classic-BPF program handed to prctl(PR_SET_SECCOMP): for the socket(2)
system call whose first argument (the address family) is AF_INET or AF_INET6 it returns
EACCES; every other call is allowed.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import socket
import struct

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000

# Per architecture: the audit arch value seccomp reports, and socket(2)'s number.
ARCHES = {
    "x86_64": (0xC000003E, 41),
    "aarch64": (0xC00000B7, 198),
}

# BPF opcodes (linux/bpf_common.h)
BPF_LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
BPF_JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
BPF_RET_K = 0x06  # BPF_RET | BPF_K

# Offsets in struct seccomp_data: int nr; __u32 arch; __u64 ip; __u64 args[6].
NR, ARCH, ARG0 = 0, 4, 16


def _instruction(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k)


def _program(audit_arch: int, socket_nr: int) -> bytes:
    refuse = SECCOMP_RET_ERRNO | errno.EACCES
    return b"".join(
        [
            _instruction(BPF_LD_W_ABS, 0, 0, ARCH),
            _instruction(BPF_JEQ_K, 1, 0, audit_arch),  # another ABI (e.g. x32): refuse all
            _instruction(BPF_RET_K, 0, 0, refuse),
            _instruction(BPF_LD_W_ABS, 0, 0, NR),
            _instruction(BPF_JEQ_K, 0, 4, socket_nr),
            _instruction(BPF_LD_W_ABS, 0, 0, ARG0),  # low 32 bits of the family
            _instruction(BPF_JEQ_K, 1, 0, socket.AF_INET),
            _instruction(BPF_JEQ_K, 0, 1, socket.AF_INET6),
            _instruction(BPF_RET_K, 0, 0, refuse),
            _instruction(BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW),
        ]
    )


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def deny_network() -> bool:
    """Forbid this process (and its future children) to create network sockets. True when the
    filter is in place; False where the platform has no seccomp we know."""
    arch = ARCHES.get(platform.machine())
    if platform.system() != "Linux" or arch is None:
        return False
    program = _program(*arch)
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = _SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p).value)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(fprog), 0, 0) != 0:
        return False
    return True
