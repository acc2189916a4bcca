#!/usr/bin/env bats
# tools/run-e2e in the sandbox: the test files shared among two sandboxes,
# their TAP merged into one stream under one plan, a failure kept, a
# sandbox that cannot start reported (tests/host/fixtures: two tiny files).
ROOT="$(cd "$BATS_TEST_DIRNAME/../.." && pwd -P)"
F="tests/host/fixtures"

setup() {
	# In the repository: the sandboxes see it read-write.
	export E2E_FIXTURE_OUT="$ROOT/build/tmp/e2e-fixture-$$"
	rm -rf "$E2E_FIXTURE_OUT"
	mkdir -p "$E2E_FIXTURE_OUT"
}

teardown() {
	rm -rf "$E2E_FIXTURE_OUT"
}

@test "run-e2e: two sandboxes at once, one TAP stream numbered 1..4, the failure kept" {
	cd "$ROOT"
	run env MKVM_SANDBOX=1 MKVM_E2E_JOBS=2 MKVM_E2E_QUEUE_IN="$E2E_FIXTURE_OUT" \
		tools/run-e2e "$F/e2e-b.bats" "$F/e2e-a.bats"
	echo "$output"
	[ "$status" -eq 0 ] # the sandboxes ran; the verdicts are in the TAP
	[[ "$output" == *"(2 at once)"* ]]
	[ "$(grep -c '^1\.\.' <<<"$output")" -eq 1 ]
	[[ "$output" == *$'\n1..4\n'* ]]
	[ "$(grep -E '^(not )?ok ' <<<"$output" | awk '{ print ($1 == "not" ? $3 : $2) }' | tr '\n' ' ')" = "1 2 3 4 " ]
	[ "$(grep -c '^ok .* fixture a: one$' <<<"$output")" -eq 1 ]
	[ "$(grep -c '^ok .* fixture a: two$' <<<"$output")" -eq 1 ]
	[ "$(grep -c '^ok .* fixture b: passes$' <<<"$output")" -eq 1 ]
	[ "$(grep -c '^not ok .* fixture b: fails on purpose$' <<<"$output")" -eq 1 ]
	# Each file ran once, each in its own boot of the sandbox.
	[ "$(wc -l <"$E2E_FIXTURE_OUT/a")" -eq 1 ]
	[ "$(wc -l <"$E2E_FIXTURE_OUT/b")" -eq 1 ]
	[ "$(cat "$E2E_FIXTURE_OUT/a")" != "$(cat "$E2E_FIXTURE_OUT/b")" ]
	# No queue left behind.
	[ -z "$(ls -d "$E2E_FIXTURE_OUT"/e2e-queue.* 2>/dev/null)" ]
}

@test "run-e2e: a sandbox that cannot start: the files not run named, non-zero status" {
	cd "$ROOT"
	run env MKVM_SANDBOX=1 MKVM_SANDBOX_QEMU=false tools/run-e2e "$F/e2e-a.bats" "$F/e2e-b.bats"
	echo "$output"
	[ "$status" -ne 0 ]
	# Every planned test reported as not run: the totals stay honest.
	[[ "$output" == *$'\n1..4\n'* ]]
	[ "$(grep -c "^not ok [1-4] - $F/e2e-[ab].bats: test [12] of 2 not run: its sandbox failed" <<<"$output")" -eq 4 ]
	[ -z "$(grep -E '^ok ' <<<"$output")" ]
}
