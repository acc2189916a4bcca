#!/usr/bin/env bats
# bench/selftest.bats -- tests the benchmark harness, not the speed: one
# quick run (bench/run --quick, well under a minute on real KVM; it also runs
# inside tools/kvm-sandbox), then checks that every figure is produced and
# sane: positive and finite, or "n/a" exactly where documented (no QEMU; the
# timer on a /dev/kvm without vmx/svm, i.e. KVM-PVM, where interrupt-driven
# guests fail).  No timing asserts.  Needs `make bench-build` first.

setup_file() {
	cd "$BATS_TEST_DIRNAME/.."
	export BENCH_OUT="$BATS_FILE_TMPDIR/out"
	export MKVM_SANDBOX=0 # the caller decides where this file runs
	bench/run --quick --no-plot >"$BATS_FILE_TMPDIR/run.log" 2>&1 || echo $? >"$BATS_FILE_TMPDIR/failed"
}

setup() {
	cd "$BATS_TEST_DIRNAME/.."
	CSV="$BATS_FILE_TMPDIR/out/results.csv"
}

# value ID COLUMN: one field of the row ID (columns as in the CSV header)
value() {
	awk -F, -v id="$1" -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) col = i }
		$1 == id { print $col }' "$CSV"
}

positive() { # positive NUMBER: finite and > 0
	awk -v v="$1" 'BEGIN { exit !(v ~ /^[0-9.]+([eE][-+]?[0-9]+)?$/ && v + 0 > 0) }'
}

@test "the quick run exits 0 and writes its files" {
	[ ! -e "$BATS_FILE_TMPDIR/failed" ] || { cat "$BATS_FILE_TMPDIR/run.log"; false; }
	for f in results.csv results.json raw.csv table.txt; do
		[ -s "$BATS_FILE_TMPDIR/out/$f" ]
	done
}

@test "every figure has a row" {
	for id in exit_putc exit_nop exit_putc_floor exit_nop_floor exit_nop_qemu \
		start_floor start_floor_ref start_qemu_pc start_qemu_microvm \
		con_putc con_write con_uart con_uart_write compute rss rss_overhead rss_floor rss_qemu size \
		density_seq density_par density_seq_qemu density_par_qemu timer timer_period timer_tsc \
		writes_hello syscalls_exit; do
		[ -n "$(value $id median)" ] || { echo "no row $id"; false; }
	done
}

@test "measured figures are positive and finite, with min <= median <= max" {
	for id in exit_putc exit_nop exit_putc_floor exit_nop_floor start_floor start_floor_ref \
		con_putc con_write con_uart con_uart_write compute rss rss_floor size density_seq density_par \
		writes_hello syscalls_exit; do
		mn=$(value $id min) md=$(value $id median) mx=$(value $id max)
		positive "$md" || { echo "$id: median '$md'"; false; }
		awk -v a="$mn" -v b="$md" -v c="$mx" 'BEGIN { exit !(a <= b && b <= c) }' ||
			{ echo "$id: $mn $md $mx"; false; }
	done
}

@test "ratios against the reference are positive and finite" {
	for id in exit_putc exit_nop start_floor con_putc con_write con_uart con_uart_write compute rss size; do
		r=$(value $id ratio)
		positive "$r" || { echo "$id: ratio '$r'"; false; }
	done
}

@test "the UART figure is measured, by a 32-bit kernel, against PUTCHAR and HC_WRITE" {
	[[ "$(value con_uart note)" == *"32-bit multiboot kernel"* ]]
	[ "$(value con_uart reference)" = "PUTCHAR (mini-kvm)" ]
	[ "$(value con_uart_write reference)" = "HC_WRITE (mini-kvm)" ]
	[ "$(value con_uart median)" = "$(value con_uart_write median)" ]
	[ "$(value con_uart ref_median)" = "$(value con_putc median)" ]
	[ "$(value con_uart_write ref_median)" = "$(value con_write median)" ]
}

@test "timer figures are measured; n/a (PVM) only on a /dev/kvm without vmx/svm" {
	if ! grep -qwE 'vmx|svm' /proc/cpuinfo; then
		for id in timer timer_period timer_tsc; do
			[ "$(value $id median)" = n/a ]
			[[ "$(value $id note)" == "n/a (PVM"* ]]
		done
		skip "KVM-PVM: the timer figures are n/a here (tools/kvm-sandbox measures them)"
	fi
	for id in timer_period timer_tsc; do
		mn=$(value $id min) md=$(value $id median) mx=$(value $id max)
		positive "$md" || { echo "$id: median '$md'"; false; }
		awk -v a="$mn" -v b="$md" -v c="$mx" 'BEGIN { exit !(a <= b && b <= c) }' ||
			{ echo "$id: $mn $md $mx"; false; }
	done
	# jitter: (max - min) / median, finite and >= 0; the label names the setting
	for c in min median max; do
		v=$(value timer $c)
		awk -v v="$v" 'BEGIN { exit !(v ~ /^[0-9.]+([eE][-+]?[0-9]+)?$/) }' || { echo "timer $c: '$v'"; false; }
	done
	[[ "$(value timer figure)" == *"(guest TSC; "* ]]
	positive "$(value timer_period ratio)"
}

@test "QEMU figures are measured, or n/a when QEMU is missing" {
	for id in exit_nop_qemu start_qemu_pc start_qemu_microvm rss_qemu density_seq_qemu density_par_qemu; do
		md=$(value $id median)
		if [ "$md" = n/a ]; then
			[[ "$(value $id note)" == *"n/a"* ]]
		else
			positive "$md" || { echo "$id: '$md'"; false; }
		fi
	done
}

@test "Linux boot rows: measured when make linux has run, n/a otherwise" {
	if [ ! -f build/linux/vmlinux ]; then
		[ "$(value linux_init_pvh median)" = n/a ]
		skip "no Linux guest (make linux)"
	fi
	for id in linux_init_pvh linux_init_bz linux_exit_pvh linux_exit_bz linux_kvm_exits_pvh \
		linux_kvm_exits_bz linux_vmm_exits_pvh linux_vmm_exits_bz; do
		md=$(value $id median)
		positive "$md" || { echo "$id: median '$md'"; false; }
	done
	# the exits reaching mini-kvm are part of the KVM exits of the same boots
	awk -v a="$(value linux_vmm_exits_pvh max)" -v b="$(value linux_kvm_exits_pvh min)" 'BEGIN { exit !(a < b) }'
	for id in linux_rss_pvh linux_rss_bz; do
		awk -v v="$(value $id median)" 'BEGIN { exit !(v ~ /^-?[0-9.]+$/) }' || { echo "$id"; false; }
	done
}

@test "RSS overhead and verdicts are well-formed" {
	o=$(value rss_overhead median)
	awk -v v="$o" 'BEGIN { exit !(v ~ /^-?[0-9.]+$/) }'
	awk -F, 'NR > 1 && $14 != "met" && $14 != "MISSED" && $14 != "-" && $14 != "n/a" { bad = 1 } END { exit bad }' "$CSV"
}

@test "results.json holds the same rows" {
	j="$BATS_FILE_TMPDIR/out/results.json"
	[ "$(head -c 1 "$j")" = "{" ]
	[ "$(grep -c '"id": ' "$j")" -eq "$(($(wc -l <"$CSV") - 1))" ]
	if command -v python3 >/dev/null; then python3 -m json.tool "$j" >/dev/null; fi
}

@test "the raw file has one line per measured run" {
	[ "$(head -n 1 "$BATS_FILE_TMPDIR/out/raw.csv")" = "key,run,wall_s,maxrss_kib" ]
	[ "$(wc -l <"$BATS_FILE_TMPDIR/out/raw.csv")" -gt 50 ]
}
