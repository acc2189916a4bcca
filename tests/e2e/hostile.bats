#!/usr/bin/env bats
# A guest (or a bug) must not get mini-kvm to do more than it needs:
# the seccomp allow-list is active after set-up.
load helpers

@test "seccomp: a forbidden system call after set-up ends mini-kvm with 125 and a message" {
	MKVM_TEST_FORBIDDEN_SYSCALL=1 run_split "$MKVM" "$G/hello.bin"
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"seccomp: forbidden system call 110"* ]] # getppid
	[[ "$stderr" == *"--no-seccomp"* ]]
}

@test "seccomp: --no-seccomp turns the filter off" {
	MKVM_TEST_FORBIDDEN_SYSCALL=1 run_split "$MKVM" --no-seccomp "$G/hello.bin"
	[ "$status" -eq 0 ]
	[ "$output" = "Hello, World!" ]
}

@test "seccomp: every demo runs under the filter, with stats, input and several guests" {
	run_split "$MKVM" --stats "$G/hctest.bin" "$G/hello.bin" "$G/counter.bin" <<< "abc"
	[ "$status" -eq 42 ]
	[[ "$output" == *"[hctest] hctest: eof after 4 bytes"* ]]
	[[ "$stderr" == *"stats hctest"* ]]
}

# ---- guests written to misbehave: each ends with one clear line and a
# documented status, in bounded time, and never crashes or hangs mini-kvm.
P="$ROOT/build/guests/pc"

# ends_cleanly STATUS: no signal death, the expected status, one
# "mini-kvm: ..." reason line first on stderr.
ends_cleanly() {
	[ "$status" -eq "$1" ]
	[ "$status" -lt 128 ] || [ "$1" -ge 128 ]
}

@test "triple fault in real, protected and long mode: reason, dump, 126" {
	for g in "$T/triple_real.bin" "$T/triple.bin" "$P/triple64.elf" ; do
		run_split "$MKVM" --timeout 20 "$g"
		ends_cleanly 126
		[[ "$stderr" == *"triple fault (KVM_EXIT_SHUTDOWN)"* ]]
		[[ "$stderr" == *"rip="*"cr0="*"efer="* || "$stderr" == *"registers at the fault lost"* ]]
		[[ "$stderr" != *"rip=0x000000000000fff0"* ]]
	done
	run_split "$MKVM" --timeout 20 --append triple "$P/hostile.elf"
	ends_cleanly 126
	[[ "$stderr" == *"triple fault"* ]]
}

@test "every I/O port 0-0xffff read and written: mini-kvm survives" {
	run_split "$MKVM" --timeout 120 --stats --append ports "$P/hostile.elf" < /dev/null
	echo "$stderr" | head -5
	ends_cleanly 0
	[[ "$output" == *"hostile: ports survived"* ]]
	[[ "$stderr" == *"io other ports: "* ]] # far more ports than tracked slots
}

@test "MMIO at unmapped addresses and past the edge of RAM: reads all ones, writes ignored" {
	run_split "$MKVM" --timeout 20 --stats --append mmio "$P/hostile.elf"
	ends_cleanly 0
	[ "$output" = "hostile: mmio survived" ]
	[[ "$stderr" == *"exit mmio: "* ]]
}

@test "HC_WRITE with a 4 GiB length: the limit is named, 126" {
	run_split "$MKVM" "$T/hugewrite.bin"
	ends_cleanly 126
	[[ "$stderr" == *"HC_WRITE length 4294967295 (ecx) exceeds the limit of 1048576 bytes"* ]]
}

@test "string I/O with 64 K counts: every byte handled, EOF reads as all ones" {
	run_split "$MKVM" --timeout 60 "$T/repstr.bin" < /dev/null
	ends_cleanly 0
	[ "${#output}" -eq $((65535 + 1 + 10)) ]
	[[ "$output" == "AAAA"*"A"$'\n'"repstr: ok" ]]
}

@test "a guest flooding a console nobody reads still honours --timeout" {
	start=$(date +%s)
	# stdout is a pipe whose reader sleeps: writes block, the kick must win.
	run bash -c "'$MKVM' --timeout 1 '$T/flood.bin' 2>'$BATS_TEST_TMPDIR/err' | sleep 8; echo \${PIPESTATUS[0]}"
	[ "$(( $(date +%s) - start ))" -lt 30 ]
	[[ "$output" == *124 ]]
	grep -q "timeout: still running after 1 s" "$BATS_TEST_TMPDIR/err"
}

@test "a guest flooding a console nobody reads (4 KiB per exit) stops on SIGTERM (no --timeout)" {
	# The main thread runs this guest and blocks in writev: the interrupted
	# write must hand supervision to the supervisor thread, which stops it.
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	sleep 60 < "$BATS_TEST_TMPDIR/fifo" & reader=$! # opens the pipe, never reads
	"$MKVM" "$T/wflood.bin" > "$BATS_TEST_TMPDIR/fifo" 2> "$BATS_TEST_TMPDIR/err" & pid=$!
	sleep 2
	stop_with_term $pid $reader
	[ "$st" -eq 143 ]
	grep -q "stopped by signal 15" "$BATS_TEST_TMPDIR/err"
}

@test "a guest that never reads stdin while input floods in: --timeout, no hang" {
	run bash -c "yes | '$MKVM' --timeout 1 '$T/loop.bin'"
	[ "$status" -eq 124 ]
}

@test "nothing lost: a partial line reaches stdout at --timeout and at SIGTERM" {
	run_split "$MKVM" --timeout 2 "$T/partial.bin" # 2 s: time to start on a busy host
	[ "$status" -eq 124 ]
	[ "$output" = "partial line, no newline" ]
	"$MKVM" "$T/partial.bin" > "$BATS_TEST_TMPDIR/out" 2>/dev/null & pid=$!
	wait_running $pid
	# The idle flush writes the partial line soon; the test waits for it
	# (no fixed sleep: a busy host may take longer), then checks that
	# SIGTERM neither loses nor repeats it.
	wait_output "$BATS_TEST_TMPDIR/out" "partial line, no newline"
	kill -TERM $pid
	wait $pid || st=$?
	[ "$st" -eq 143 ]
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "partial line, no newline" ]
}
