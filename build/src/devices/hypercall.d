build/src/devices/hypercall.o: src/devices/hypercall.c \
 src/devices/hypercall.h src/core/vm.h src/core/bus.h src/core/console.h \
 src/core/guest_mem.h src/core/kvm.h src/core/stats.h include/mkvm/abi.h \
 src/core/input.h
src/devices/hypercall.h:
src/core/vm.h:
src/core/bus.h:
src/core/console.h:
src/core/guest_mem.h:
src/core/kvm.h:
src/core/stats.h:
include/mkvm/abi.h:
src/core/input.h:
