#!/usr/bin/env bats
# Several guests at once: each in its own VM and thread, output attributed.
load helpers

# lines_of NAME: the lines of guest NAME in $output, prefix removed.
lines_of() {
	grep -F "[$1] " <<< "$output" | sed "s/^\[$1\] //"
}

@test "four guests at once: every guest's output intact and attributed" {
	run_split "$MKVM" --no-color "$G/hello.bin" "$G/counter.bin" "$G/fibonacci.bin" "$G/multiplication.bin"
	[ "$status" -eq 0 ]
	[ "$(lines_of hello)" = "Hello, World!" ]
	[ "$(lines_of counter)" = "$(expect_counter)" ]
	[ "$(lines_of fibonacci)" = "$(expect_fibonacci)" ]
	[ "$(lines_of multiplication)" = "$(expect_multiplication)" ]
	# Nothing unattributed, nothing torn: every line has a known prefix.
	[ "$(grep -cvE '^\[(hello|counter|fibonacci|multiplication)\] ' <<< "$output")" -eq 0 ]
	[ "$(wc -l <<< "$output")" -eq $((1 + 11 + 31 + 9)) ]
	[[ "$stderr" == *"mini-kvm: hello: exited with status 0"* ]]
}

@test "twelve guests at once (no fixed limit), repeated names numbered" {
	args=()
	for i in $(seq 12); do args+=("$G/counter.bin"); done
	run_split "$MKVM" --no-color "${args[@]}"
	[ "$status" -eq 0 ]
	[ "$(lines_of counter)" = "$(expect_counter)" ]
	[ "$(lines_of 'counter#12')" = "$(expect_counter)" ]
	[ "$(wc -l <<< "$output")" -eq $((12 * 11)) ]
}

@test "exit status with several guests: the first non-zero in command-line order" {
	run_split "$MKVM" --no-color "$G/hello.bin" "$T/badhc.bin" "$G/hctest.bin" < /dev/null
	[ "$status" -eq 126 ]
	[[ "$stderr" == *"mini-kvm: badhc: unknown hypercall 7"* ]]
	[[ "$output" == *"[hctest] hctest: eof after 0 bytes"* ]]
	run_split "$MKVM" --no-color "$G/hello.bin" "$G/hctest.bin" < /dev/null
	[ "$status" -eq 42 ]
}

@test "one guest's crash or timeout leaves the others' output complete" {
	# fibonacci needs ~0.05 s: --timeout 3 leaves it time on a busy host.
	run_split "$MKVM" --no-color --timeout 3 "$T/loop.bin" "$G/fibonacci.bin"
	[ "$status" -eq 124 ]
	[ "$(lines_of fibonacci)" = "$(expect_fibonacci)" ]
	[[ "$stderr" == *"mini-kvm: loop: timeout"* ]]
}

@test "colour prefixes only when asked for a terminal; NO_COLOR and --no-color are plain" {
	run_split "$MKVM" "$G/hello.bin" "$G/hello.bin"
	[[ "$output" != *$'\033'* ]]
	# Under a pseudo-terminal colours appear unless NO_COLOR or --no-color.
	command -v script >/dev/null || skip "script(1) not installed"
	out="$(env -u NO_COLOR script -qec "$MKVM $G/hello.bin $G/hello.bin" /dev/null < /dev/null)"
	[[ "$out" == *$'\033['*"[hello]"* ]]
	out="$(env -u NO_COLOR script -qec "$MKVM --no-color $G/hello.bin $G/hello.bin" /dev/null < /dev/null)"
	[[ "$out" != *$'\033'* ]]
	out="$(NO_COLOR=1 script -qec "$MKVM $G/hello.bin $G/hello.bin" /dev/null < /dev/null)"
	[[ "$out" != *$'\033'* ]]
}
