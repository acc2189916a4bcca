# Fuzzing (docs/fuzzing.md): one libFuzzer target per guest-facing parser or
# device model, tests/fuzz/fuzz_<target>.c, seeds in tests/fuzz/corpus/<target>/.
# Included from the Makefile; uses its B, LIB_OBJS and LDLIBS.
#
#   make fuzz                 every target for FUZZ_SECONDS (default 30) each
#   make fuzz-quick           every target for FUZZ_RUNS executions from the seeds
#   make fuzz FUZZ_TARGETS="elf multiboot" FUZZ_SECONDS=300
#   make fuzz-build / fuzz-clean
#
# The VMM sources are compiled again with clang and the fuzzer's coverage
# instrumentation plus ASan and UBSan into build/fuzz/obj/, and archived, so
# each target links only the objects it uses.  Every target links with
# -Wl,--wrap=ioctl: the fake KVM in tests/fuzz/fuzz.h.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 30
FUZZ_RUNS    ?= 5000
FUZZ_B       := $(B)/fuzz
FUZZ_CFLAGS  := -g -O1 -std=c11 -D_GNU_SOURCE -Iinclude -Isrc -I$(B)/gen -fno-omit-frame-pointer \
		-fno-sanitize-recover=all -Wall -Wextra
FUZZ_SAN     := address,undefined
FUZZ_SRCS    := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_ALL     := $(FUZZ_SRCS:tests/fuzz/fuzz_%.c=%)
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(FUZZ_B)/fuzz_%)
FUZZ_OBJS    := $(LIB_OBJS:$(B)/%.o=$(FUZZ_B)/obj/%.o)
FUZZ_LIB     := $(FUZZ_B)/libmkvm-fuzz.a

.PHONY: fuzz fuzz-quick fuzz-build fuzz-clean

$(FUZZ_B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,$(FUZZ_SAN) -MMD -MP -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_B)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h tests/fuzz/fuzz_loader.h $(FUZZ_LIB)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer,$(FUZZ_SAN) -Wl,--wrap=ioctl -o $@ $< \
		$(FUZZ_LIB) $(LDLIBS)

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@tools/run-fuzz --seconds $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-quick: fuzz-build
	@tools/run-fuzz --runs $(FUZZ_RUNS) $(FUZZ_TARGETS)

fuzz-clean:
	rm -rf $(FUZZ_B)
