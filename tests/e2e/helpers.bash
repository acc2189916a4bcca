# Shared set-up for the end-to-end tests: they run the real mini-kvm
# binary on real KVM (directly, or inside tools/kvm-sandbox).
ROOT="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
MKVM="${MKVM_BIN:-$ROOT/build/mini-kvm}" # MKVM_BIN: another build (before/after checks)
G="$ROOT/build/guests"
T="$ROOT/build/guests/test"
export NO_COLOR=1

# run_split CMD...: like bats' run, but keeps stdout in $output and stderr
# in $stderr apart (bats 1.8 merges them unless --separate-stderr).
run_split() {
	local errf="$BATS_TEST_TMPDIR/stderr"
	set +e
	output="$("$@" 2>"$errf")"
	status=$?
	set -e
	stderr="$(cat "$errf")"
}

# Expected output of the demo guests, computed here independently.
expect_counter() {
	echo "Counting from 0 to 9:"
	seq 0 9
}
expect_multiplication() {
	echo "Multiplication table:"
	for i in 2 3 4 5 6 7 8 9; do
		line=""
		for j in 1 2 3 4 5 6 7 8 9; do
			line+="${i}x${j}=$((i * j))"
			[ $j -lt 9 ] && line+=" "
		done
		echo "$line"
	done
}
expect_fibonacci() {
	local a=0 b=1 t
	for i in $(seq 0 30); do
		echo "F($i) = $a"
		t=$((a + b)); a=$b; b=$t
	done
}

# wait_running PID: until mini-kvm runs its guest with the supervisor thread
# beside main (started at once, or once a single guest's run lasts 100 ms).
wait_running() {
	for _ in $(seq 100); do
		[ "$(ls "/proc/$1/task" 2>/dev/null | wc -l)" -ge 2 ] && return 0
		sleep 0.1
	done
	return 1
}

# wait_output FILE TEXT...: until FILE holds every TEXT (fixed strings), at
# most 120 s: tests wait for what they need to see, not for a fixed time.
wait_output() {
	local f=$1 t ok
	shift
	for _ in $(seq 1200); do
		ok=1
		for t in "$@"; do grep -qF -- "$t" "$f" 2> /dev/null || { ok=0; break; }; done
		[ "$ok" = 1 ] && return 0
		sleep 0.1
	done
	return 1
}

# stop_with_term PID [HELPER_PID...]: SIGTERM to mini-kvm, its exit status in
# $st; fails (killing it) if it is still there 10 s later.  The helpers (a
# silent pipe writer or reader) are killed either way.
stop_with_term() {
	local pid=$1 _
	shift
	kill -TERM "$pid"
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" "$@"
		return 1 # still there: hung
	fi
	st=0
	wait "$pid" || st=$?
	kill "$@" 2>/dev/null || true
}
