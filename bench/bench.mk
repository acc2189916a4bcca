# Benchmarks (docs/benchmarks.md).  Included at the end of the Makefile.
#   make bench        the full run: table, build/bench/results.{csv,json}, docs/bench.svg
#   make bench-quick  a quick run (well under a minute) that checks every figure
#   make bench-linux  only the Linux boot rows (mini-kvm bzImage and PVH, QEMU pc, microvm)
# Both run directly where build/mini-kvm can use /dev/kvm, otherwise the whole
# run happens inside ONE boot of tools/kvm-sandbox (bench/run decides).
BB  := $(B)/bench
BBG := $(BB)/guests
BENCH_COUNTS := 0 10000 100000
BENCH_FIB    := 20 24
# PC-profile guests (the UART and the PIT exist for kernels only): 32-bit C
# multiboot kernels on guests/pc/rt, built like the Makefile's C_KERNELS.
BENCH_KERNELS := con_uart timer_jitter

BENCH_GUESTS := $(foreach n,$(BENCH_COUNTS),$(BBG)/putc-$(n).bin $(BBG)/nop-$(n).bin) \
	$(BBG)/hello.bin $(BBG)/con_putc.bin $(BBG)/con_putc-64k.bin $(BBG)/con_write.bin \
	$(foreach n,$(BENCH_FIB),$(BBG)/fib-$(n).bin) \
	$(BBG)/qemu/hello.rom $(foreach n,$(BENCH_COUNTS),$(BBG)/qemu/nop-$(n).rom) \
	$(BENCH_KERNELS:%=$(BBG)/%.elf)
BENCH_TOOLS  := $(BB)/floor $(BB)/measure $(BB)/fib_native

.PHONY: bench bench-quick bench-linux bench-build bench-clean
bench: bench-build linux
	@bench/setup
	@bench/run
# Only the Linux boot rows (section 8 of bench/run): a few minutes.
bench-linux: bench-build linux
	@bench/setup
	@bench/run --only linux
bench-quick: bench-build
	@bench/setup
	@bench/run --quick
bench-build: $(B)/mini-kvm $(B)/guests/minimal.bin $(BENCH_TOOLS) $(BENCH_GUESTS)
bench-clean:
	rm -rf $(BB)

# Host tools: the floor VMM, the process timer, native compute.
$(BB)/floor: bench/floor.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -std=gnu11 -Wall -Wextra -Werror -o $@ $<
$(BB)/measure: bench/measure.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -std=gnu11 -Wall -Wextra -Werror -o $@ $<
$(BB)/fib_native: bench/fib_native.c guests/bench/fib.h
	@mkdir -p $(dir $@)
	$(CC) -O2 -std=gnu11 -Wall -Wextra -Werror -Iguests/bench -o $@ $<

# Guests: the same toolchain as guests/ (GUEST_ASFLAGS, linker.ld);
# -DQEMU builds the QEMU flavour of the same source (guests/bench/bench.inc).
BENCH_ASFLAGS := $(GUEST_ASFLAGS) -Iguests/bench
BENCH_DEPS    := guests/bench/bench.inc guests/real/hc.inc include/mkvm/abi.h
BENCH_CFLAGS  := -m16 -O2 -march=i686 -mgeneral-regs-only -ffreestanding -fno-pic -fno-pie \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fcf-protection=none \
	-nostdinc -Iinclude -Iguests/bench -Wall -Wextra -Werror

$(BBG)/putc-%.o: guests/bench/loop.S $(BENCH_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_ASFLAGS) -DLOOP_PUTC -DCOUNT=$* -c -o $@ $<
$(BBG)/nop-%.o: guests/bench/loop.S $(BENCH_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_ASFLAGS) -DLOOP_NOP -DCOUNT=$* -c -o $@ $<
$(BBG)/qemu/nop-%.o: guests/bench/loop.S $(BENCH_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_ASFLAGS) -DQEMU -DLOOP_NOP -DCOUNT=$* -c -o $@ $<
$(BBG)/con_putc-64k.o: guests/bench/con_putc.S $(BENCH_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_ASFLAGS) -DLINES=1024 -c -o $@ $<
$(BBG)/fib-%.o: guests/bench/compute.c guests/bench/fib.h include/mkvm/abi.h
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -DFIB_N=$* -c -o $@ $<
$(BBG)/qemu/%.o: guests/bench/%.S $(BENCH_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_ASFLAGS) -DQEMU -c -o $@ $<
$(BBG)/%.o: guests/bench/%.S $(BENCH_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_ASFLAGS) -c -o $@ $<
$(BBG)/%.bin: $(BBG)/%.o $(B)/guests/linker.ld
	ld -m elf_i386 -nostdlib -T $(B)/guests/linker.ld -o $(@:.bin=.elf) $<
	objcopy -O binary $(@:.bin=.elf) $@
# QEMU: the flat guest inside a 64 KiB -bios image (guests/bench/qemu-rom.S).
$(BBG)/qemu/%.rom: $(BBG)/qemu/%.bin guests/bench/qemu-rom.S
	$(CC) -m32 -nostdinc -DPAYLOAD='"$<"' -c -o $(@:.rom=.rom.o) guests/bench/qemu-rom.S
	ld -m elf_i386 -nostdlib -Ttext=0 -e _start -o $(@:.rom=.rom.elf) $(@:.rom=.rom.o)
	objcopy -O binary $(@:.rom=.rom.elf) $@

# C kernels: $(KCFLAGS), $(RT_OBJS) and low.ld from the Makefile (C_KERNELS).
$(BBG)/%.ko: guests/bench/%.c guests/pc/rt/rt.h include/mkvm/abi.h
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c -o $@ $<
$(BENCH_KERNELS:%=$(BBG)/%.elf): $(BBG)/%.elf: $(BBG)/%.ko $(RT_OBJS) $(B)/guests/pc/low.ld
	ld -m elf_i386 -nostdlib -T $(B)/guests/pc/low.ld -o $@ $(RT_OBJS) $<
