build/src/core/stats.o: src/core/stats.c src/core/stats.h \
 include/mkvm/abi.h
src/core/stats.h:
include/mkvm/abi.h:
