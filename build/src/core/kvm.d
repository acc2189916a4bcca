build/src/core/kvm.o: src/core/kvm.c src/core/kvm.h
src/core/kvm.h:
