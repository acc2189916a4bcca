/* SPDX-License-Identifier: MIT */
/* Shared by the loader targets: 16 MiB of guest memory (the default --mem)
 * from malloc, and canaries in the ranges no loader may write. */
#ifndef MKVM_FUZZ_LOADER_H
#define MKVM_FUZZ_LOADER_H

#include "fuzz.h"
#include "loaders/boot.h"
#include "mkvm/abi.h"

#define LOADER_MEM GUEST_MEM_DEFAULT
#define CANARY	   0xa5

static struct guest_mem lmem;

/* libFuzzer's start-up hook, the same for every loader target. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet_stdout();
	fuzz_mem_alloc(&lmem, LOADER_MEM);
	memset(lmem.host, CANARY, lmem.size);
	return 0;
}

/* Fills [start, end) with the canary. */
static inline void canary_set(uint64_t start, uint64_t end)
{
	memset(lmem.host + start, CANARY, end - start);
}

/* Aborts unless [start, end) still holds the canary. */
static inline void canary_check(uint64_t start, uint64_t end, const char *what)
{
	static uint8_t page[4096];

	if (!page[0])
		memset(page, CANARY, sizeof(page));
	for (uint64_t a = start; a < end; a += sizeof(page)) {
		uint64_t n = end - a < sizeof(page) ? end - a : sizeof(page);
		if (memcmp(lmem.host + a, page, n) == 0)
			continue;
		for (uint64_t i = a; i < a + n; i++)
			FUZZ_CHECK(lmem.host[i] == CANARY, "loader wrote 0x%llx in the %s",
				   (unsigned long long)i, what);
	}
}

/* The error message: one line, not empty, NUL-terminated in the buffer. */
static inline void check_err(const char *err, size_t errlen)
{
	size_t n = strnlen(err, errlen);

	FUZZ_CHECK(n > 0 && n < errlen, "error message empty or unterminated");
	FUZZ_CHECK(!memchr(err, '\n', n), "error message has a newline: %s", err);
}

#endif
