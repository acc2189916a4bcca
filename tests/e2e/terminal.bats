#!/usr/bin/env bats
# On a terminal: raw mode for the run, restored on every way out; Ctrl-A x.
load helpers

setup() {
	command -v script >/dev/null || skip "script(1) (util-linux) not installed"
}

# in_pty CMD: runs CMD under a pseudo-terminal, recording the terminal
# settings before and after it; stdin of this function feeds the terminal.
in_pty() {
	script -qec "stty -g > $BATS_TEST_TMPDIR/before; $1; echo \"status=\$?\"; stty -g > $BATS_TEST_TMPDIR/after" /dev/null
}

@test "terminal restored after a normal end, a crash and a timeout" {
	for cmd in "$MKVM $G/hello.bin" "$MKVM $T/triple.bin" "$MKVM -t 0.3 $T/loop.bin"; do
		out="$(in_pty "$cmd" < /dev/null)"
		cmp "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	done
}

@test "single keys reach the guest in raw mode; Ctrl-A x quits with 130" {
	# No newline is typed: only raw mode lets 'k' through before Ctrl-A x.
	out="$( (sleep 2; printf 'k'; sleep 2; printf '\001x'; sleep 3) | in_pty "$MKVM -t 20 $G/hctest.bin")"
	echo "$out"
	[[ "$out" == *"hctest: write ok"*"k"* ]]
	[[ "$out" == *"quit by user (Ctrl-A x)"* ]]
	[[ "$out" == *"status=130"* ]]
	cmp "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

@test "terminal restored after SIGTERM, a seccomp violation and a crash of mini-kvm itself" {
	out="$(in_pty "$MKVM $T/loop.bin & p=\$!; sleep 1; kill -TERM \$p; wait \$p" < /dev/null)"
	[[ "$out" == *"status=143"* ]]
	cmp "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	out="$(in_pty "MKVM_TEST_FORBIDDEN_SYSCALL=1 $MKVM $G/hello.bin" < /dev/null)"
	[[ "$out" == *"status=125"* ]]
	cmp "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	out="$(in_pty "MKVM_TEST_CRASH=1 $MKVM $G/hello.bin" < /dev/null)"
	[[ "$out" == *"status=139"* ]] # killed by SIGSEGV, after restoring
	cmp "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}
