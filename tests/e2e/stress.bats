#!/usr/bin/env bats
# Nothing lost under load: the echo test kernels (UART and i8042) run 200
# times each while stress-ng keeps the CPUs busy; every run gets a short
# random input (letters and digits, then 'q') split at random points and
# written through a pipe with random delays of up to 20 ms
# (tests/stress/echo-stress.c).  Every byte must come back and every run
# must end by itself ('q'), never by --timeout.  With --stats, the summary
# also counts the runs in which the guest took an interrupt inside the STI
# shadow of "sti; hlt" (POST code 0xf4 from guests/pc/rt/isr.S): each such
# run would have hung without the runtime's step over the HLT.
#
# stress-ng runs at nice 10: it takes every idle moment and competes for
# each wake-up, but leaves mini-kvm most of a busy CPU, so that 400 runs
# stay at about two minutes inside the nested sandbox.
# MKVM_STRESS_RUNS changes the number of runs (default 200).
load helpers
P="$ROOT/build/guests/pc"
STRESS="$ROOT/build/tests/echo-stress"
RUNS="${MKVM_STRESS_RUNS:-200}"

setup() {
	[ -x "$STRESS" ] || { echo "not built: make $STRESS"; false; }
	command -v stress-ng > /dev/null || { echo "stress-ng missing: tools/setup-deps test"; false; }
	# 3>&-: bats waits for fd 3; the load must not hold it.
	nice -n 10 stress-ng --cpu 2 --timeout 600 > /dev/null 2>&1 3>&- &
	LOAD=$!
	SEED=$(( $(date +%s) % 100000 ))
	echo "seed $SEED (echo-stress MODE RUNS SEED ... reruns the same inputs)"
}

teardown() {
	kill -INT "$LOAD" 2> /dev/null || true
	wait "$LOAD" 2> /dev/null || true
}

@test "stress: UART echo, 200 runs under load, input split at random with random delays" {
	run "$STRESS" serial "$RUNS" "$SEED" 20000 -- "$MKVM" --stats --timeout 30 "$P/serial.elf"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"echo-stress serial: $RUNS runs, 0 failed"* ]]
	grep -o "[0-9]* runs took an IRQ inside the STI shadow.*" <<<"$output" | sed "s/^/# serial: /" >&3
}

@test "stress: i8042 echo (--keyboard), 200 runs under load, input split at random with random delays" {
	run "$STRESS" kbd "$RUNS" "$SEED" 20000 -- "$MKVM" --stats --keyboard --timeout 30 "$P/kbd.elf"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"echo-stress kbd: $RUNS runs, 0 failed"* ]]
	grep -o "[0-9]* runs took an IRQ inside the STI shadow.*" <<<"$output" | sed "s/^/# kbd: /" >&3
}
