#!/usr/bin/env bats
# The PC profile: in-kernel PIT and interrupt controllers, SMP through
# INIT/SIPI, QEMU's debug-exit and fw_cfg, the POST port.
load helpers
P="$ROOT/build/guests/pc"

@test "PIT at 100 Hz delivers IRQ0 at 100 per second of wall time (gross errors only)" {
	run_split "$MKVM" --timeout 60 --append 110 "$P/timer.elf"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == "timer: 110 ticks at 100 Hz"* ]]
	# The guest times ticks 10 to 110 by the ACPI PM timer (the host's
	# monotonic clock), read at the ticks themselves: start-up costs and
	# output delays do not enter.  What still can: a tick delivered late
	# because the vCPU thread waited for a CPU (KVM then catches up).  So
	# the bounds only catch a gross error, a PIT 4x too fast or too slow
	# (wrong divisor, lost or doubled ticks): 250..4000 ms for 1000 ms.
	# The precise rate and jitter belong to `make bench` (timer_jitter).
	[[ "$output" =~ ticks\ 10\ to\ 110\ took\ ([0-9]+)\ ms ]]
	ms=${BASH_REMATCH[1]}
	echo "100 ticks took $ms ms"
	[ "$ms" -ge 250 ] && [ "$ms" -le 4000 ]
}

@test "SMP: 4 vCPUs started by INIT/SIPI share memory, exact counter, APIC ids 0-3" {
	run_split "$MKVM" --timeout 60 --cpus 4 "$P/smp.elf"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"smp: 4 cpus, counter 40000 (expected 40000)"* ]]
	ids="$(grep -o 'has APIC id [0-9]*' <<< "$output" | awk '{print $4}' | sort -n | tr '\n' ' ')"
	[ "$ids" = "0 1 2 3 " ]
}

@test "SMP: one vCPU works too; --cpus is refused for flat guests and out of range" {
	run_split "$MKVM" --timeout 30 "$P/smp.elf"
	[ "$status" -eq 0 ]
	[[ "$output" == *"smp: 1 cpus, counter 10000 (expected 10000)"* ]]
	run_split "$MKVM" --cpus 2 "$G/hello.bin"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--cpus 2 needs a kernel"* ]]
	for v in 0 65 x -1; do
		run_split "$MKVM" --cpus "$v" "$P/smp.elf"
		[ "$status" -eq 2 ]
		[[ "$stderr" == *"--cpus '$v'"* ]]
	done
}

@test "fw_cfg, POST codes in --stats, and debug-exit status (v << 1) | 1" {
	run_split "$MKVM" --stats --cpus 3 --mem 64M "$P/pcdev.elf"
	[ "$status" -eq 33 ]
	[ "$output" = "pcdev: fw_cfg signature QEMU, ram 64 MiB, 3 cpus" ]
	[[ "$stderr" == *"post 0x11 at "*" ms"*"post 0x22 at "*" ms"* ]]
	[[ "$stderr" == *"io port 0x00f4: 1"* ]]
}

@test "PC profile: HLT does not end a kernel; --timeout does" {
	# timer.elf with 100000 ticks halts between ticks for 1000 s.
	run_split "$MKVM" --timeout 1 --append 100000 "$P/timer.elf"
	[ "$status" -eq 124 ]
}

@test "CPUID leaf 1 ECX bit 24: TSC-deadline timer advertised and working (LAPIC, MSR 0x6e0)" {
	run_split "$MKVM" --timeout 60 "$P/tscdl.elf"
	echo "$output"
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ "$output" = "tscdl: 3 deadline interrupts" ]
}

@test "ACPI for every PC kernel: RSDP in 0xe0000-0xfffff, XSDT, FADT (PM timer, PM1), FACS, MADT, DSDT \\_S5; S5 powers off" {
	run_split "$MKVM" --timeout 60 "$P/acpi.elf"
	echo "$output"
	echo "$stderr"
	[ "$status" -eq 0 ]
	[[ "$output" == "acpi: RSDP at 0xe0000, revision 2"* ]]
	[[ "$output" == *"acpi: XSDT entry FACP"* ]]
	[[ "$output" == *"acpi: XSDT entry APIC"* ]]
	[[ "$output" == *"acpi: FADT PM1a_EVT 0x600 PM1a_CNT 0x604 PM_TMR 0x608"* ]]
	[[ "$output" == *"acpi: FACS ok, DSDT \\_S5 SLP_TYP 0"* ]]
	[ "$(tail -n 1 <<< "$output")" = "acpi: PM timer counts; S5" ]
}
