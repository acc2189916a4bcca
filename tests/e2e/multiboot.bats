#!/usr/bin/env bats
# Multiboot v1 as QEMU's -kernel does it: ELF and address-field kernels,
# boot information, command line, modules, and bad headers.
load helpers
P="$ROOT/build/guests/pc"

@test "multiboot ELF kernel: magic, memory, memory map, command line, modules" {
	printf 'hello module\n' > "$BATS_TEST_TMPDIR/m1"
	printf 'second' > "$BATS_TEST_TMPDIR/m2"
	run_split "$MKVM" --mem 32M --append "console=ttyS0 quiet" \
		--initrd "$BATS_TEST_TMPDIR/m1 arg1 arg2" --initrd "$BATS_TEST_TMPDIR/m2" "$P/mb.elf"
	[ "$status" -eq 0 ]
	expected="mb: magic ok, mem_lower=636 mem_upper=31744 mmap entries=3
mb: cmdline=$P/mb.elf console=ttyS0 quiet
mb: modules=2
mb: module '$BATS_TEST_TMPDIR/m1 arg1 arg2' = hello module

mb: module '$BATS_TEST_TMPDIR/m2' = second"
	[ "$output" = "$expected" ]
}

@test "multiboot address-field (a.out kludge) kernel, flat binary" {
	run_split "$MKVM" "$P/mb-aout.bin"
	[ "$status" -eq 0 ]
	[[ "$output" == "mb: magic ok, mem_lower=636 mem_upper=15360 mmap entries=3"* ]]
	[[ "$output" == *"mb: modules=0" ]]
}

@test "a multiboot kernel linked at 0x8000 (paging off: no page tables there) loads and runs, with a module" {
	printf 'low module' > "$BATS_TEST_TMPDIR/m1"
	run_split "$MKVM" --initrd "$BATS_TEST_TMPDIR/m1" "$P/mb-low.elf"
	echo "$output"
	echo "$stderr"
	[ "$status" -eq 0 ]
	[[ "$output" == "mb: magic ok, mem_lower=636 mem_upper=15360 mmap entries=3"* ]]
	[[ "$output" == *"mb: module '$BATS_TEST_TMPDIR/m1' = low module" ]]
}

@test "a multiboot kernel with --mode paging boots as a plain ELF instead" {
	run_split "$MKVM" --mode paging "$P/mb.elf"
	[ "$status" -eq 1 ] # the kernel sees no multiboot magic and exits 1
}

@test "bad multiboot input: --append on a non-multiboot image, missing module, truncated" {
	run_split "$MKVM" --append "x" "$P/pm32.elf"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--append and --initrd need a multiboot kernel"* ]]
	run_split "$MKVM" --initrd /nonexistent/mod "$P/mb.elf"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"/nonexistent/mod: cannot open image"* ]]
	head -c 600 "$P/mb-aout.bin" > "$BATS_TEST_TMPDIR/t.bin"
	run_split "$MKVM" "$BATS_TEST_TMPDIR/t.bin"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"truncated: multiboot load range"* ]]
	run_split "$MKVM" --append "$(head -c 5000 /dev/zero | tr '\0' x)" "$P/mb.elf"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"command line too long"* ]]
	truncate -s 3000M "$BATS_TEST_TMPDIR/huge"
	run_split "$MKVM" --initrd "$BATS_TEST_TMPDIR/huge" "$P/mb.elf"
	[ "$status" -eq 2 ]
}
