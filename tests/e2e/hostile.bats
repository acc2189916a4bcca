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
