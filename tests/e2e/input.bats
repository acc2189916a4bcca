#!/usr/bin/env bats
# HC_GETCHAR: piped stdin, end of input, only the first guest reads stdin.
load helpers

@test "hctest: every hypercall, echo of piped input, EOF, status 42" {
	run_split "$MKVM" "$G/hctest.bin" <<< "abc"
	[ "$status" -eq 42 ]
	[ "$output" = "$(printf 'hctest: putchar ok\nhctest: write ok\nabc\nhctest: eof after 4 bytes')" ]
}

@test "hctest: empty stdin is EOF at once" {
	run_split "$MKVM" "$G/hctest.bin" < /dev/null
	[ "$status" -eq 42 ]
	[[ "$output" == *"hctest: eof after 0 bytes"* ]]
}

@test "hctest: 100000 bytes of input arrive intact" {
	head -c 100000 /dev/urandom > "$BATS_TEST_TMPDIR/in"
	"$MKVM" "$G/hctest.bin" < "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/out" || [ $? -eq 42 ]
	# The echo sits between the two banner lines and the final count line.
	head -c 36 "$BATS_TEST_TMPDIR/out" > "$BATS_TEST_TMPDIR/banner"
	printf 'hctest: putchar ok\nhctest: write ok\n' | cmp - "$BATS_TEST_TMPDIR/banner"
	tail -c +37 "$BATS_TEST_TMPDIR/out" | head -c 100000 | cmp - "$BATS_TEST_TMPDIR/in"
	tail -c 31 "$BATS_TEST_TMPDIR/out" | grep -q "eof after 100000 bytes"
}

@test "stdin goes to the first guest only; the others see EOF" {
	run_split "$MKVM" --no-color "$G/hctest.bin" "$G/hctest.bin" <<< "xy"
	[ "$status" -eq 42 ]
	[[ "$output" == *"[hctest] hctest: eof after 3 bytes"* ]]
	[[ "$output" == *"[hctest#2] hctest: eof after 0 bytes"* ]]
}
