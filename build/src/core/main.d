build/src/core/main.o: src/core/main.c src/arch/x86/cpu.h src/core/cli.h \
 src/core/console.h src/devices/hypercall.h src/core/vm.h src/core/bus.h \
 src/core/guest_mem.h src/core/kvm.h src/core/stats.h include/mkvm/abi.h \
 src/core/input.h src/loaders/image.h src/core/guest_mem.h \
 src/core/vcpu.h src/core/vm.h
src/arch/x86/cpu.h:
src/core/cli.h:
src/core/console.h:
src/devices/hypercall.h:
src/core/vm.h:
src/core/bus.h:
src/core/guest_mem.h:
src/core/kvm.h:
src/core/stats.h:
include/mkvm/abi.h:
src/core/input.h:
src/loaders/image.h:
src/core/guest_mem.h:
src/core/vcpu.h:
src/core/vm.h:
