#!/bin/bash
# tools/sandbox/selftest.sh -- check tools/kvm-sandbox end to end.
#
# Boots the sandbox several times (about 4 s each) and checks: exit status
# passthrough, byte-exact and separate stdout/stderr, cwd, environment,
# /dev/kvm usable (KVM_GET_API_VERSION == 12, KVM_CREATE_VM works), writes to
# the repository and to a cwd outside it, --timeout -> 124, and that killing kvm-sandbox kills QEMU.
# Prints "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$HERE/../.." && pwd -P)
SB="$REPO/tools/kvm-sandbox"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

ok()  { echo "ok   - $1"; pass=$((pass + 1)); }
bad() { echo "FAIL - $1"; fail=$((fail + 1)); }
check() {   # check NAME COMMAND...: passes when COMMAND succeeds
    local name=$1; shift
    if "$@"; then ok "$name"; else bad "$name"; fi
}

"$SB" --prepare || { echo "FAIL - prepare"; echo "0 passed, 1 failed"; exit 1; }

# 1. exit status
"$SB" --timeout 120 sh -c 'exit 7'
check "exit status 7 passes through (got $?)" [ $? -eq 7 ]

# 2. stdout/stderr separate and byte-exact (CR, LF, control and high bytes)
printf 'a\nb\r\n\x01\xff\x00z' > "$T/out.want"
printf 'err\r\nline2' > "$T/err.want"
"$SB" --timeout 120 sh -c "printf 'a\nb\r\n\001\377\000z'; printf 'err\r\nline2' >&2" \
    >"$T/out.got" 2>"$T/err.got"
rc=$?
check "byte-exact output run exits 0 (got $rc)" [ $rc -eq 0 ]
check "stdout is byte-exact" cmp -s "$T/out.want" "$T/out.got"
check "stderr is byte-exact" cmp -s "$T/err.want" "$T/err.got"

# 3. cwd preserved (run from tools/)
got=$(cd "$REPO/tools" && "$SB" --timeout 120 pwd)
check "cwd preserved (got '$got')" [ "$got" = "$REPO/tools" ]

# 4. environment: MKVM_*, BATS_*, PATH, HOME, LANG; awkward values survive
want=$'x y $z \'q\' "dq"\nnewline'
got=$(MKVM_SELFTEST="$want" BATS_SELFTEST=b LANG=C.UTF-8 "$SB" --timeout 120 \
      bash -c 'printf "%s|%s|%s|%s|%s" "$MKVM_SELFTEST" "$BATS_SELFTEST" "$PATH" "$HOME" "$LANG"')
check "environment passed through" [ "$got" = "$want|b|$PATH|$HOME|C.UTF-8" ]

# 5. /dev/kvm usable: KVM_GET_API_VERSION (0xAE00) == 12, KVM_CREATE_VM (0xAE01) works
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3 || true)
if [ -n "$PY" ]; then
    got=$("$SB" --timeout 300 "$PY" -c '
import fcntl, os
fd = os.open("/dev/kvm", os.O_RDWR)
print(fcntl.ioctl(fd, 0xAE00), end=" ")
vm = fcntl.ioctl(fd, 0xAE01, 0)
print("vm" if vm >= 0 else "novm", end="")')
    check "KVM_GET_API_VERSION = 12 and KVM_CREATE_VM works (got '$got')" [ "$got" = "12 vm" ]
else
    bad "python3 not found: cannot check the KVM ioctls"
fi

# 6. the repository is writable, and the file shows up on the host
mark="$REPO/build/sandbox/selftest-write.$$"
"$SB" --timeout 120 sh -c "echo written > '$mark'"
check "repository writable from inside" grep -qx written "$mark"
rm -f "$mark"

# 6b. a cwd outside the repository (here under /tmp) is shared read-write
got=$(cd "$T" && "$SB" --timeout 120 sh -c 'pwd; echo inside > made-inside')
check "cwd outside the repo is shared (got '$got')" \
    [ "$got" = "$(cd "$T" && pwd -P)" -a "$(cat "$T/made-inside" 2>/dev/null)" = inside ]

# 7. --timeout gives 124 (and comes back promptly)
start=$SECONDS
"$SB" --timeout 5 sleep 1000
rc=$?
check "--timeout 5 sleep 1000 gives 124 (got $rc) within 60 s ($((SECONDS - start)) s)" \
    [ $rc -eq 124 -a $((SECONDS - start)) -lt 60 ]

# 8. SIGTERM to kvm-sandbox kills QEMU and removes the job folder
"$SB" --timeout 600 sleep 1000 &
sb=$!
sleep 2
kill -TERM $sb
wait $sb
rc=$?
sleep 1
check "SIGTERM gives 143 (got $rc)" [ $rc -eq 143 ]
left=$(ls "$REPO/build/sandbox/jobs" 2>/dev/null | wc -l)
check "no QEMU or job folder left behind" \
    [ "$left" -eq 0 -a -z "$(pgrep -f "qemu-system-x86_64.*$REPO/build/sandbox/jobs" || true)" ]

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
