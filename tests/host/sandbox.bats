#!/usr/bin/env bats
# tools/kvm-sandbox and the make targets that use it, run from the host
# (not inside the sandbox: each test boots it, about 4 s): status, byte-exact
# output and input, the environment, timeouts and signals, the interactive
# terminal (tmux), and `make` on a machine without the build's packages.
ROOT="$(cd "$BATS_TEST_DIRNAME/../.." && pwd -P)"
SB="$ROOT/tools/kvm-sandbox"
MKVM="$ROOT/build/mini-kvm"
K="$ROOT/build/guests/os1k/kernel.elf"
BANNER_RE='^1K OS: 32-bit x86, paging on, 16384 KiB of memory, [0-9]+ KiB free$'

setup_file() {
	"$SB" --prepare
}

setup() {
	SOCK="sb-$$-$BATS_TEST_NUMBER"
	LOAD=()
}

teardown() {
	tmux -L "$SOCK" kill-server 2> /dev/null || true
	[ ${#LOAD[@]} -eq 0 ] || kill "${LOAD[@]}" 2> /dev/null || true
}

# screen / until_screen TEXT: the tmux pane; wait (60 s at most) for TEXT.
screen() { tmux -L "$SOCK" capture-pane -p 2> /dev/null; }
until_screen() {
	for _ in $(seq 600); do
		[[ "$(screen)" == *"$1"* ]] && return 0
		sleep 0.1
	done
	echo "never saw: $1"
	screen
	return 1
}

# in_tmux CMD: runs CMD in a 100x30 tmux pane; when it ends, its status goes
# to $d/status and the terminal's settings before and after to $d/before
# and $d/after.
in_tmux() {
	d="$BATS_TEST_TMPDIR"
	tmux -L "$SOCK" new-session -d -x 100 -y 30 -c "$ROOT" \
		"stty -g > $d/before; $1; echo \$? > $d/status; stty -g > $d/after; sleep 600"
}
wait_status() {
	for _ in $(seq 600); do
		[ -s "$d/after" ] && return 0
		sleep 0.1
	done
	screen
	return 1
}

@test "sandbox: exit status, stdout and stderr apart and byte-exact" {
	printf 'a\nb\r\n\x01\xff\x00z' > "$BATS_TEST_TMPDIR/out.want"
	printf 'err\r\nline2' > "$BATS_TEST_TMPDIR/err.want"
	local st=0
	"$SB" --timeout 120 sh -c "printf 'a\nb\r\n\001\377\000z'; printf 'err\r\nline2' >&2; exit 7" \
		> "$BATS_TEST_TMPDIR/out.got" 2> "$BATS_TEST_TMPDIR/err.got" < /dev/null || st=$?
	[ "$st" -eq 7 ]
	cmp "$BATS_TEST_TMPDIR/out.want" "$BATS_TEST_TMPDIR/out.got"
	cmp "$BATS_TEST_TMPDIR/err.want" "$BATS_TEST_TMPDIR/err.got"
}

@test "sandbox: 256 KiB of binary stdin, stdout and stderr byte-exact while both cores are busy" {
	local t="$BATS_TEST_TMPDIR"
	head -c 262144 /dev/urandom > "$t/blob"
	for _ in 1 2; do
		(while :; do :; done) &
		LOAD+=($!)
	done
	# cwd outside the repository: shared read-write, so blob is there inside.
	cd "$t"
	"$SB" --timeout 600 sh -c 'cat; cat blob >&2' < blob > out 2> err
	cmp blob out
	cmp blob err
}

@test "sandbox: cwd, environment, /dev/kvm, writable repository and cwd" {
	local want=$'x y $z \'q\' "dq"\nnewline' mark="$ROOT/build/sandbox-test-write.$$"
	cd "$BATS_TEST_TMPDIR"
	# perl (perl-base: on every Debian) for the ioctls: KVM_GET_API_VERSION
	# (0xae00) is 12, KVM_CREATE_VM (0xae01) gives a descriptor.
	run env MKVM_SELFTEST="$want" BATS_SELFTEST=b LANG=C.UTF-8 "$SB" --timeout 300 bash -c '
		printf "%s|%s|%s|%s|%s\n" "$MKVM_SELFTEST" "$BATS_SELFTEST" "$PATH" "$HOME" "$LANG"
		pwd; echo inside > made-inside; echo written > "$1"
		perl -e "open(K, q(+<), q(/dev/kvm)) or die; print ioctl(K, 0xae00, 0) + 0,
			(ioctl(K, 0xae01, 0) + 0 > 0 ? q( vm) : q( novm)), qq(\n)"' \
		-- "$mark" < /dev/null
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "x y \$z 'q' \"dq\"" ]
	[ "${lines[1]}" = "newline|b|$PATH|$HOME|C.UTF-8" ]
	[ "${lines[2]}" = "$(pwd -P)" ]
	[ "${lines[3]}" = "12 vm" ]
	[ "$(cat made-inside)" = inside ]
	[ "$(cat "$mark")" = written ]
	rm -f "$mark"
}

@test "sandbox: --timeout gives 124; SIGTERM gives 143 and leaves no QEMU or job folder" {
	local jobs="${MKVM_SANDBOX_CACHE:-$ROOT/build/sandbox}/jobs" before qemus
	# Other sandboxes may run beside this test (make test runs the e2e
	# suite's at the same time): only what this test starts must be gone.
	before=$(ls "$jobs" | sort)
	qemus=$(pgrep -f "qemu-system-x86_64.*$jobs" | sort)
	run "$SB" --timeout 5 sleep 1000 < /dev/null
	[ "$status" -eq 124 ]
	"$SB" --timeout 600 sleep 1000 < /dev/null &
	local sb=$!
	sleep 3
	kill -TERM $sb
	local st=0
	wait $sb || st=$?
	[ "$st" -eq 143 ]
	sleep 1
	[ -z "$(comm -13 <(echo "$before") <(ls "$jobs" | sort))" ]
	[ -z "$(comm -13 <(echo "$qemus") <(pgrep -f "qemu-system-x86_64.*$jobs" | sort))" ]
}

@test "sandbox: piped input reaches the 1K OS: the exact transcript" {
	cp "$ROOT/build/os1k/disk.tar" "$BATS_TEST_TMPDIR/disk.tar"
	cd "$BATS_TEST_TMPDIR"
	run bash -c "printf 'hello\nexit\n' | '$SB' --timeout 300 '$MKVM' --disk disk.tar '$K' 2> err"
	echo "$output"
	[ "$status" -eq 0 ]
	[ ! -s err ]
	[[ "${lines[0]}" =~ $BANNER_RE ]]
	[ "$(tail -n +2 <<< "$output")" = "$(
		cat <<'OUT'
virtio-blk: 131072 bytes (256 sectors)
tar: hello.txt meow.txt (2 files)
> hello
Hello world from the shell, a user process in ring 3!
> exit
OUT
	)" ]
}

@test "sandbox: end of input reaches a guest reading stdin, which then ends" {
	run bash -c "printf 'ab\377c' | '$SB' --timeout 300 '$MKVM' '$ROOT/build/guests/hctest.bin'"
	[ "$status" -eq 42 ]
	[ "$output" = "$(printf 'hctest: putchar ok\nhctest: write ok\nab\377chctest: eof after 4 bytes')" ]
}

@test "sandbox on a terminal: its size, a resize, raw keys, Ctrl-A x quits mini-kvm; terminal restored" {
	in_tmux "'$SB' --timeout 300 bash -c 'stty size; read -r x; stty size; echo got \$x; exec $MKVM $ROOT/build/guests/hctest.bin'"
	until_screen "30 100"
	tmux -L "$SOCK" resize-window -x 90 -y 25
	tmux -L "$SOCK" send-keys 'line' Enter
	until_screen $'25 90\ngot line'
	until_screen "hctest: write ok"
	tmux -L "$SOCK" send-keys 'k' C-a x
	wait_status
	screen
	[ "$(cat "$d/status")" = 130 ]
	[[ "$(screen)" == *$'hctest: write ok\nk'* ]]
	cmp "$d/before" "$d/after"
}

@test "sandbox on a terminal: restored after Ctrl-C (the command's SIGINT), SIGTERM and QEMU's crash" {
	local sleeper="'$SB' --timeout 300 sh -c 'echo up; exec sleep 1000'" sb
	# sandbox: the pid of kvm-sandbox, the pane's shell's child.
	sandbox() { pgrep -P "$(tmux -L "$SOCK" display -p '#{pane_pid}')" -f kvm-sandbox; }
	in_tmux "$sleeper"
	until_screen up
	tmux -L "$SOCK" send-keys C-c
	wait_status
	[ "$(cat "$d/status")" = 130 ]
	cmp "$d/before" "$d/after"
	tmux -L "$SOCK" kill-server

	rm -f "$d/after" "$d/status"
	in_tmux "$sleeper"
	until_screen up
	kill -TERM "$(sandbox)"
	wait_status
	[ "$(cat "$d/status")" = 143 ]
	cmp "$d/before" "$d/after"
	tmux -L "$SOCK" kill-server

	rm -f "$d/after" "$d/status"
	in_tmux "$sleeper"
	until_screen up
	sb=$(sandbox)
	pkill -KILL -P "$(pgrep -P "$sb" -x timeout)" # QEMU
	wait_status
	[ "$(cat "$d/status")" = 125 ]
	[[ "$(screen)" == *"kvm-sandbox: QEMU exited with status 137"* ]]
	cmp "$d/before" "$d/after"
}

@test "make run with the sandbox forced: notice, prompt, gcd 84 36, exit 0, terminal restored; keystroke echo time" {
	in_tmux "MKVM_SANDBOX=1 make --no-print-directory run"
	until_screen "no hardware KVM here: running inside the nested sandbox, about 10x slower"
	# capture-pane drops trailing blanks: the prompt "> " shows as ">".
	until_screen $'tar: hello.txt meow.txt (2 files)\n>'
	# Keystroke to echo: one key at a time, timed until it shows.  The
	# median is a figure for the closing note; the bound only catches a
	# gross error (a key that waits for the next one, or for a timer).
	local times=() t0 t1 c line="> "
	for c in a b c d e f g h i j k; do
		t0=$(date +%s%N)
		tmux -L "$SOCK" send-keys "$c"
		line+="$c"
		until_screen "$line"
		t1=$(date +%s%N)
		times+=($(((t1 - t0) / 1000000)))
	done
	local median
	median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 6p)
	echo "# keystroke to echo through the sandbox: median $median ms (${times[*]})" >&3
	mkdir -p "$ROOT/build/test-results"
	echo "$median" > "$ROOT/build/test-results/sandbox-echo-ms"
	tmux -L "$SOCK" send-keys BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace
	tmux -L "$SOCK" send-keys 'gcd 84 36' Enter
	until_screen $'> gcd 84 36\ngcd(84, 36) = 12\n>'
	tmux -L "$SOCK" send-keys 'exit' Enter
	wait_status
	[ "$(cat "$d/status")" = 0 ]
	cmp "$d/before" "$d/after"
	[ "$median" -lt 2000 ]
}

