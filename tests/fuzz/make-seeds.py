#!/usr/bin/env python3
# Writes the hand-made seeds of tests/fuzz/corpus/ (run from the repository
# root; the checked-in files are its output plus a few built guests, see
# docs/fuzzing.md).  Each seed encodes meaningful operations in the input
# format its target documents at the top of tests/fuzz/fuzz_<target>.c.
import os
import struct

def put(target, name, data):
    d = f"tests/fuzz/corpus/{target}"
    os.makedirs(d, exist_ok=True)
    with open(f"{d}/{name}", "wb") as f:
        f.write(data)

def elf32(paddr=0x100000, entry=0x100000, vaddr=None, code=b"\xf4", memsz=None, etype=2):
    vaddr = paddr if vaddr is None else vaddr
    ehdr = struct.pack("<16sHHIIIIIHHHHHH", b"\x7fELF\x01\x01\x01" + bytes(9), etype, 3, 1,
                       entry, 52, 0, 0, 52, 32, 1, 0, 0, 0)
    off = 52 + 32
    phdr = struct.pack("<IIIIIIII", 1, off, vaddr, paddr, len(code),
                       memsz if memsz is not None else len(code) + 16, 5, 0x1000)
    return ehdr + phdr + code

def elf64(paddr=0x100000, entry=0x100000, vaddr=None, code=b"\xf4"):
    vaddr = paddr if vaddr is None else vaddr
    ehdr = struct.pack("<16sHHIQQQIHHHHHH", b"\x7fELF\x02\x01\x01" + bytes(9), 2, 62, 1,
                       entry, 64, 0, 0, 64, 56, 1, 0, 0, 0)
    off = 64 + 56
    phdr = struct.pack("<IIQQQQQQ", 1, 5, off, vaddr, paddr, len(code), len(code) + 16, 0x1000)
    return ehdr + phdr + code

def mb_header(flags=0, addr=None):
    magic = 0x1BADB002
    h = struct.pack("<III", magic, flags, (-(magic + flags)) & 0xFFFFFFFF)
    if addr:
        h += struct.pack("<IIIII", *addr)
    return h

# ---- loaders
put("elf", "elf32-min", elf32())
put("elf", "elf64-min", elf64())
put("elf", "elf32-higher-half", elf32(vaddr=0xC0100000, entry=0xC0100000))
put("elf", "elf64-minus2g", elf64(vaddr=0xFFFFFFFF80100000, entry=0xFFFFFFFF80100000))
put("elf", "elf32-bss", elf32(memsz=0x2000))
put("elf", "elf32-low-reserved", elf32(paddr=0x1000, entry=0x1000))

mb_elf = elf32(code=mb_header(2) + b"\xf4")  # header inside the loaded segment
# a.out kludge: the file is loaded at 0x100000; the header sits at offset 0.
aout = mb_header(0x10003, (0x100000, 0x100000, 0, 0x101000, 0x100020)) + bytes(12) + b"\xf4" * 16
put("multiboot", "elf-nomods", b"\x00" + mb_elf)
put("multiboot", "aout-cmdline", b"\x04\x08console" + aout)
put("multiboot", "elf-2mods", b"\x02" + struct.pack("<HH", 5, 3) + mb_elf + b"MOD-A" + b"BBB")
put("multiboot", "aout-1mod-cmdline", b"\x05\x02hi" + struct.pack("<H", 4) + aout + b"init")

put("boot", "flat-real", b"\x00" + b"\xb0\x48\xe6\x01\xf4")  # mode -1
put("boot", "flat-mode-real", b"\x01" + b"\xf4")
put("boot", "elf32-protected", b"\x02" + elf32())
put("boot", "elf32-paging", b"\x03" + elf32(vaddr=0xC0100000, entry=0xC0100000))
put("boot", "elf64-long", b"\x04" + elf64())
put("boot", "mb-append", b"\x80" + mb_elf)

# ---- command line (NUL-separated argv after "mini-kvm")
put("cli", "size-64M", b"64M")
put("cli", "size-1GiB", b"1GiB")
put("cli", "mem-image", b"-m\x00256K\x00guest.bin")
put("cli", "kernel-opts", b"--mode\x00long\x00--cpus\x004\x00--append\x00console=ttyS0\x00k.elf")
put("cli", "initrd", b"--initrd\x00initrd.img arg\x00--keyboard\x00-s\x00-t\x000.5\x00k.elf")
put("cli", "help", b"--help")
put("cli", "bad-opt", b"-sx\x00--mem\x00")

# ---- bus: [op][...]: op&1 register (op&2: base edge, op&4: len edge); else dispatch
def reg(base, ln):
    return bytes([1 | 2 | 4]) + bytes([4, 0]) + struct.pack("<I", base) + bytes([6, 0]) + struct.pack("<Q", ln)
def disp(sel, delta, op=0):
    return bytes([op, sel, delta])
put("bus", "pc-ports", reg(0x500, 16) + reg(0x3f8, 8) + reg(0x60, 1) + reg(0x64, 1) +
    disp(0, 0) + disp(1, 0) + disp(0, 1, 8) + disp(3, 0, 2) + disp(5, 2))
put("bus", "overlap", reg(0x100, 0x10) + reg(0x108, 4) + reg(0xf8, 8) + reg(0x110, 1) + disp(0, 0xff))
put("bus", "top", reg(0xFFFFFFF0, 0x10) + bytes([1 | 2 | 4, 3, 0, 6, 0]) + struct.pack("<Q", 1) + disp(1, 1))

# ---- guest_mem: [size u16][op gpa-edge len-edge ...]
def edge(sel, small=0):
    return bytes([sel, small])
