#!/usr/bin/env bats
# The i8042 keyboard controller: with --keyboard, stdin becomes keystrokes.
# A test kernel (guests/pc/kbd.c) sets the controller up like a hobby kernel
# and prints every scancode it gets on IRQ1, until 'q' is released.
load helpers
P="$ROOT/build/guests/pc"

banner() {
	printf 'kbd: command byte 74, self-test ok, interface ok\n'
	printf 'kbd: keyboard reset, id ab 41, LEDs set\n'
	printf 'kbd: ready\n'
}

# expect_codes "CODES": the whole output for that scancode line.
expect_codes() {
	local n
	n=$(wc -w <<< "$1")
	echo "$output"
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ "$output" = "$(banner; printf '%s\nkbd: %d scancodes' "$1" "$n")" ]
	[ -z "$stderr" ]
}

@test "keyboard: arrows, shift, ctrl, backspace and delete as scancode set 1" {
	printf 'aA\x7f\x03\x1b[A\x1b[D\x1b[3~q' > "$BATS_TEST_TMPDIR/in"
	run_split "$MKVM" --keyboard --timeout 60 "$P/kbd.elf" < "$BATS_TEST_TMPDIR/in"
	# a, A (shift around), Backspace, Ctrl-C, Up, Left, Delete, q
	expect_codes "1e 9e 2a 1e 9e aa 0e 8e 1d 2e ae 9d e0 48 e0 c8 e0 4b e0 cb e0 53 e0 d3 10 90"
}

@test "keyboard: punctuation, Tab, Enter, Esc + key, Home/End forms, Ctrl-Up, F1, through a pipe" {
	run_split "$MKVM" --keyboard --timeout 60 "$P/kbd.elf" \
		< <(printf '!1\t\r\n\x1bx\x1b[H\x1b[F\x1b[1~\x1b[4~\x1b[1;5A\x1bOPq')
	expect_codes "$(echo 2a 02 82 aa 02 82 0f 8f 1c 9c 1c 9c 01 81 2d ad \
		e0 47 e0 c7 e0 4f e0 cf e0 47 e0 c7 e0 4f e0 cf 1d e0 48 e0 c8 9d 3b bb 10 90)"
}

@test "keyboard: a lone ESC becomes Esc after a pause; a sequence split across reads still decodes" {
	run_split "$MKVM" --keyboard --timeout 60 "$P/kbd.elf" \
		< <(printf '\x1b'; sleep 1; printf '\x1b['; sleep 1; printf 'Bq')
	expect_codes "01 81 e0 50 e0 d0 10 90"
}

@test "keyboard: many keys in a burst are all delivered, none dropped" {
	s=$(printf 'abcdefghijklmnopqrstuvwxyz%.0s' 1 2 3 4 5 6 7 8)
	run_split "$MKVM" --keyboard --timeout 120 "$P/kbd.elf" < <(printf '%sq' "$s")
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ "$(tail -n 1 <<< "$output")" = "kbd: $((2 * 26 * 8 + 2)) scancodes" ]
}

@test "keyboard: command 0xFE (pulse reset) ends the run" {
	run_split "$MKVM" --keyboard --timeout 60 --append reset "$P/kbd.elf" < /dev/null
	echo "$output"
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'kbd: command byte 74, self-test ok, interface ok\nkbd: pulsing the reset line')" ]
	[[ "$stderr" == *"guest reset the machine (i8042 command 0xFE)"* ]]
}

@test "keyboard: without --keyboard, stdin does not reach the keyboard" {
	local out="$BATS_TEST_TMPDIR/out"
	printf 'aq' > "$BATS_TEST_TMPDIR/in"
	"$MKVM" "$P/kbd.elf" < "$BATS_TEST_TMPDIR/in" > "$out" 2> /dev/null &
	local pid=$!
	# Ready (however slow the machine), then 1 s in which no key may come.
	wait_output "$out" "kbd: ready" || true
	sleep 1
	stop_with_term $pid
	output="$(cat "$out")"
	echo "$output"
	[ "$st" -eq 143 ]
	[ "$output" = "$(banner)" ]
}

@test "keyboard: --help lists --keyboard" {
	run_split "$MKVM" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"--keyboard"* ]]
}

@test "keyboard: flow control: keys the guest does not read stay in the host pipe" {
	local f="$BATS_TEST_TMPDIR/fifo"
	mkfifo "$f"
	exec 5<> "$f" # holds the pipe open: no EOF, no blocking
	head -c 10240 /dev/zero | tr '\0' 'a' >&5
	# serial.elf never reads the i8042: its buffer (64 scancodes, 32 keys)
	# fills, 16 bytes wait in mini-kvm, the rest stays in the pipe.
	"$MKVM" --keyboard --timeout 2 "$P/serial.elf" < "$f" > /dev/null 2>&1 || true
	left=$(dd if="$f" iflag=nonblock bs=64k count=1 2> /dev/null | wc -c)
	exec 5>&-
	echo "left in the pipe: $left of 10240"
	[ "$left" -ge $((10240 - 32 - 16)) ]
}
