#!/usr/bin/env bats
# The virtio-mmio block device (--disk): a test kernel (guests/pc/blk.c)
# drives it like Linux (IRQ 5) and like OS in 1,000 lines (polling), on a
# raw image made here; the host file is checked after the run, after a
# SIGKILL, read-only; bad files are refused; hostile queues stop the guest
# with one line and status 126.
load helpers
P="$ROOT/build/guests/pc"

# mkdisk FILE: 64 KiB (128 sectors), "HELLO DISK\n" at the start.
mkdisk() {
	printf 'HELLO DISK\n' > "$1"
	truncate -s 64K "$1"
}

# The 512 bytes blk.elf writes: "0123456789abcdef" 32 times.
pattern() {
	for _ in $(seq 32); do printf '0123456789abcdef'; done
}

expect_full() {
	cat <<-EOF
	blk: magic 0x74726976 version 1 device 2 vendor 0x554d4551
	blk: features 0x$1
	blk: capacity 128 sectors, blk_size 512
	blk: id mini-kvm
	blk: sector 0: HELLO DISK......
	blk: wrote, flushed and read back sector 1
	blk: read past the end: IOERR
	blk: 8-byte header: IOERR
	blk: type 99: UNSUPP
	blk: ok
	EOF
}

# sector FILE N: sector N of FILE on stdout.
sector() {
	dd if="$1" bs=512 skip="$2" count=1 status=none
}

@test "disk: read, GET_ID, write + flush + read back, bad requests answered; IRQ 5; data in the host file" {
	local d="$BATS_TEST_TMPDIR/disk.img"
	mkdisk "$d"
	cp "$d" "$BATS_TEST_TMPDIR/orig.img"
	run_split "$MKVM" --timeout 120 --disk "$d" "$P/blk.elf"
	echo "$output"
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ "$output" = "$(expect_full 244)" ]
	[ -z "$stderr" ]
	# Sector 1 holds the pattern, every other byte is as before.
	cmp <(sector "$d" 1) <(pattern)
	cmp <(sector "$d" 0) <(sector "$BATS_TEST_TMPDIR/orig.img" 0)
	cmp <(dd if="$d" bs=512 skip=2 status=none) <(dd if="$BATS_TEST_TMPDIR/orig.img" bs=512 skip=2 status=none)
	[ "$(stat -c %s "$d")" -eq 65536 ]
}

@test "disk: OS in 1,000 lines conventions (QueuePFN = address, QueueAlign 0), polling" {
	local d="$BATS_TEST_TMPDIR/disk.img"
	mkdisk "$d"
	run_split "$MKVM" --timeout 120 --disk "$d" --append poll "$P/blk.elf"
	echo "$output"
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ "$output" = "$(expect_full 244)" ]
	cmp <(sector "$d" 1) <(pattern)
}

@test "disk: a completed write survives SIGKILL of mini-kvm (no flush)" {
	local d="$BATS_TEST_TMPDIR/disk.img" out="$BATS_TEST_TMPDIR/out" pid
	mkdisk "$d"
	"$MKVM" --timeout 300 --disk "$d" --append write "$P/blk.elf" > "$out" 2>&1 &
	pid=$!
	for _ in $(seq 1200); do
		grep -q 'blk: written' "$out" && break
		sleep 0.1
	done
	cat "$out"
	grep -q 'blk: written' "$out"
	kill -KILL "$pid"
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 137 ]
	cmp <(sector "$d" 2) <(pattern)
}

@test "disk: ,ro offers VIRTIO_BLK_F_RO, reads work, a write is IOERR, the file is unchanged" {
	local d="$BATS_TEST_TMPDIR/disk.img"
	mkdisk "$d"
	cp "$d" "$BATS_TEST_TMPDIR/orig.img"
	chmod 444 "$d" # opened O_RDONLY: a read-only file is fine
	run_split "$MKVM" --timeout 120 --disk "$d,ro" --append ro "$P/blk.elf"
	echo "$output"
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ "$output" = "$(
		cat <<-EOF
		blk: magic 0x74726976 version 1 device 2 vendor 0x554d4551
		blk: features 0x264
		blk: capacity 128 sectors, blk_size 512
		blk: sector 0: HELLO DISK......
		blk: write to read-only disk: IOERR
		blk: ok
		EOF
	)" ]
	cmp "$d" "$BATS_TEST_TMPDIR/orig.img"
}