put("guest_mem", "edges", struct.pack("<H", 4095) + bytes([2]) + edge(1, 1) + edge(0, 1) + b"\x41" +
    bytes([1]) + edge(0, 0) + edge(1, 0) + bytes([0]) + edge(2, 0) + edge(0, 0) +
    bytes([0]) + edge(3, 0) + edge(0, 2))
put("guest_mem", "one-byte", struct.pack("<H", 0) + bytes([2]) + edge(0, 0) + edge(0, 1) + b"z")

# ---- hypercall: [pages] then per access [sel][flags][8 data][rsi edge][rcx edge or none]
def hc(nr, out, size=1, data=b"", rsi=(0, 0), rcx=(0, 0), flags=0):
    f = (1 if out else 0) | ({1: 0, 2: 1, 4: 2}[size] << 1) | flags
    b = bytes([8 + nr, f]) + (data + bytes(8))[:8] + bytes(rsi)
    if not flags & 0x40:
        b += bytes(rcx)
    return b
put("hypercall", "hello", bytes([3]) + hc(1, True, data=b"H") + hc(1, True, data=b"\n") + hc(0, True, data=b"\x07"))
put("hypercall", "write", bytes([1]) + hc(3, True, rsi=(0, 16), rcx=(0, 5)) + hc(3, True, rsi=(1, 4), flags=0x40) +
    hc(3, True, rsi=(1, 4), flags=0x48) + hc(3, True, rsi=(0, 0), rcx=(3, 0)))
put("hypercall", "getchar-bad", bytes([0]) + hc(2, False, size=4) + hc(2, True) + hc(5, True) + hc(1, False, size=2) +
    hc(3, True, flags=0x80))

# ---- fw_cfg & co: [cpus][mem MiB-1] then [sel][flags][8 data]
P = [0x7f, 0x80, 0x81, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0x50f, 0x510, 0x511, 0x512]
def pio(port, out, size=1, data=b""):
    return bytes([P.index(port), (1 if out else 0) | ({1: 0, 2: 1, 4: 2}[size] << 1)]) + (data + bytes(8))[:8]
put("fw_cfg", "signature", bytes([0, 15]) + pio(0x510, True, 2, b"\x00\x00") + pio(0x511, False, 4) + pio(0x511, False, 1))
put("fw_cfg", "ramsize-cpus", bytes([3, 31]) + pio(0x510, True, 2, b"\x03\x00") + pio(0x511, False, 4) + pio(0x511, False, 4) +
    pio(0x511, False, 1) + pio(0x510, True, 1, b"\x05") + pio(0x511, False, 2) + pio(0x510, False, 2))
put("fw_cfg", "post-exit", bytes([0, 0]) + pio(0x80, True, 1, b"\x01") + pio(0x80, True, 1, b"\x02") + pio(0x80, False) +
    pio(0xf4, False, 4) + pio(0xf4, True, 4, b"\x10\x00\x00\x00") + pio(0xf5, True, 1, b"\x01"))

# ---- uart: [op: off | (size-1)<<3 | write<<6 | dead-toggle<<7][8 data]
def u(off, write, data=b"", size=1):
    return bytes([off | (size - 1) << 3 | (0x40 if write else 0)]) + (data + bytes(8))[:8]
put("uart", "tx-irq", u(3, True, b"\x03") + u(4, True, b"\x0b") + u(1, True, b"\x02") + u(2, False) + u(0, True, b"A") +
    u(2, False) + u(5, False) + u(6, False))
put("uart", "loopback-fifo", u(2, True, b"\x07") + u(4, True, b"\x1f") + u(1, True, b"\x0f") +
    b"".join(u(0, True, bytes([c])) for c in range(18)) + u(5, False) + u(0, False) + u(2, False) + u(0, False, size=8))
put("uart", "dlab", u(3, True, b"\x80") + u(0, True, b"\x01") + u(1, True, b"\x00") + u(0, False, size=2) + u(3, True, b"\x03"))

# ---- i8042: [op: status-port bit0 | write<<1 | size<<2 | table<<7][value]
def k(port, write, v):
    return bytes([(1 if port == 0x64 else 0) | (2 if write else 0)]) + bytes([v])
put("i8042", "selftest", k(0x64, True, 0xaa) + k(0x64, False, 0) + k(0x60, False, 0) + k(0x64, True, 0x20) + k(0x60, False, 0))
put("i8042", "kbd-cmds", k(0x60, True, 0xff) + k(0x60, False, 0) + k(0x60, False, 0) + k(0x60, True, 0xf0) + k(0x60, True, 0) +
    k(0x60, False, 0) + k(0x60, False, 0) + k(0x60, True, 0xf2) + k(0x60, True, 0xed) + k(0x60, True, 7))
put("i8042", "cmdbyte-reset", k(0x64, True, 0x60) + k(0x60, True, 0x45) + k(0x64, True, 0xd2) + k(0x60, True, 0x1c) +
    k(0x64, False, 0) + k(0x60, False, 0) + k(0x64, True, 0xd1) + k(0x60, True, 0x02) + k(0x64, True, 0xfe))

# ---- pc_devices: [ncpus] then [op: low nibble = offset+1 in range, 0x10 write, size<<5 | 0x80 raw port][range idx or port][8 data]
def pd(rng, off, write, data=b"", size=1):
    return bytes([(off + 1) | (0x10 if write else 0) | ({1: 0, 2: 1, 4: 2}[size] << 5), rng]) + (data + bytes(8))[:8]
put("pc_devices", "mixed", bytes([0]) + pd(0, 0, True, b"\x01") + pd(1, 0, True, b"\x00") + pd(3, 0, True, b"\x01") +
    pd(4, 0, False) + pd(5, 0, True, b"\xaa") + pd(6, 0, False) + pd(2, 0, True, b"\x10"))