@test "make run-demo and make run-linux with the sandbox forced: the notice, the guests' output, status 0" {
	cd "$ROOT"
	MKVM_SANDBOX=1 run make --no-print-directory run-demo < /dev/null
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"no hardware KVM here: running inside the nested sandbox, about 10x slower"* ]]
	[[ "$output" == *"Hello, World!"* ]]
	[[ "$output" == *"9x9=81"* ]]
	[[ "$output" == *"F(30) = 832040"* ]]
	# Linux: commands once its shell is up (input before that is the
	# booting kernel's to drop).
	local t="$BATS_TEST_TMPDIR" pid wfd
	mkfifo "$t/in"
	MKVM_SANDBOX=1 make --no-print-directory run-linux < "$t/in" > "$t/out" 2>&1 &
	pid=$!
	exec {wfd}> "$t/in"
	for _ in $(seq 1800); do
		grep -q "mkvm-linux: ready" "$t/out" && break
		kill -0 "$pid" 2> /dev/null || break
		sleep 0.1
	done
	printf 'echo linux-says-$((6 * 7))\npoweroff -f\n' >&$wfd
	status=0
	wait "$pid" || status=$?
	exec {wfd}>&-
	output=$(tr -d '\r' < "$t/out")
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"no hardware KVM here: running inside the nested sandbox"* ]]
	[[ "$output" == *"mkvm-linux: ready"* ]]
	[[ "$output" == *"linux-says-42"* ]]
}

