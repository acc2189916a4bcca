#!/usr/bin/env bats
# Linux (docs/linux.md): Debian's stock kernel (bzImage, and the same
# kernel's uncompressed vmlinux through its PVH entry) with a busybox
# initramfs and an ext2 virtio disk, built by guests/linux/build-guest
# (make linux).  Boots to a shell on ttyS0, runs commands typed on stdin,
# reads and writes the disk, powers off / reboots; 2 vCPUs; bad images;
# the boot-time marker, the exits of a quiet boot, huge pages.
# The nested sandbox is slow (a boot takes tens of seconds): generous
# timeouts, and three boots in all, each checking all it can.  The boot
# times go to build/test-results/linux-boot-time.txt (make bench measures
# boots against other VMMs).
load helpers
L="$ROOT/build/linux"
APPEND="console=ttyS0 quiet"

setup() {
	[ -f "$L/bzImage" ] && [ -f "$L/vmlinux" ] && [ -f "$L/initramfs.cpio" ] && [ -f "$L/disk.img" ] ||
		{ echo "no Linux guest built: make linux"; false; }
}

# now: seconds since the epoch, microseconds.
now() { echo "${EPOCHREALTIME/,/.}"; }

# linux_session CMDS CMD...: runs CMD (mini-kvm or QEMU) with stdin from a
# FIFO and stdout in $BATS_TEST_TMPDIR/out; once the guest prints
# "mkvm-linux: ready" (its shell comes next), types CMDS (one per line) and
# waits for the end.  Sets $status, $output, $stderr, $ready_s (seconds
# from the start to "ready"), $huge_kb (AnonHugePages of CMD's process
# at "ready", in KiB) and $thp (the VmFlags of its 256 MiB guest mapping).
# Typing before the 8250 driver is up would lose bytes, as on real hardware.
linux_session() {
	local cmds=$1 fifo="$BATS_TEST_TMPDIR/in" out="$BATS_TEST_TMPDIR/out" t0 pid wfd
	shift
	rm -f "$fifo" "$out"
	mkfifo "$fifo"
	t0=$(now)
	"$@" <"$fifo" >"$out" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	exec {wfd}>"$fifo" # (fd 3 is bats' own)
	ready_s= huge_kb= thp=
	for _ in $(seq 6000); do
		if grep -q "mkvm-linux: ready" "$out" 2>/dev/null; then
			ready_s=$(echo "$(now) - $t0" | bc)
			huge_kb=$(awk '/^AnonHugePages:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || true)
			# the VmFlags of the guest's RAM (the 256 MiB mapping): hg
			# after MADV_HUGEPAGE, nh after MADV_NOHUGEPAGE
			thp=$(awk '/^[0-9a-f]+-[0-9a-f]+ / { g = 0 } /^Size: +262144 kB$/ { g = 1 }
				g && /^VmFlags:/ { print; exit }' "/proc/$pid/smaps" 2>/dev/null || true)
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

# mkvm_linux CMDS ARGS...: the bzImage; KERNEL=vmlinux for the PVH boot.
mkvm_linux() {
	linux_session "$1" "$MKVM" --timeout 300 --mem 256M --kernel "$L/${KERNEL:-bzImage}" \
		--initrd "$L/initramfs.cpio" "${@:2}"
}

# "stats NAME: run time S s, N exits" -> N
stats_exits() { sed -n 's/^stats [^:]*: run time [0-9.]* s, \([0-9]*\) exits$/\1/p' <<<"$1"; }

# record NAME: the last session's time to the shell, for the record (the
# first test starts the file).
record() {
	local res="$ROOT/build/test-results/linux-boot-time.txt"
	mkdir -p "$(dirname "$res")"
	if [ "$1" = bzImage ]; then
		{
			echo "# boot to the first shell command (\"mkvm-linux: ready\"), seconds, $(date -u +%FT%TZ)"
			echo "# kernel $(cat "$L/version"), --mem 256M, append \"$APPEND\", $(uname -r) host KVM"
		} >"$res"
	fi
	echo "mini-kvm $1 $ready_s" >>"$res"
	echo "# linux boot to the shell: mini-kvm $1 $ready_s s" >&3
}

@test "linux: bzImage: KVM, kvm-clock, e820 and ACPI as built; PCI quiet; few exits; boot marker; huge pages; poweroff" {
	local n uart marker
	mkvm_linux 'cat /sys/devices/system/clocksource/clocksource0/current_clocksource
dmesg | grep -E "Hypervisor detected|BIOS-e820|ACPI: (RSDP|PM: \(supports)"
dmesg | grep -iE "pci" | head -n 20
poweroff -f' --append "$APPEND" --stats
	echo "$output" | tail -30
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ -n "$ready_s" ]
	record bzImage
	[[ "$output" == *"Hypervisor detected: KVM"* ]]
	[[ "$output" == *$'\nkvm-clock'* ]]
	[[ "$output" == *"BIOS-e820: [mem 0x0000000000100000-0x000000000fffffff] usable"* ]]
	[[ "$output" == *"ACPI: RSDP 0x00000000000E0000"* ]]
	[[ "$output" == *"ACPI: PM: (supports S0 S5)"* ]]
	# PCI: a config access method and a host bridge, no alarm; no early
	# scans of every bus through 0xcf8/0xcfc (16,607 accesses before).
	[[ "$output" != *"PCI: Fatal"* ]]
	[[ "$output" == *"PCI: Using configuration type 1"* ]]
	n=$(sed -n 's/^  io port 0x0cf8: //p' <<<"$stderr")
	[ -n "$n" ] && [ "$n" -lt 100 ]
	# Under a thousand exits reach mini-kvm besides the console's (this
	# session prints dmesg lines: about one UART exit per byte).  The count
	# depends on the kernel's work, not on the host's load.
	n=$(stats_exits "$stderr")
	uart=$(awk '/^  io port 0x03f[89a-f]: / { s += $4 } END { print s + 0 }' <<<"$stderr")
	[ -n "$n" ] && [ $((n - uart)) -lt 1000 ]
	# The boot-time marker written by init, timed from mini-kvm's start.
	marker=$(sed -n 's/^  post 0x7b at \([0-9.]*\) ms from start$/\1/p' <<<"$stderr")
	[ -n "$marker" ]
	[ "$(echo "$marker > 0" | bc)" -eq 1 ]
	# Guest RAM on 2 MiB pages: said by --stats, and the mapping advised
	# for huge pages (VmFlags hg) as the host sees it.  How many it finds
	# depends on its free contiguous memory, not on mini-kvm: only shown.
	[[ "$stderr" == *"memory: 256 MiB on 2 MiB pages"* ]]
	echo "guest mapping: $thp"
	[[ "$stderr" != *"(transparent huge pages, madvise)"* ]] || [[ "$thp" == *" hg"* ]]
	echo "# linux: AnonHugePages at the shell: ${huge_kb:-?} KiB" >&3
}

@test "linux: the vmlinux through its PVH entry: shell, virtio disk, 2 CPUs, poweroff" {
	cp "$L/disk.img" "$BATS_TEST_TMPDIR/disk.img"
	KERNEL=vmlinux mkvm_linux 'uname -r
echo "nproc=$(nproc) online=$(cat /sys/devices/system/cpu/online)"
cat /mnt/disk/hello.txt
echo "written by pvh linux" > /mnt/disk/pvh.txt
sync
dmesg | grep -E "BIOS-e820|ACPI: RSDP|Hypervisor detected"
tr " " "\n" </proc/cmdline | grep -x "pci=noearly" && echo cmdline-ok
poweroff -f' --append "$APPEND" --disk "$BATS_TEST_TMPDIR/disk.img" --cpus 2
	echo "$output" | tail -20
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ -n "$ready_s" ]
	record "vmlinux-PVH(2-CPUs)"
	[[ "$output" == *"$(cat "$L/version")"* ]]
	[[ "$output" == *"nproc=2 online=0-1"* ]]
	[[ "$output" == *"hello from the virtio disk"* ]]
	[[ "$output" != *"insmod"*"failed"* ]]
	# The memory map and the RSDP came through hvm_start_info.
	[[ "$output" == *"BIOS-e820: [mem 0x0000000000100000-0x000000000fffffff] usable"* ]]
	[[ "$output" == *"ACPI: RSDP 0x00000000000E0000"* ]]
	[[ "$output" == *"Hypervisor detected: KVM"* ]]
	[[ "$output" == *"cmdline-ok"* ]]
	run debugfs -R "cat /pvh.txt" "$BATS_TEST_TMPDIR/disk.img"
	[[ "$output" == *"written by pvh linux"* ]]
}

@test "linux: bzImage: 2 CPUs, virtio disk read and written, --no-huge-pages (4 KiB pages), reboot -f ends the run (i8042 reset)" {
	cp "$L/disk.img" "$BATS_TEST_TMPDIR/disk.img"
	mkvm_linux 'uname -r
echo "nproc=$(nproc) online=$(cat /sys/devices/system/cpu/online)"
cat /mnt/disk/hello.txt
echo "written by linux" > /mnt/disk/new.txt
sync
grep -q " /mnt/disk ext" /proc/mounts && echo mounted-ok
reboot -f' --append "$APPEND" --disk "$BATS_TEST_TMPDIR/disk.img" --cpus 2 --no-huge-pages --stats
	echo "$output" | tail -20
	echo "$stderr"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"guest reset the machine"* ]]
	[[ "$output" == *"$(cat "$L/version")"* ]]
	[[ "$output" == *"nproc=2 online=0-1"* ]]
	[[ "$output" == *"hello from the virtio disk"* ]]
	[[ "$output" == *"mounted-ok"* ]]
	[[ "$output" != *"insmod"*"failed"* ]]
	[[ "$stderr" == *"memory: 256 MiB on 4 KiB pages"* ]]
	echo "guest mapping: $thp"
	[[ "$thp" == *" nh"* ]] # MADV_NOHUGEPAGE: never huge pages for the guest's RAM
	# The host sees the file the guest wrote (debugfs reads the ext2 image).
	run debugfs -R "cat /new.txt" "$BATS_TEST_TMPDIR/disk.img"
	[[ "$output" == *"written by linux"* ]]
}

@test "linux: a vmlinux without the PVH entry note is refused in one line, status 2" {
	local t="$BATS_TEST_TMPDIR" off
	# The note XEN_ELFNOTE_PHYS32_ENTRY: namesz 4, descsz 8, type 18, "Xen".
	off=$(LC_ALL=C grep -obUaP '\x04\x00\x00\x00\x08\x00\x00\x00\x12\x00\x00\x00Xen\x00' \
		"$L/vmlinux" | head -n1 | cut -d: -f1)
	[ -n "$off" ]
	cp "$L/vmlinux" "$t/nopvh"
	printf '\x13' | dd of="$t/nopvh" bs=1 seek=$((off + 8)) conv=notrunc status=none
	run_split "$MKVM" --mem 256M --kernel "$t/nopvh" --initrd "$L/initramfs.cpio"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"nopvh: a Linux vmlinux without the PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)"* ]]
	[ "$(wc -l <<<"$stderr")" -eq 1 ]
	run_split "$MKVM" --mem 256M --kernel "$L/vmlinux" --mode long
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"chooses its own mode"* ]]
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
	# 3000 bytes and the devices' " pci=noearly"
	[[ "$stderr" == *"command line too long (3012 bytes; this kernel takes at most 2047)"* ]]
	run_split "$MKVM" --mem 256M --kernel "$L/bzImage" --initrd "$L/initramfs.cpio" --initrd "$L/initramfs.cpio"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"takes one --initrd"* ]]
	run_split "$MKVM" --mem 256M --kernel "$L/bzImage" "$L/bzImage"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"give the kernel once"* ]]
}