@test "disk: no --disk, no device (magic reads all ones); with two guests only the first gets it" {
	local d="$BATS_TEST_TMPDIR/disk.img"
	mkdisk "$d"
	run_split "$MKVM" --timeout 60 "$P/blk.elf"
	[ "$status" -eq 1 ]
	[ "$output" = "blk: FAIL: magic (got 0xffffffff)" ]
	run_split "$MKVM" --timeout 120 --disk "$d" "$P/blk.elf" "$P/blk.elf"
	echo "$output"
	echo "$stderr"
	[ "$status" -eq 1 ] # the second guest's status
	[[ "$output" == *"[blk] blk: ok"* ]]
	[[ "$output" == *"[blk#2] blk: FAIL: magic (got 0xffffffff)"* ]]
}

@test "disk: bad disk files and options are refused before anything starts (status 2, path named)" {
	local dir="$BATS_TEST_TMPDIR"
	run_split "$MKVM" --disk "$dir/missing.img" "$P/blk.elf"
	[ "$status" -eq 2 ]
	[ "$stderr" = "mini-kvm: --disk '$dir/missing.img': No such file or directory" ]

	run_split "$MKVM" --disk "$dir" "$P/blk.elf"
	[ "$status" -eq 2 ]
	[ "$stderr" = "mini-kvm: --disk '$dir': Is a directory" ]
	run_split "$MKVM" --disk "$dir,ro" "$P/blk.elf" # O_RDONLY opens it: fstat refuses
	[ "$status" -eq 2 ]
	[ "$stderr" = "mini-kvm: --disk '$dir': not a regular file; give a raw disk image" ]

	head -c 1000 /dev/zero > "$dir/odd.img"
	run_split "$MKVM" --disk "$dir/odd.img" "$P/blk.elf"
	[ "$status" -eq 2 ]
	[ "$stderr" = "mini-kvm: --disk '$dir/odd.img': size 1000 bytes is not a positive multiple of 512 (a raw image of whole sectors)" ]

	: > "$dir/empty.img"
	run_split "$MKVM" --disk "$dir/empty.img,ro" "$P/blk.elf"
	[ "$status" -eq 2 ]
	[ "$stderr" = "mini-kvm: --disk '$dir/empty.img': size 0 bytes is not a positive multiple of 512 (a raw image of whole sectors)" ]

	mkdisk "$dir/disk.img"
	run_split "$MKVM" --disk "$dir/disk.img" "$G/hello.bin"
	[ "$status" -eq 2 ]
	[ "$stderr" = "mini-kvm: --disk needs a kernel (ELF or multiboot) as the first guest: $G/hello.bin is a flat real-mode guest without the PC devices" ]

	run_split "$MKVM" --disk "$dir/disk.img" --disk "$dir/disk.img" "$P/blk.elf"
	[ "$status" -eq 2 ]
	[ "$stderr" = "mini-kvm: --disk '$dir/disk.img': only one disk is supported" ]

	if [ "$(id -u)" -ne 0 ]; then # root reads anything
		chmod 000 "$dir/disk.img"
		run_split "$MKVM" --disk "$dir/disk.img" "$P/blk.elf"
		[ "$status" -eq 2 ]
		[ "$stderr" = "mini-kvm: --disk '$dir/disk.img': Permission denied" ]
	fi
}

# hostile MODE MESSAGE: blk.elf MODE is stopped with exactly MESSAGE.
hostile() {
	local d="$BATS_TEST_TMPDIR/disk.img"
	mkdisk "$d"
	cp "$d" "$BATS_TEST_TMPDIR/orig.img"
	run_split "$MKVM" --timeout 60 --disk "$d" --append "$1" "$P/blk.elf"
	echo "$output"
	echo "$stderr"
	[ "$status" -eq 126 ]
	[ "$stderr" = "mini-kvm: blk: virtio-blk: $2 (exit status 126)" ]
	[[ "$output" != *survived* ]]
	cmp "$d" "$BATS_TEST_TMPDIR/orig.img"
}

@test "disk: hostile queue: descriptor loop" {
	hostile loop "descriptor chain from head 0 is longer than the queue (16): a loop"
}

@test "disk: hostile queue: buffer just past the end of RAM" {
	hostile outside "descriptor 1: buffer 0x1000000+0x200 outside guest RAM"
}

@test "disk: hostile queue: QueuePFN puts the rings outside RAM" {
	hostile pfn "queue at 0x1000000 (QueuePFN 0x1000 x GuestPageSize 0x1000, 16 entries) is outside guest RAM"
}

@test "disk: hostile queue: avail index jumps past the queue size" {
	hostile jump "avail index jumped from 0 to 17 (queue of 16)"
}

@test "disk: hostile queue: head index past the queue" {
	hostile head "descriptor index 16 outside the queue (16 entries)"
}

@test "disk: hostile queue: status byte not device-writable" {
	hostile nostatus "request at head 0 has no device-writable status byte"
}
