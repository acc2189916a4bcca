#!/usr/bin/env bats
# CPU modes and the ELF loader: each test kernel reports what it sees.
load helpers
P="$ROOT/build/guests/pc"

@test "ELF32 at 1 MiB starts in protected mode, paging off, CS=0x08" {
	run_split "$MKVM" "$P/pm32.elf"
	[ "$status" -eq 0 ]
	[ "$output" = "pm32: PE=1 PG=0 CS=0x08" ]
}

@test "--mode paging turns paging on for the same kernel" {
	run_split "$MKVM" --mode paging "$P/pm32.elf"
	[ "$status" -eq 0 ]
	[ "$output" = "pm32: PE=1 PG=1 CS=0x08" ]
}

@test "higher-half ELF32 starts with paging on, running at 0xC..." {
	run_split "$MKVM" "$P/hh32.elf"
	[ "$status" -eq 0 ]
	[ "$output" = "hh32: PG=1 PSE=1 EIP=0xC" ]
}

@test "ELF64 starts in long mode" {
	run_split "$MKVM" "$P/lm64.elf"
	[ "$status" -eq 0 ]
	[ "$output" = "lm64: LMA=1 PAE=1 2^32>>32=1" ]
}

@test "a mode that does not fit the image is refused with status 2" {
	run_split "$MKVM" --mode long "$P/pm32.elf"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"pm32.elf: a 32-bit ELF kernel cannot start in long mode"* ]]
	run_split "$MKVM" --mode protected "$G/hello.bin"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"a flat binary runs in real mode"* ]]
	run_split "$MKVM" --mode bogus "$P/pm32.elf"
	[ "$status" -eq 2 ]
}

@test "bad ELF files: truncated, wrong machine, segment outside memory, overlap, entry outside" {
	f="$BATS_TEST_TMPDIR/k.elf"
	head -c 40 "$P/pm32.elf" > "$f"
	run_split "$MKVM" "$f"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"truncated ELF header"* ]]
	# e_machine (offset 18) of the ELF32 set to x86-64 (62).
	cp "$P/pm32.elf" "$f"
	printf '\x3e' | dd of="$f" bs=1 seek=18 conv=notrunc status=none
	run_split "$MKVM" "$f"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"wrong machine"* ]]
	# Memory of 1 MiB cannot hold a segment at 1 MiB.
	run_split "$MKVM" --mem 1M "$P/pm32.elf"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"outside guest memory"* ]]
	# A segment moved to physical 0x4000 overlaps the VMM's page tables.
	off=$(od -An -tu4 -j28 -N4 "$f" | tr -d ' ') # e_phoff
	cp "$P/pm32.elf" "$f"
	printf '\x00\x40\x00\x00' | dd of="$f" bs=1 seek=$((off + 12)) conv=notrunc status=none
	run_split "$MKVM" "$f"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"overlaps the VMM area"* ]]
	# e_entry (offset 24) far outside the segments.
	cp "$P/pm32.elf" "$f"
	printf '\x00\x00\x00\x50' | dd of="$f" bs=1 seek=24 conv=notrunc status=none
	run_split "$MKVM" "$f"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"entry point 0x50000000 is outside every loaded segment"* ]]
}
