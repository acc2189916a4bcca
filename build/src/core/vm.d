build/src/core/vm.o: src/core/vm.c src/core/vm.h src/core/bus.h \
 src/core/console.h src/core/guest_mem.h src/core/kvm.h src/core/stats.h \
 include/mkvm/abi.h src/arch/x86/cpu.h src/core/input.h
src/core/vm.h:
src/core/bus.h:
src/core/console.h:
src/core/guest_mem.h:
src/core/kvm.h:
src/core/stats.h:
include/mkvm/abi.h:
src/arch/x86/cpu.h:
src/core/input.h:
