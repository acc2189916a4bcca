#!/usr/bin/env bats
# Each demo guest: full output and exit status.
load helpers

@test "minimal: HLT with interrupts off ends the run with status 0" {
	run_split "$MKVM" "$G/minimal.bin"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$stderr" ]
}

@test "hello prints its greeting and exits 0" {
	run_split "$MKVM" "$G/hello.bin"
	[ "$status" -eq 0 ]
	[ "$output" = "Hello, World!" ]
	[ -z "$stderr" ]
}

@test "counter counts 0 to 9" {
	run_split "$MKVM" "$G/counter.bin"
	[ "$status" -eq 0 ]
	[ "$output" = "$(expect_counter)" ]
}

@test "multiplication prints the table 2x1 to 9x9" {
	run_split "$MKVM" "$G/multiplication.bin"
	[ "$status" -eq 0 ]
	[ "$output" = "$(expect_multiplication)" ]
}

@test "fibonacci prints F(0) to F(30)" {
	run_split "$MKVM" "$G/fibonacci.bin"
	[ "$status" -eq 0 ]
	[ "$output" = "$(expect_fibonacci)" ]
}

@test "output is byte-exact, final newline included" {
	"$MKVM" "$G/hello.bin" > "$BATS_TEST_TMPDIR/out"
	printf 'Hello, World!\n' | cmp - "$BATS_TEST_TMPDIR/out"
}

@test "--stats: hello's exits are its 14 PUTCHARs plus the EXIT hypercall" {
	run_split "$MKVM" --stats "$G/hello.bin"
	[ "$status" -eq 0 ]
	[ "$output" = "Hello, World!" ]
	echo "$stderr"
	[[ "$stderr" == *"stats hello: run time "*" s, 15 exits"* ]]
	[[ "$stderr" == *"exit io: 15"* ]]
	[[ "$stderr" == *"io port 0x0501: 14"* ]]
	[[ "$stderr" == *"io port 0x0500: 1"* ]]
	[[ "$stderr" == *"hypercall 1 (putchar): 14"* ]]
	[[ "$stderr" == *"hypercall 0 (exit): 1"* ]]
	# A flat real-mode guest stays on small pages (huge pages: kernels).
	[[ "$stderr" == *"memory: 16 MiB on 4 KiB pages"* ]]
}

@test "--stats counts HC_WRITE and an unhandled port" {
	run_split "$MKVM" --stats "$G/counter.bin"
	[[ "$stderr" == *"hypercall 3 (write): 1"* ]]
	[[ "$stderr" == *"hypercall 1 (putchar): 20"* ]]
	run_split "$MKVM" --stats --timeout 1 "$T/spin_out.bin" # 1 s: time for one exit, even on a busy host
	[ "$status" -eq 124 ]
	[[ "$stderr" == *"io port 0x1234: "* ]]
	[[ "$stderr" == *"io unhandled: "* ]]
}

@test "a partial line (a prompt) reaches stdout while the guest still runs" {
	"$MKVM" --timeout 20 "$T/partial.bin" > "$BATS_TEST_TMPDIR/out" 2>/dev/null & pid=$!
	wait_output "$BATS_TEST_TMPDIR/out" "partial line" || true # flushed within ~0.2 s
	kill -0 $pid # still running
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "partial line, no newline" ]
	kill -TERM $pid
	wait $pid || true
}