# A fake dpkg-query that knows no package, an apt-get that logs its
# arguments, and an id that says uid $2: `make` as on a fresh machine.
fake_fresh_machine() {
	local bin="$1/bin"
	mkdir -p "$bin"
	printf '#!/bin/sh\nexit 1\n' > "$bin/dpkg-query"
	printf '#!/bin/sh\necho "$@" >> %s/apt.log\n' "$1" > "$bin/apt-get"
	printf '#!/bin/sh\n[ "$1" = -u ] && echo %s || exec /usr/bin/id "$@"\n' "$2" > "$bin/id"
	chmod +x "$bin"/*
	git -C "$ROOT" ls-files -z | (cd "$ROOT" && cpio -0pdm --quiet "$1/src")
}

@test "make alone on a fresh machine: installs the build's packages first (root) or names the command (not root)" {
	local t="$BATS_TEST_TMPDIR"
	fake_fresh_machine "$t/root" 0
	PATH="$t/root/bin:$PATH" run make -C "$t/root/src" build/mini-kvm
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"setup-deps: installing gcc make binutils libc6-dev libseccomp-dev"* ]]
	grep -q "install -y --no-install-recommends gcc make binutils libc6-dev libseccomp-dev" "$t/root/apt.log"
	[ -x "$t/root/src/build/mini-kvm" ]

	fake_fresh_machine "$t/user" 1000
	PATH="$t/user/bin:$PATH" run make -C "$t/user/src"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"run as root: sudo apt-get update && sudo apt-get install -y --no-install-recommends gcc make binutils libc6-dev libseccomp-dev"* ]]
	[[ "$output" == *"Debian packages for the build are missing: run the command above, then make again"* ]]
	[[ "$output" != *"error:"* ]] # no compiler error
	[ ! -e "$t/user/apt.log" ]
	[ ! -e "$t/user/src/build/mini-kvm" ]
}

@test "make debug with the sandbox forced: the 1K OS waits for gdb beside it in tmux; continue boots it; quit gdb, exit ends it" {
	in_tmux "MKVM_SANDBOX=1 make --no-print-directory debug"
	until_screen "(gdb)"
	# Stopped before the first instruction: no banner yet.
	[[ "$(screen)" != *"1K OS:"* ]]
	[[ "$(screen)" == *"in _start ()"* ]]
	# C-u: the nested tmux's answers to terminal queries may sit on gdb's line.
	tmux -L "$SOCK" send-keys C-u 'continue' Enter
	until_screen "tar: hello.txt meow.txt"
	until_screen "mini-kvm: breakpoints:"
	tmux -L "$SOCK" send-keys C-c
	until_screen "received signal SIGINT"
	tmux -L "$SOCK" send-keys C-u 'detach' Enter 'quit' Enter
	until_screen "detached"
	# Once gdb's pane is gone the guest's pane takes the keys; on a busy
	# host it may still be closing: 'exit' again if nothing came of it.
	for _ in 1 2 3 4; do
		tmux -L "$SOCK" send-keys 'exit' Enter
		for _ in $(seq 150); do
			[[ "$(screen)" == *"[guest ended: press Enter]"* ]] && break 2
			sleep 0.1
		done
	done
	until_screen "[guest ended: press Enter]"
	tmux -L "$SOCK" send-keys Enter
	wait_status
	[ "$(cat "$d/status")" = 0 ]
}
