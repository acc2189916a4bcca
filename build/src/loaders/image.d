build/src/loaders/image.o: src/loaders/image.c src/loaders/image.h \
 src/core/guest_mem.h include/mkvm/abi.h
src/loaders/image.h:
src/core/guest_mem.h:
include/mkvm/abi.h:
