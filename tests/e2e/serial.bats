#!/usr/bin/env bats
# The 16550A UART at COM1: a test kernel (guests/pc/serial.c) sets it up
# like a hobby kernel, checks what Linux's 8250 autodetection checks, then
# echoes its input through the UART using RX interrupts.
load helpers
P="$ROOT/build/guests/pc"

banner() {
	printf 'serial: IIR 0xc1 (16550A FIFOs)\nserial: ready\n'
}

# check_summary BYTES MIN_IRQS: the last line of $output counts BYTES bytes
# in at least MIN_IRQS (and at most BYTES) interrupts; sets $irqs.
check_summary() {
	[[ "$output" =~ serial:\ $1\ bytes,\ ([0-9]+)\ interrupts$ ]]
	irqs=${BASH_REMATCH[1]}
	echo "interrupts: $irqs"
	[ "$irqs" -ge "$2" ] && [ "$irqs" -le "$1" ]
}

@test "serial: echo of piped input through RX interrupts, exact output" {
	printf 'hello\nq' > "$BATS_TEST_TMPDIR/in"
	run_split "$MKVM" --timeout 60 "$P/serial.elf" < "$BATS_TEST_TMPDIR/in"
	echo "$output"
	echo "$stderr"
	[ "$status" -eq 0 ]
	check_summary 7 1
	[ "$output" = "$(banner; printf 'hello\nserial: 7 bytes, %s interrupts' "$irqs")" ]
	[ -z "$stderr" ]
}

@test "serial: IIR reports 16550A FIFOs; scratch, loopback, THRE and 8250 detection pass" {
	run_split "$MKVM" --timeout 60 "$P/serial.elf" <<< "q"
	[ "$status" -eq 0 ]
	# The guest prints FAIL and exits 1 if any check fails (see serial.c).
	[[ "$output" != *FAIL* ]]
	[ "$(head -n 1 <<< "$output")" = "serial: IIR 0xc1 (16550A FIFOs)" ]
}

@test "serial: input arriving while the guest halts wakes it, burst after burst" {
	local in="$BATS_TEST_TMPDIR/in" out="$BATS_TEST_TMPDIR/out"
	mkfifo "$in"
	# The writer (fd 3 belongs to bats: a subshell holds the FIFO open).
	{
		for _ in $(seq 600); do
			grep -q 'serial: ready' "$out" 2> /dev/null && break
			sleep 0.1
		done
		printf 'abc'
		sleep 1
		printf 'de\n'
		sleep 1
		printf 'q'
	} > "$in" &
	local writer=$!
	status=0
	"$MKVM" --timeout 120 "$P/serial.elf" < "$in" > "$out" || status=$?
	# mini-kvm is done: the writer has nothing left to do (never wait on it).
	kill "$writer" 2> /dev/null || true
	output="$(cat "$out")"
	echo "$output"
	[ "$status" -eq 0 ]
	# Three bursts, each after the guest went back to HLT: three interrupts at least.
	check_summary 7 3
	[ "$output" = "$(banner; printf 'abcde\nserial: 7 bytes, %s interrupts' "$irqs")" ]
}

@test "serial: 3000 bytes of input are echoed intact" {
	head -c 200000 /dev/urandom | LC_ALL=C tr -dc 'a-p0-9\n' | head -c 3000 > "$BATS_TEST_TMPDIR/in"
	cp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/expect"
	printf 'q' >> "$BATS_TEST_TMPDIR/in"
	"$MKVM" --timeout 120 "$P/serial.elf" < "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/out"
	banner > "$BATS_TEST_TMPDIR/want"
	cat "$BATS_TEST_TMPDIR/expect" >> "$BATS_TEST_TMPDIR/want"
	head -c "$(stat -c %s "$BATS_TEST_TMPDIR/want")" "$BATS_TEST_TMPDIR/out" |
		cmp - "$BATS_TEST_TMPDIR/want"
	grep -q 'serial: 3001 bytes, [0-9]* interrupts' "$BATS_TEST_TMPDIR/out"
}

@test "serial: at end of input (no 'q') the guest halts, not spins; --timeout ends it" {
	printf 'abc\n' > "$BATS_TEST_TMPDIR/in"
	run_split "$MKVM" --stats --timeout 3 "$P/serial.elf" < "$BATS_TEST_TMPDIR/in"
	echo "$output"
	echo "$stderr"
	[ "$status" -eq 124 ]
	[ "$output" = "$(banner; printf 'abc')" ]
	[[ "$stderr" == *"timeout: still running after 3 s"* ]]
	# Halting between interrupts costs no exits (HLT stays in KVM); a guest
	# polling LSR.DR after EOF would make tens of thousands in 3 s.
	exits=$(grep -o '[0-9]* exits' <<< "$stderr" | head -n 1 | cut -d' ' -f1)
	echo "exits: $exits"
	[ "$exits" -lt 2000 ]
}

@test "serial: garbage to all 8 registers (every value, every width) does not hurt the VMM" {
	run_split "$MKVM" --timeout 60 --append garbage "$P/serial.elf" < /dev/null
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	# THR garbage went to stdout first; the UART then still works.
	[ "$(tail -n 3 <<< "$output")" = "$(printf 'serial: garbage survived\n'; banner)" ]
}

@test "serial: only the first guest's UART gets stdin" {
	local out="$BATS_TEST_TMPDIR/out"
	printf 'xy\nq' > "$BATS_TEST_TMPDIR/in"
	"$MKVM" --no-color "$P/serial.elf" "$P/serial.elf" < "$BATS_TEST_TMPDIR/in" > "$out" 2>&1 &
	local pid=$!
	# The second guest never sees a 'q': once both are where they wait
	# (however slow the machine), SIGTERM ends it.
	wait_output "$out" "[serial] serial: 4 bytes, " "[serial#2] serial: ready" || true
	stop_with_term $pid
	output="$(cat "$out")"
	echo "$output"
	[ "$st" -eq 143 ]
	[[ "$output" == *"[serial] xy"* ]]
	[[ "$output" == *"[serial] serial: 4 bytes, "* ]]
	[[ "$output" == *"[serial#2] serial: ready"* ]]
	[[ "$output" != *"[serial#2] xy"* ]]
}

# left_in_pipe CMD...: runs CMD (a guest that never takes its input, ended
# by --timeout) on a FIFO holding 10 KiB; prints how many bytes it left
# unread in the pipe.
left_in_pipe() {
	local f="$BATS_TEST_TMPDIR/fifo"
	mkfifo "$f"
	exec 5<> "$f" # holds the pipe open: no EOF, no blocking
	head -c 10240 /dev/zero | tr '\0' 'a' >&5
	"$@" < "$f" > /dev/null 2>&1 || true
	dd if="$f" iflag=nonblock bs=64k count=1 2> /dev/null | wc -c
	exec 5>&-
}

@test "serial: flow control: input the guest does not take stays in the host pipe (16-byte FIFO)" {
	# kbd.elf never reads COM1: the UART's FIFO fills, the rest stays unread.
	left=$(left_in_pipe "$MKVM" --timeout 2 "$P/kbd.elf")
	echo "left in the pipe: $left of 10240"
	[ "$left" -ge $((10240 - 16)) ]
}
