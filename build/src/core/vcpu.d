build/src/core/vcpu.o: src/core/vcpu.c src/core/vcpu.h src/core/vm.h \
 src/core/bus.h src/core/console.h src/core/guest_mem.h src/core/kvm.h \
 src/core/stats.h include/mkvm/abi.h
src/core/vcpu.h:
src/core/vm.h:
src/core/bus.h:
src/core/console.h:
src/core/guest_mem.h:
src/core/kvm.h:
src/core/stats.h:
include/mkvm/abi.h:
