# Mini-KVM build.  `make` builds the VMM and the guests, `make run` shows the
# demo, `make test` runs every test (unit tests, then end-to-end on real KVM,
# directly or inside tools/kvm-sandbox).
CC       ?= gcc
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Iinclude -Isrc -I$(B)/gen -MMD -MP
LDLIBS   += -lpthread
B        := build

VMM_SRCS := $(wildcard src/core/*.c src/arch/x86/*.c src/loaders/*.c src/devices/*.c src/gdb/*.c)
VMM_OBJS := $(VMM_SRCS:%.c=$(B)/%.o)
LIB_OBJS := $(filter-out $(B)/src/core/main.o,$(VMM_OBJS))

REAL_GUESTS := $(patsubst guests/real/%.S,$(B)/guests/%.bin,$(wildcard guests/real/*.S))
TEST_GUESTS := $(patsubst guests/test/%.S,$(B)/guests/test/%.bin,$(wildcard guests/test/*.S))
C_KERNELS   := timer smp pcdev serial kbd hostile blk tscdl acpi
PC_GUESTS   := $(C_KERNELS:%=$(B)/guests/pc/%.elf) $(B)/guests/pc/pm32.elf $(B)/guests/pc/hh32.elf $(B)/guests/pc/lm64.elf \
	       $(B)/guests/pc/mb.elf $(B)/guests/pc/mb-aout.bin $(B)/guests/pc/triple64.elf \
	       $(B)/guests/pc/mb-low.elf
GUESTS      := $(REAL_GUESTS) $(TEST_GUESTS) $(PC_GUESTS)

.PHONY: all guests run run-demo test test-under-load unit e2e clean format format-check linux run-linux debug gdb
all: $(B)/mini-kvm guests

# A fresh machine: the build's Debian packages are installed (as root) before
# anything compiles, once per build folder; as non-root, make stops with the
# one apt-get command to run (tools/setup-deps prints it).
ifeq ($(wildcard $(B)/.deps-build),)
ifneq ($(filter-out clean format format-check,$(or $(MAKECMDGOALS),all)),)
DEPS_FAILED := $(shell mkdir -p $(B) && tools/setup-deps build >&2 && touch $(B)/.deps-build || echo yes)
ifneq ($(DEPS_FAILED),)
$(error Debian packages for the build are missing: run the command above, then make again)
endif
endif
endif
guests: $(GUESTS)

# The seccomp allow-list, compiled to BPF at build time (libseccomp runs
# here, not in mini-kvm): src/core/seccomp_policy.h -> build/gen/seccomp_bpf.h
$(B)/seccomp-gen: tools/seccomp-gen.c src/core/seccomp_policy.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< -lseccomp
$(B)/gen/seccomp_bpf.h: $(B)/seccomp-gen
	@mkdir -p $(dir $@)
	$(B)/seccomp-gen > $@.tmp && mv $@.tmp $@
$(B)/src/core/seccomp.o $(B)/san/src/core/seccomp.o $(B)/fuzz/obj/src/core/seccomp.o: $(B)/gen/seccomp_bpf.h

$(B)/mini-kvm: $(VMM_OBJS)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# Guests: GNU as through the C preprocessor (so they include mkvm/abi.h),
# linked at REAL_LOAD_ADDR and stripped to a flat binary.
GUEST_ASFLAGS := -m32 -nostdinc -Iinclude -Iguests/real -Wa,--fatal-warnings
$(B)/guests/linker.ld: guests/flat.ld.in include/mkvm/abi.h
	@mkdir -p $(dir $@)
	$(CC) -E -P -x c -Iinclude -o $@ $<
$(B)/guests/%.o: guests/real/%.S guests/real/hc.inc guests/real/lib.inc include/mkvm/abi.h
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_ASFLAGS) -c -o $@ $<
$(B)/guests/test/%.o: guests/test/%.S guests/real/hc.inc include/mkvm/abi.h
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_ASFLAGS) -c -o $@ $<
$(B)/guests/%.bin: $(B)/guests/%.o $(B)/guests/linker.ld
	ld -m elf_i386 -nostdlib -T $(B)/guests/linker.ld -o $(@:.bin=.elf) $<
	objcopy -O binary $(@:.bin=.elf) $@

# PC-profile test kernels: ELF32 identity (pm32), ELF32 higher half (hh32), ELF64 (lm64).
$(B)/guests/pc/%.o: guests/pc/%.S guests/pc/pc.inc guests/pc/lib32.inc include/mkvm/abi.h
	@mkdir -p $(dir $@)
	$(CC) -nostdinc -Iinclude -Iguests/pc -Wa,--fatal-warnings $(if $(filter lm64 triple64,$*),-m64,-m32) -c -o $@ $<
$(B)/guests/pc/low.ld: guests/pc/kernel.ld.in include/mkvm/abi.h
	@mkdir -p $(dir $@)
	$(CC) -E -P -x c -Iinclude -DKERNEL_VBASE=0 -o $@ $<
$(B)/guests/pc/high.ld: guests/pc/kernel.ld.in include/mkvm/abi.h
	@mkdir -p $(dir $@)
	$(CC) -E -P -x c -Iinclude -DKERNEL_VBASE=PC_HIGHER_HALF -o $@ $<
$(B)/guests/pc/mb8000.ld: guests/pc/kernel.ld.in include/mkvm/abi.h
	@mkdir -p $(dir $@)
	$(CC) -E -P -x c -Iinclude -DKERNEL_VBASE=0 -DKERNEL_PBASE=0x8000 -o $@ $<
$(B)/guests/pc/mb-low.elf: $(B)/guests/pc/mb.o $(B)/guests/pc/mb8000.ld
	ld -m elf_i386 -nostdlib -T $(B)/guests/pc/mb8000.ld -o $@ $<
$(B)/guests/pc/pm32.elf: $(B)/guests/pc/pm32.o $(B)/guests/pc/low.ld
	ld -m elf_i386 -nostdlib -T $(B)/guests/pc/low.ld -o $@ $<
$(B)/guests/pc/hh32.elf: $(B)/guests/pc/hh32.o $(B)/guests/pc/high.ld
	ld -m elf_i386 -nostdlib -T $(B)/guests/pc/high.ld -o $@ $<
$(B)/guests/pc/mb.elf: $(B)/guests/pc/mb.o $(B)/guests/pc/low.ld
	ld -m elf_i386 -nostdlib -T $(B)/guests/pc/low.ld -o $@ $<
$(B)/guests/pc/mb-aout.o: guests/pc/mb.S guests/pc/pc.inc guests/pc/lib32.inc include/mkvm/abi.h
	$(CC) -nostdinc -Iinclude -Iguests/pc -Wa,--fatal-warnings -m32 -DAOUT -c -o $@ $<
$(B)/guests/pc/mb-aout.bin: $(B)/guests/pc/mb-aout.o $(B)/guests/pc/low.ld
	ld -m elf_i386 -nostdlib -T $(B)/guests/pc/low.ld -o $(@:.bin=.elf) $<
	objcopy -O binary $(@:.bin=.elf) $@
$(B)/guests/pc/triple64.elf: $(B)/guests/pc/triple64.o $(B)/guests/pc/low.ld
	ld -m elf_x86_64 -nostdlib -T $(B)/guests/pc/low.ld -o $@ $<
$(B)/guests/pc/lm64.elf: $(B)/guests/pc/lm64.o $(B)/guests/pc/low.ld
	ld -m elf_x86_64 -nostdlib -T $(B)/guests/pc/low.ld -o $@ $<

# C test kernels (multiboot, 32-bit, freestanding) on the tiny runtime in guests/pc/rt.
KCFLAGS := -m32 -std=c11 -ffreestanding -fno-pie -fno-stack-protector -fno-builtin -nostdinc \
	   -fno-asynchronous-unwind-tables -mno-sse -mno-mmx -O2 -Wall -Wextra -Werror \
	   -Iinclude -Iguests/pc/rt -isystem $(shell $(CC) -print-file-name=include)
RT_OBJS := $(B)/guests/pc/rt/start.o $(B)/guests/pc/rt/isr.o $(B)/guests/pc/rt/rt.o
$(B)/guests/pc/rt/%.o: guests/pc/rt/%.S
	@mkdir -p $(dir $@)
	$(CC) -m32 -nostdinc -Iinclude -c -o $@ $<
$(B)/guests/pc/rt/%.o: guests/pc/rt/%.c guests/pc/rt/rt.h include/mkvm/abi.h
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c -o $@ $<
$(B)/guests/pc/%.ko: guests/pc/%.c guests/pc/rt/rt.h include/mkvm/abi.h
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c -o $@ $<
$(C_KERNELS:%=$(B)/guests/pc/%.elf): $(B)/guests/pc/%.elf: $(B)/guests/pc/%.ko $(RT_OBJS) $(B)/guests/pc/low.ld
	ld -m elf_i386 -nostdlib -T $(B)/guests/pc/low.ld -o $@ $(RT_OBJS) $<

# `make run`: the 1K OS, interactive, on a disk made from guests/os1k/disk/
# (guests/os1k/os1k.mk); `make run-demo`: four real-mode guests at once.
# tools/with-kvm runs them on this host's KVM, or inside the nested sandbox
# where there is none (saying so): the day-long --timeout is the sandbox's.
WITH_KVM := tools/with-kvm --timeout 86400
run: run-os1k

run-demo: all
	@$(WITH_KVM) $(B)/mini-kvm $(B)/guests/hello.bin $(B)/guests/counter.bin \
		$(B)/guests/fibonacci.bin $(B)/guests/multiplication.bin

# `make debug`: the 1K OS stopped before its first instruction, waiting for
# gdb on build/gdb.sock; `make gdb` attaches with the kernel's symbols
# (docs/debugging.md; without hardware KVM both run inside the sandbox).
debug: os1k $(B)/mini-kvm
	@tools/debug-os1k
gdb: os1k
	@gdb -q -ex 'target remote $(B)/gdb.sock' $(B)/guests/os1k/kernel.elf

# Linux guest (docs/linux.md): Debian's stock kernel, a busybox initramfs and
# an ext2 disk, from Debian packages only (guests/linux/build-guest).
LINUX := $(B)/linux
linux: $(B)/mini-kvm
	@tools/setup-deps linux
	@guests/linux/build-guest $(LINUX)
run-linux: linux $(B)/guests/minimal.bin
	cp $(LINUX)/disk.img $(LINUX)/disk-run.img
	@$(WITH_KVM) --mem 1024 $(B)/mini-kvm --mem 256M --cpus 2 --kernel $(LINUX)/vmlinux --initrd $(LINUX)/initramfs.cpio \
		--append "console=ttyS0 quiet" --disk $(LINUX)/disk-run.img

# ---- tests ------------------------------------------------------------------
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/unit/%)
SAN_OBJS  := $(LIB_OBJS:$(B)/%.o=$(B)/san/%.o)

$(B)/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN_FLAGS) -c -o $@ $<
$(B)/unit/%: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN_FLAGS) -o $@ $(filter %.c %.o,$^) -lcmocka $(LDLIBS)
.SECONDARY: $(SAN_OBJS)

# Each unit test links only what it tests and what that calls (docs/devices.md).
S := $(B)/san/src
U_LOADERS := $(S)/loaders/boot.o $(S)/loaders/bzimage.o $(S)/loaders/elf.o $(S)/loaders/image.o \
	     $(S)/loaders/multiboot.o $(S)/loaders/pvh.o $(S)/arch/x86/acpi.o $(S)/arch/x86/aml.o \
	     $(S)/arch/x86/modes.o $(S)/arch/x86/cpu.o $(S)/core/guest_mem.o
U_VM      := $(S)/core/vm.o $(S)/arch/x86/chipset.o $(S)/arch/x86/cpuid.o $(S)/arch/x86/cpu.o \
	     $(S)/arch/x86/modes.o $(S)/core/guest_mem.o $(S)/core/bus.o
U_VIRTIO  := $(S)/devices/virtio_blk.o $(S)/devices/virtio_mmio.o $(S)/arch/x86/aml.o \
	     $(S)/core/guest_mem.o $(S)/core/bus.o
$(B)/unit/test_bus: $(S)/core/bus.o
$(B)/unit/test_bzimage: $(U_LOADERS)
$(B)/unit/test_cli: $(S)/core/cli.o $(S)/arch/x86/modes.o $(S)/arch/x86/cpu.o $(S)/core/guest_mem.o
$(B)/unit/test_console: $(S)/core/console.o
$(B)/unit/test_devices: $(U_VIRTIO) $(S)/devices/devices.o $(S)/devices/fw_cfg.o $(S)/devices/pci_host.o \
	$(S)/devices/acpi_pm.o $(S)/devices/uart.o $(S)/devices/hypercall.o \
	$(S)/devices/debug_exit.o $(S)/devices/i8042.o $(S)/devices/i8042_kbd.o \
	$(S)/devices/keymap.o $(S)/core/console.o $(S)/core/input.o $(S)/core/device.o $(S)/core/stats.o
$(B)/unit/test_elf: $(U_LOADERS)
$(B)/unit/test_gdb: $(S)/gdb/packet.o $(S)/gdb/regs.o $(S)/gdb/stub.o
$(B)/unit/test_guest_mem: $(S)/core/guest_mem.o
$(B)/unit/test_image: $(U_LOADERS)
$(B)/unit/test_keymap: $(S)/devices/keymap.o $(S)/devices/i8042.o $(S)/devices/i8042_kbd.o $(S)/core/input.o $(S)/core/device.o \
	$(U_VM)
$(B)/unit/test_multiboot: $(U_LOADERS)
$(B)/unit/test_pvh: $(U_LOADERS)
$(B)/unit/test_stats: $(S)/core/stats.o
$(B)/unit/test_uart: $(S)/devices/uart.o $(S)/core/bus.o $(S)/core/console.o $(S)/core/input.o
$(B)/unit/test_virtio_blk: $(U_VIRTIO)

# Host tools of the e2e tests (tests/stress): the echo stress driver.
TEST_TOOLS := $(B)/tests/echo-stress
$(B)/tests/%: tests/stress/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $<

unit: $(UNIT_BINS)
	@tools/run-tests --unit-only $(UNIT_BINS)

e2e: all bench-build linux os1k $(TEST_TOOLS)
	@tools/run-e2e

test:
	@tools/setup-deps test
	@$(MAKE) --no-print-directory format-check all bench-build fuzz-build linux os1k $(TEST_TOOLS) $(UNIT_BINS)
	@tools/run-tests $(UNIT_BINS)

# The e2e suite twice while stress-ng --cpu 2 loads the host (issue 13).
test-under-load:
	@tools/setup-deps test
	@$(MAKE) --no-print-directory all bench-build linux os1k $(TEST_TOOLS)
	@tools/test-under-load

# One formatter (.clang-format, kernel-like): `make format` applies it,
# `make test` refuses code that it would change.
FORMAT_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null)
format:
	clang-format -i $(FORMAT_FILES)
format-check:
	@clang-format --dry-run -Werror $(FORMAT_FILES) || \
		{ echo "make: run 'make format' (clang-format) and commit the result" >&2; exit 1; }

clean:
	rm -rf $(B)/mini-kvm $(B)/src $(B)/san $(B)/unit $(B)/guests

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# Benchmarks (issue: benchmarks anyone can rerun): bench/bench.mk
-include bench/bench.mk
-include tests/fuzz/fuzz.mk
-include guests/os1k/os1k.mk
