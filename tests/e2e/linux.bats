#!/usr/bin/env bats
# Linux (docs/linux.md): Debian's stock kernel (bzImage) with a busybox
# initramfs and an ext2 virtio disk, built by guests/linux/build-guest
# (make linux).  Boots to a shell on ttyS0, runs commands typed on stdin,
# reads and writes the disk, powers off / reboots; 2 vCPUs; bad images.
# The nested sandbox is slow (a boot takes tens of seconds): generous
# timeouts.  The boot time goes to build/test-results/linux-boot-time.txt.
load helpers
L="$ROOT/build/linux"
APPEND="console=ttyS0 quiet"

setup() {
	[ -f "$L/bzImage" ] && [ -f "$L/initramfs.cpio" ] && [ -f "$L/disk.img" ] ||
		{ echo "no Linux guest built: make linux"; false; }
}

# now: seconds since the epoch, microseconds.
now() { echo "${EPOCHREALTIME/,/.}"; }

# linux_session CMDS CMD...: runs CMD (mini-kvm or QEMU) with stdin from a
# FIFO and stdout in $BATS_TEST_TMPDIR/out; once the guest prints
# "mkvm-linux: ready" (its shell comes next), types CMDS (one per line) and
# waits for the end.  Sets $status, $output, $stderr, $ready_s (seconds
# from the start to "ready").  Typing before the 8250 driver is up would
# lose bytes, as on real hardware.
linux_session() {
	local cmds=$1 fifo="$BATS_TEST_TMPDIR/in" out="$BATS_TEST_TMPDIR/out" t0 pid wfd
	shift
	rm -f "$fifo" "$out"
	mkfifo "$fifo"
	t0=$(now)
	"$@" <"$fifo" >"$out" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	exec {wfd}>"$fifo" # (fd 3 is bats' own)
	ready_s=
	for _ in $(seq 6000); do
		if grep -q "mkvm-linux: ready" "$out" 2>/dev/null; then
			ready_s=$(echo "$(now) - $t0" | bc)
			break
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	printf '%s\n' "$cmds" >&"$wfd"
	set +e
	wait "$pid"
	status=$?
	set -e
	exec {wfd}>&-
	output=$(tr -d '\r' <"$out")
	stderr=$(cat "$BATS_TEST_TMPDIR/err")
}

mkvm_linux() {
	linux_session "$1" "$MKVM" --timeout 300 --mem 256M --kernel "$L/bzImage" \
		--initrd "$L/initramfs.cpio" "${@:2}"
}

# Two boots in all (each takes tens of seconds in the sandbox): one checks
# everything a single-CPU boot shows, the other SMP and reboot.
@test "linux: boots to a shell; virtio disk read and written; KVM, kvm-clock, e820 and ACPI as built; powers off" {
	local res="$ROOT/build/test-results/linux-boot-time.txt"
	cp "$L/disk.img" "$BATS_TEST_TMPDIR/disk.img"
	mkvm_linux 'uname -r
echo "cpus=$(grep -c processor /proc/cpuinfo)"
cat /mnt/disk/hello.txt
echo "written by linux" > /mnt/disk/new.txt
sync
grep -q " /mnt/disk ext" /proc/mounts && echo mounted-ok
echo "clocksource=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
dmesg | grep -E "Hypervisor detected|BIOS-e820|ACPI: (RSDP|PM: \(supports)"
poweroff -f' --append "$APPEND" --disk "$BATS_TEST_TMPDIR/disk.img"
	echo "$output" | tail -20
	echo "$stderr"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$(cat "$L/version")"* ]]
	[[ "$output" == *"cpus=1"* ]]
	[[ "$output" == *"hello from the virtio disk"* ]]
	[[ "$output" == *"mounted-ok"* ]]
	[[ "$output" != *"insmod"*"failed"* ]]
	[[ "$output" == *"Hypervisor detected: KVM"* ]]
	[[ "$output" == *"clocksource=kvm-clock"* ]]
	[[ "$output" == *"BIOS-e820: [mem 0x0000000000100000-0x000000000fffffff] usable"* ]]
	[[ "$output" == *"ACPI: RSDP 0x00000000000E0000"* ]]
	[[ "$output" == *"ACPI: PM: (supports S0 S5)"* ]]
	# The host sees the file the guest wrote (debugfs reads the ext2 image).
	run debugfs -R "cat /new.txt" "$BATS_TEST_TMPDIR/disk.img"
	[[ "$output" == *"written by linux"* ]]
	# The time to the shell, for the record (make bench measures boots).
	[ -n "$ready_s" ]
	mkdir -p "$(dirname "$res")"
	{
		echo "# boot to the first shell command (\"mkvm-linux: ready\"), seconds, $(date -u +%FT%TZ)"
		echo "# kernel $(cat "$L/version"), --mem 256M, 1 vCPU, append \"$APPEND\", $(uname -r) host KVM"
		echo "mini-kvm $ready_s"
	} >"$res"
	sed "s/^/# /" "$res" >&3
}

@test "linux: --cpus 2 brings both CPUs online; reboot -f ends the run (i8042 reset), status 0" {
	mkvm_linux 'echo "nproc=$(nproc) online=$(cat /sys/devices/system/cpu/online)"
reboot -f' --append "$APPEND" --cpus 2
	echo "$output" | tail -5
	echo "$stderr"
	[ "$status" -eq 0 ]
	[[ "$output" == *"nproc=2 online=0-1"* ]]
	[[ "$stderr" == *"guest reset the machine"* ]]
}

@test "linux: bad images and inputs give one clear error, status 2" {
	local t="$BATS_TEST_TMPDIR"
	head -c 600000 "$L/bzImage" >"$t/trunc"
	run_split "$MKVM" --mem 256M --kernel "$t/trunc"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"truncated"* ]]
	head -c 20000 "$L/bzImage" >"$t/setup-only"
	run_split "$MKVM" --mem 256M --kernel "$t/setup-only"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"truncated"* ]]
	cp "$L/bzImage" "$t/badflag"
	printf '\x00\x00' | dd of="$t/badflag" bs=1 seek=510 conv=notrunc status=none
	run_split "$MKVM" --mem 256M --kernel "$t/badflag"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"boot sector signature"* ]]
	# Wrong magic: no longer a bzImage, then a flat binary too big for real mode.
	cp "$L/bzImage" "$t/nomagic"
	printf 'XXXX' | dd of="$t/nomagic" bs=1 seek=514 conv=notrunc status=none
	run_split "$MKVM" --mem 4M --kernel "$t/nomagic"
	[ "$status" -eq 2 ]
	run_split "$MKVM" --kernel "$L/bzImage"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"use --mem 80M or more"* ]]
	truncate -s 40M "$t/big.cpio"
	run_split "$MKVM" --mem 96M --kernel "$L/bzImage" --initrd "$t/big.cpio"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"initrd of 41943040 bytes does not fit"* ]]
	run_split "$MKVM" --mem 256M --kernel "$L/bzImage" --append "$(head -c 3000 /dev/zero | tr '\0' x)"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"command line too long (3000 bytes; this kernel takes at most 2047)"* ]]
	run_split "$MKVM" --mem 256M --kernel "$L/bzImage" --initrd "$L/initramfs.cpio" --initrd "$L/initramfs.cpio"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"takes one --initrd"* ]]
	run_split "$MKVM" --mem 256M --kernel "$L/bzImage" "$L/bzImage"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"give the kernel once"* ]]
}
