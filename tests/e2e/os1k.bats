#!/usr/bin/env bats
# The 1K OS (guests/os1k, docs/os1k.md): scripted shell sessions through
# piped stdin (UART and i8042 paths), faults in user programs, the tar file
# system on the virtio-blk disk, preemption, the timer, the idle loop, a
# kernel panic, and a real terminal under tmux.
load helpers
K="${MKVM_OS1K_KERNEL:-$ROOT/build/guests/os1k/kernel.elf}" # override: before/after checks
DISK0="$ROOT/build/os1k/disk.tar"
BANNER_RE='^1K OS: 32-bit x86, paging on, 16384 KiB of memory, [0-9]+ KiB free$'

setup() {
	[ -f "$K" ] && [ -f "$DISK0" ] || { echo "1K OS not built: make os1k"; false; }
	DISK="$BATS_TEST_TMPDIR/disk.tar"
	cp "$DISK0" "$DISK"
}

# session INPUT [MKVM OPTIONS...]: boots on $DISK with INPUT (printf
# format) on stdin; $output is the transcript without the first banner
# line, which must match $BANNER_RE.
session() {
	local input="$1"
	shift
	printf "$input" > "$BATS_TEST_TMPDIR/in"
	run_split "$MKVM" --timeout 120 "$@" "$K" < "$BATS_TEST_TMPDIR/in"
	echo "$output"
	echo "$stderr"
	[[ "$(head -n 1 <<< "$output")" =~ $BANNER_RE ]]
	output="$(tail -n +2 <<< "$output")"
}

teardown() {
	tmux -L "os1k-$$" kill-server 2> /dev/null || true
}

disk_banner() {
	printf 'virtio-blk: 131072 bytes (256 sectors)\ntar: hello.txt meow.txt (2 files)\n'
}

@test "os1k: boot banner, help, hello, ls, cat, ps, exit: the full transcript" {
	session 'hello\nls\ncat hello.txt\ncat nope\nps\nexit\n' --disk "$DISK"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$output" = "$(disk_banner; cat <<'OUT'
> hello
Hello world from the shell, a user process in ring 3!
> ls
hello.txt            27 bytes
meow.txt             5 bytes
> cat hello.txt
Hello from the 1K OS disk!
> cat nope
cat: nope: no such file
> ps
PID PARENT STATE    NAME
  0      0 runnable idle
  1      0 running  shell
> exit
OUT
)" ]
}

@test "os1k: help lists every command and program" {
	session 'help\nexit\n' --disk "$DISK"
	[ "$status" -eq 0 ]
	for w in help hello ls cat write ps ticks exit echo table counter fib primes calc fact gcd about spin crash; do
		grep -q "^  $w " <<< "$output"
	done
}

@test "os1k: the seed's programs, each a user process: exact output" {
	session 'table\ncounter\nfib\nprimes\nfact\ngcd 48 18\ngcd 17 5\ngcd x\necho hi  there\nabout\nexit\n' --disk "$DISK"
	[ "$status" -eq 0 ]
	local a=0 b=1 t f=1 n
	want="$(disk_banner
		echo "> table"; expect_multiplication
		echo "> counter"; expect_counter
		echo "> fib"
		for i in $(seq 0 14); do echo "F($i) = $a"; t=$((a + b)); a=$b; b=$t; done
		echo "> primes"
		echo "Primes up to 100: $(factor $(seq 2 100) | awk 'NF == 2 { printf "%s ", $2 }' | sed 's/ $//')"
		echo "> fact"
		for n in $(seq 0 12); do [ $n -gt 0 ] && f=$((f * n)); echo "$n! = $f"; done
		echo "> gcd 48 18"; echo "gcd(48, 18) = 6"
		echo "> gcd 17 5"; echo "gcd(17, 5) = 1"
		echo "> gcd x"; echo "usage: gcd A B (two numbers >= 0)"
		echo "> echo hi  there"; echo "hi  there"
		echo "> about"
		echo 'The 1K OS: "OS in 1,000 Lines" ported to 32-bit x86 for Mini-KVM.'
		echo 'Paging, processes in ring 3, system calls (int 0x80), preemptive'
		echo 'round robin on the PIT, interrupt-driven UART and keyboard input,'
		echo 'a virtio-blk driver and a tar file system. Read guests/os1k/.'
		echo "> exit")"
	diff <(echo "$want") <(echo "$output")
}

@test "os1k: calculator (errors included) and the echo loop until quit" {
	session 'calc\n1 + 2\n-6 * 7\n100 / 7\n100 %% 7\n7 / 0\n7 %% 0\nfoo\n3 ^ 4\n5 +\nquit\necho\nhello world\nAbC!\nquit\nxyz\nexit\n' --disk "$DISK"
	[ "$status" -eq 0 ]
	diff <(disk_banner; cat <<'OUT'
> calc
Calculator: a op b (op: + - * / %), q to quit.
calc> 1 + 2
1 + 2 = 3
calc> -6 * 7
-6 * 7 = -42
calc> 100 / 7
100 / 7 = 14
calc> 100 % 7
100 % 7 = 2
calc> 7 / 0
error: division by zero
calc> 7 % 0
error: division by zero
calc> foo
error: expected a op b
calc> 3 ^ 4
error: unknown operator '^'
calc> 5 +
error: expected a op b
calc> quit
Bye.
> echo
Echo: type lines, quit to stop.
hello world
hello world
AbC!
AbC!
quit
Bye.
> xyz
unknown command: xyz
> exit
OUT
) <(echo "$output")
}

@test "os1k: faults in user programs kill only that process; the shell carries on" {
	session 'crash null\ncrash ud2\ncrash gp\ncrash kread\ncrash syscall\ncrash kptr\nhello\nps\nexit\n' --disk "$DISK"
	[ "$status" -eq 0 ]
	eip='eip 0x010[0-9a-f]{5}'
	grep -Eqx "process 2 killed: page fault at 0x00000000, $eip" <<< "$output"
	grep -Eqx "process 3 killed: invalid opcode, $eip" <<< "$output"
	grep -Eqx "process 4 killed: general protection fault \(error 0x0\), $eip" <<< "$output"
	grep -Eqx "process 5 killed: page fault at 0x00100000, $eip" <<< "$output"
	grep -qx "process 6 killed: bad system call 99" <<< "$output"
	grep -qx "process 7 killed: bad pointer 0x00100000 in system call 4" <<< "$output"
	[[ "$output" == *"> hello"$'\n'"Hello world from the shell, a user process in ring 3!"$'\n'"> ps"$'\n'"PID PARENT STATE    NAME"$'\n'"  0      0 runnable idle"$'\n'"  1      0 running  shell"$'\n'"> exit" ]]
}

@test "os1k: write persists: tar on the host sees it, the next boot reads it back" {
	session 'write note.txt persistent hello\ncat note.txt\nexit\n' --disk "$DISK"
	[ "$status" -eq 0 ]
	[ "$output" = "$(disk_banner; printf '> write note.txt persistent hello\nwrote 67584 bytes to disk\n> cat note.txt\npersistent hello\n> exit')" ]
	[ "$(tar tf "$DISK")" = "$(printf 'hello.txt\nmeow.txt\nnote.txt')" ]
	[ "$(tar xOf "$DISK" note.txt)" = "persistent hello" ]
	[ "$(tar xOf "$DISK" hello.txt)" = "Hello from the 1K OS disk!" ]
	session 'ls\ncat note.txt\nexit\n' --disk "$DISK"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat <<'OUT'
virtio-blk: 131072 bytes (256 sectors)
tar: hello.txt meow.txt note.txt (3 files)
> ls
hello.txt            27 bytes
meow.txt             5 bytes
note.txt             17 bytes
> cat note.txt
persistent hello
> exit
OUT
)" ]
}

@test "os1k: without a disk the file system lives in memory" {
	session 'ls\nwrite a.txt x\ncat a.txt\nexit\n'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'virtio-blk: no disk (start mini-kvm with --disk FILE)\ntar: (0 files)\n> ls\n> write a.txt x\n> cat a.txt\nx\n> exit')" ]
}

@test "os1k: two CPU-bound processes interleave (timer preemption)" {
	session 'spin A & spin B\nhello\nexit\n' --disk "$DISK"
	[ "$status" -eq 0 ]
	out="$(sed -n '/^> spin A & spin B$/,/^> hello$/p' <<< "$output" | sed '1d;$d' | tr -d '\n')"
	echo "spins: $out"
	[ "$(tr -cd A <<< "$out" | wc -c)" -eq 30 ]
	[ "$(tr -cd B <<< "$out" | wc -c)" -eq 30 ]
	# Neither finished before the other started: B before the last A, A before the last B.
	[[ "$out" =~ B.*A ]]
	[[ "$out" =~ A.*B ]]
}

# wait_for FILE PATTERN COUNT: until FILE has COUNT lines matching PATTERN.
wait_for() {
	for _ in $(seq 600); do
		[ "$(grep -c "$2" "$1" 2> /dev/null)" -ge "$3" ] && return 0
		sleep 0.05
	done
	return 1
}

@test "os1k: the kernel counts 100 timer ticks per second; idle uses almost no CPU" {
	local in="$BATS_TEST_TMPDIR/in" out="$BATS_TEST_TMPDIR/out"
	mkfifo "$in"
	"$MKVM" --timeout 120 --disk "$DISK" "$K" < "$in" > "$out" &
	pid=$!
	exec 4> "$in"
	wait_for "$out" '^tar:' 1
	echo ticks >&4
	wait_for "$out" '^ticks: ' 1
	t1=$(date +%s.%N)
	# The shell now waits for input: the CPU should be halted.
	read -ra st < "/proc/$pid/stat"
	cpu1=$((st[13] + st[14]))
	sleep 3
	read -ra st < "/proc/$pid/stat"
	cpu2=$((st[13] + st[14]))
	echo ticks >&4
	wait_for "$out" '^ticks: ' 2
	t2=$(date +%s.%N)
	echo exit >&4
	exec 4>&-
	wait $pid
	cat "$out"
	n1=$(grep '^ticks: ' "$out" | sed -n 1p | cut -d' ' -f2)
	n2=$(grep '^ticks: ' "$out" | sed -n 2p | cut -d' ' -f2)
	rate=$(echo "($n2 - $n1) / ($t2 - $t1)" | bc -l)
	echo "ticks $n1 -> $n2 in $(echo "$t2 - $t1" | bc -l) s: $rate Hz"
	echo "cpu: $((cpu2 - cpu1)) clock ticks of $(getconf CLK_TCK) per s, over 3 s"
	# Gross errors only (issue 13): ticks counted against the host's wall
	# clock run slow when the host is busy (80 Hz measured in the sandbox
	# with both cores loaded).  The bounds catch a PIT left at its 18.2 Hz
	# default or programmed for 1000 Hz; make bench measures the tick.
	[ "$(echo "$rate > 40 && $rate < 250" | bc -l)" -eq 1 ]
	# Under 5% of one core: 0.15 s of CPU in 3 s.  In the nested sandbox
	# each of the 100 ticks a second costs about 0.5 ms of emulated exits
	# (4.7-5% idle, 7.3% with both host cores loaded), so there the bound
	# is a gross one, 25%: a guest that spins instead of halting uses 100%.
	pct=$([ -n "${MKVM_IN_SANDBOX:-}" ] && echo 25 || echo 5)
	echo "cpu bound: ${pct}% of a core"
	[ $(((cpu2 - cpu1) * 100)) -lt $((3 * pct * $(getconf CLK_TCK))) ]
}

@test "os1k: the same session through the i8042 (--keyboard) and the UART" {
	local s='hello\nHELLO\ncalc\n12 * 12\nq\necho\nShift: ~!@#$%%^&*()_+{}|:"<>?\nquit\nhellp\b\bo\nwrite k.txt typed\ncat k.txt\nexit\n'
	session "$s" --disk "$DISK"
	[ "$status" -eq 0 ]
	serial="$output"
	cp "$DISK0" "$DISK"
	session "$s" --keyboard --disk "$DISK"
	[ "$status" -eq 0 ]
	[ "$output" = "$serial" ]
	[[ "$output" == *"unknown command: HELLO"* ]]
	[[ "$output" == *"12 * 12 = 144"* ]]
	[[ "$output" == *$'\nShift: ~!@#$%^&*()_+{}|:"<>?\n'* ]]
	[[ "$output" == *"unknown command: helo"* ]]
	[[ "$output" == *$'> cat k.txt\ntyped\n'* ]]
}

@test "os1k: a kernel fault panics: PANIC file:line, the fault's details, status 1" {
	run_split "$MKVM" --timeout 60 --append crash "$K" < /dev/null
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$(tail -n 1 <<< "$output")" =~ ^PANIC:\ kernel\.c:[0-9]+:\ page\ fault\ in\ the\ kernel:\ error\ 0x2,\ eip\ 0x001[0-9a-f]{5},\ cr2\ 0xdead0000$ ]]
}

@test "os1k: a real terminal under tmux: prompt, Backspace, terminal restored" {
	command -v tmux > /dev/null || skip "tmux not installed"
	local sock="os1k-$$" d="$BATS_TEST_TMPDIR"
	tmux -L "$sock" new-session -d -x 100 -y 30 \
		"stty -g > $d/before; $MKVM --timeout 120 --disk $DISK $K; echo status=\$? > $d/status; stty -g > $d/after; sleep 60"
	screen() { tmux -L "$sock" capture-pane -p 2> /dev/null; }
	until_screen() {
		for _ in $(seq 300); do
			[[ "$(screen)" == *"$1"* ]] && return 0
			sleep 0.1
		done
		screen
		return 1
	}
	# capture-pane drops trailing blanks: the prompt "> " shows as ">".
	until_screen $'tar: hello.txt meow.txt (2 files)\n>'
	tmux -L "$sock" send-keys 'hellx' BSpace 'o' Enter
	until_screen $'> hello\nHello world from the shell, a user process in ring 3!\n>'
	tmux -L "$sock" send-keys 'cat mez' BSpace 'ow.txt' Enter
	until_screen $'> cat meow.txt\nmeow\n>'
	tmux -L "$sock" send-keys 'exit' Enter
	for _ in $(seq 100); do [ -s "$d/after" ] && break; sleep 0.1; done
	screen
	tmux -L "$sock" kill-server || true
	[ "$(cat "$d/status")" = "status=0" ]
	cmp "$d/before" "$d/after"
}

# paste_input / paste_expect: 10 KiB pasted at once (the echo loop, 320
# lines, one line of 400 characters, then the shell again) and the exact
# transcript it must give: every byte accounted for.
paste_input() {
	printf 'echo\n'
	for i in $(seq -w 320); do printf 'l%s abcdefghijklmnopqrstuvwxyz\n' "$i"; done
	printf '%0400d\n' 0
	printf 'quit\necho after\nexit\n'
}
paste_expect() {
	printf 'virtio-blk: no disk (start mini-kvm with --disk FILE)\ntar: (0 files)\n'
	printf '> echo\nEcho: type lines, quit to stop.\n'
	for i in $(seq -w 320); do printf 'l%s abcdefghijklmnopqrstuvwxyz\n' "$i" "$i"; done
	printf '%099d\nline too long (400 characters, at most 99): ignored\n' 0
	printf 'quit\nBye.\n> echo after\nafter\n> exit\n'
}

@test "os1k: 10 KiB pasted in one write: nothing lost (flow control), a too-long line refused" {
	paste_input > "$BATS_TEST_TMPDIR/in"
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/in")" -ge 10240 ]
	paste_expect > "$BATS_TEST_TMPDIR/want"
	for kbd in "" --keyboard; do
		# cat: one write(2) of the whole file into the pipe.
		status=0
		cat "$BATS_TEST_TMPDIR/in" | "$MKVM" --timeout 240 $kbd "$K" > "$BATS_TEST_TMPDIR/out" ||
			status=$?
		echo "${kbd:-UART}: status $status"
		[ "$status" -eq 0 ]
		tail -n +2 "$BATS_TEST_TMPDIR/out" | diff "$BATS_TEST_TMPDIR/want" -
	done
}
