/* SPDX-License-Identifier: MIT */
/*
 * fuzz_cli: parse_size and cli_parse (src/core/cli.c).
 *
 * parse_size gets the whole input as a string and is checked against an
 * independent model of the documented grammar (digits, an optional K/M/G/T
 * with an optional "B"/"iB", no overflow).  cli_parse gets argv from the
 * input split at NUL bytes (argv[0] = "mini-kvm"); messages go to
 * /dev/null; a CLI_RUN result must hold options within their limits.
 */
#include <ctype.h>
#include <strings.h>

#include "fuzz.h"

#include "core/cli.h"
#include "mkvm/abi.h"

#define MAX_ARGS 64

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet_stdout();
	devnull = fopen("/dev/null", "w");
	return 0;
}

/* The grammar of docs/cli.md, written independently of parse_size. */
static int model_size(const char *s, uint64_t *out)
{
	unsigned __int128 v = 0;
	unsigned shift = 0;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -1;
	while (isdigit((unsigned char)*p)) {
		v = v * 10 + (unsigned)(*p++ - '0');
		if (v > UINT64_MAX)
			return -1;
	}
	switch (*p) {
	case 'k':
	case 'K':
		shift = 10;
		p++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		p++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		p++;
		break;
	case 't':
	case 'T':
		shift = 40;
		p++;
		break;
	default: break;
	}
	if (shift && (strcasecmp(p, "b") == 0 || strcasecmp(p, "ib") == 0))
		p += strlen(p);
	if (*p)
		return -1;
	v <<= shift;
	if (v > UINT64_MAX)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	char *argv[MAX_ARGS + 2];
	int argc = 0;
	uint64_t got = 0, want = 0;
	int rg, rw;
	struct options o;
	enum cli_result res;

	memcpy(buf, data, size);
	buf[size] = '\0';

	rg = parse_size(buf, &got);
	rw = model_size(buf, &want);
	FUZZ_CHECK(rg == rw, "parse_size(\"%.40s\") = %d, model %d", buf, rg, rw);
	FUZZ_CHECK(rg || got == want, "parse_size(\"%.40s\") = %llu, model %llu", buf,
		   (unsigned long long)got, (unsigned long long)want);
	FUZZ_CHECK(parse_size(NULL, &got) == -1, "parse_size(NULL)");

	argv[argc++] = "mini-kvm";
	for (char *p = buf; p < buf + size && argc < MAX_ARGS + 1; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	res = cli_parse(argc, argv, &o, devnull, devnull);
	FUZZ_CHECK(res == CLI_RUN || res == CLI_EXIT || res == CLI_ERROR, "result %d", res);
	if (res == CLI_RUN) {
		FUZZ_CHECK(o.nimages >= 1 && o.nimages < argc, "nimages %d", o.nimages);
		FUZZ_CHECK(o.images >= argv + 1 && o.images + o.nimages == argv + argc,
			   "images outside argv");
		FUZZ_CHECK(o.mem_size >= GUEST_MEM_MIN && o.mem_size <= GUEST_MEM_MAX, "mem %llu",
			   (unsigned long long)o.mem_size);
		FUZZ_CHECK(o.cpus >= 1 && o.cpus <= CLI_MAX_CPUS, "cpus %u", o.cpus);
		FUZZ_CHECK(o.mode >= -1 && o.mode <= 3, "mode %d", o.mode);
		FUZZ_CHECK(o.ninitrd >= 0 && o.ninitrd <= 16, "ninitrd %d", o.ninitrd);
		FUZZ_CHECK(o.timeout >= 0 && o.timeout <= 1e7, "timeout %g", o.timeout);
	}
	free(buf);
	return 0;
}
