build/src/core/cli.o: src/core/cli.c src/core/cli.h include/mkvm/abi.h
src/core/cli.h:
include/mkvm/abi.h:
