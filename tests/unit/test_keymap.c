/* SPDX-License-Identifier: MIT */
/* Unit tests for src/devices/keymap.c: terminal bytes -> scancode set 1. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/vm.h"
#include "devices/keymap.h"
#include "devices/devices.h"

/* Translates a string (whole, then flushed) and compares the scancodes. */
static void check_codes(const char *in, size_t inlen, const uint8_t *want, size_t n)
{
	uint8_t out[256];
	size_t got = keymap_translate((const uint8_t *)in, inlen, out, sizeof(out));

	assert_int_equal(got, n);
	if (n)
		assert_memory_equal(out, want, n);
}

#define CHECK(in, ...)                                                                             \
	do {                                                                                       \
		static const uint8_t want_[] = {__VA_ARGS__};                                      \
		check_codes(in, sizeof(in) - 1, want_, sizeof(want_));                             \
	} while (0)
#define CHECK_NONE(in) check_codes(in, sizeof(in) - 1, NULL, 0)

static void test_letters_digits(void **state)
{
	(void)state;
	CHECK("a", 0x1e, 0x9e);
	CHECK("z", 0x2c, 0xac);
	CHECK("q", 0x10, 0x90);
	CHECK("A", 0x2a, 0x1e, 0x9e, 0xaa);
	CHECK("Q", 0x2a, 0x10, 0x90, 0xaa);
	CHECK("1", 0x02, 0x82);
	CHECK("0", 0x0b, 0x8b);
	CHECK(" ", 0x39, 0xb9);
	CHECK("ab", 0x1e, 0x9e, 0x30, 0xb0);
}

static void test_punctuation(void **state)
{
	(void)state;
	CHECK("!", 0x2a, 0x02, 0x82, 0xaa);
	CHECK("@", 0x2a, 0x03, 0x83, 0xaa);
	CHECK(")", 0x2a, 0x0b, 0x8b, 0xaa);
	CHECK("-", 0x0c, 0x8c);
	CHECK("_", 0x2a, 0x0c, 0x8c, 0xaa);
	CHECK("=", 0x0d, 0x8d);
	CHECK("+", 0x2a, 0x0d, 0x8d, 0xaa);
	CHECK(";", 0x27, 0xa7);
	CHECK(":", 0x2a, 0x27, 0xa7, 0xaa);
	CHECK("'", 0x28, 0xa8);
	CHECK("\"", 0x2a, 0x28, 0xa8, 0xaa);
	CHECK("/", 0x35, 0xb5);
	CHECK("?", 0x2a, 0x35, 0xb5, 0xaa);
	CHECK("`", 0x29, 0xa9);
	CHECK("~", 0x2a, 0x29, 0xa9, 0xaa);
	CHECK("\\", 0x2b, 0xab);
	CHECK("|", 0x2a, 0x2b, 0xab, 0xaa);
	CHECK("[", 0x1a, 0x9a);
	CHECK("}", 0x2a, 0x1b, 0x9b, 0xaa);
}

static void test_control_keys(void **state)
{
	(void)state;
	CHECK("\r", 0x1c, 0x9c);
	CHECK("\n", 0x1c, 0x9c);
	CHECK("\x7f", 0x0e, 0x8e);
	CHECK("\b", 0x0e, 0x8e);
	CHECK("\t", 0x0f, 0x8f);
	CHECK("\x03", 0x1d, 0x2e, 0xae, 0x9d); /* Ctrl-C */
	CHECK("\x01", 0x1d, 0x1e, 0x9e, 0x9d); /* Ctrl-A */
	CHECK("\x1a", 0x1d, 0x2c, 0xac, 0x9d); /* Ctrl-Z */
	CHECK("\x04", 0x1d, 0x20, 0xa0, 0x9d); /* Ctrl-D */
	CHECK("\x1c", 0x1d, 0x2b, 0xab, 0x9d); /* Ctrl-\ */
	check_codes("\0", 1, (const uint8_t[]){0x1d, 0x39, 0xb9, 0x9d}, 4);
}

static void test_escape_sequences(void **state)
{
	(void)state;
	CHECK("\x1b", 0x01, 0x81); /* alone, flushed */
	CHECK("\x1b[A", 0xe0, 0x48, 0xe0, 0xc8);
	CHECK("\x1b[B", 0xe0, 0x50, 0xe0, 0xd0);
	CHECK("\x1b[C", 0xe0, 0x4d, 0xe0, 0xcd);
	CHECK("\x1b[D", 0xe0, 0x4b, 0xe0, 0xcb);
	CHECK("\x1bOA", 0xe0, 0x48, 0xe0, 0xc8); /* application cursor mode */
	CHECK("\x1b[H", 0xe0, 0x47, 0xe0, 0xc7);
	CHECK("\x1b[F", 0xe0, 0x4f, 0xe0, 0xcf);
	CHECK("\x1b[1~", 0xe0, 0x47, 0xe0, 0xc7);
	CHECK("\x1b[4~", 0xe0, 0x4f, 0xe0, 0xcf);
	CHECK("\x1b[3~", 0xe0, 0x53, 0xe0, 0xd3);
	CHECK("\x1b[2~", 0xe0, 0x52, 0xe0, 0xd2);
	CHECK("\x1b[5~", 0xe0, 0x49, 0xe0, 0xc9);
	CHECK("\x1b[6~", 0xe0, 0x51, 0xe0, 0xd1);
	CHECK("\x1bOP", 0x3b, 0xbb);		 /* F1 */
	CHECK("\x1b[15~", 0x3f, 0xbf);		 /* F5 */
	CHECK("\x1b[24~", 0x58, 0xd8);		 /* F12 */
	CHECK("\x1b[[A", 0x3b, 0xbb);		 /* F1, Linux console */
	CHECK("\x1b[Z", 0x2a, 0x0f, 0x8f, 0xaa); /* Shift-Tab */
	/* xterm modifiers: Ctrl-Up, Shift-Right, Ctrl-Alt-Delete */
	CHECK("\x1b[1;5A", 0x1d, 0xe0, 0x48, 0xe0, 0xc8, 0x9d);
	CHECK("\x1b[1;2C", 0x2a, 0xe0, 0x4d, 0xe0, 0xcd, 0xaa);
	CHECK("\x1b[3;7~", 0x1d, 0x38, 0xe0, 0x53, 0xe0, 0xd3, 0xb8, 0x9d);
}

static void test_esc_then_key(void **state)
{
	(void)state;
	/* ESC then a byte that starts no sequence: Esc, then that key. */
	CHECK("\x1bx", 0x01, 0x81, 0x2d, 0xad);
	CHECK("\x1b\x1b", 0x01, 0x81, 0x01, 0x81);
	CHECK("\x1b\x1b[A", 0x01, 0x81, 0xe0, 0x48, 0xe0, 0xc8);
	CHECK("\x1b"
	      "A",
	      0x01, 0x81, 0x2a, 0x1e, 0x9e, 0xaa);
	CHECK("\x1b\r", 0x01, 0x81, 0x1c, 0x9c);
}

static void test_unknown_dropped(void **state)
{
	(void)state;
	CHECK_NONE("\x1b[99~");		  /* unknown key number */
	CHECK_NONE("\x1b[?1A");		  /* private marker */
	CHECK_NONE("\x1b[1;2;3A");	  /* too many parameters */
	CHECK_NONE("\x1b[123456789012A"); /* overlong */
	CHECK_NONE("\x1b[1;99A");	  /* modifier out of range */
	CHECK_NONE("\x1b[ q");		  /* intermediate byte: not a key */
	CHECK_NONE("\x1b[1");		  /* unfinished at the end: dropped */
	CHECK_NONE("\xc3\xa9");		  /* UTF-8 é: not a key */
	CHECK("\x1b[1;5Xa", 0x1e, 0x9e);  /* unknown final, then a key */
	/* A control byte inside a sequence drops it and counts on its own. */
	CHECK("\x1b[1\r", 0x1c, 0x9c);
	CHECK("\x1b[\x1b[A", 0xe0, 0x48, 0xe0, 0xc8);
}

/* Bytes split across reads: the decoder keeps its state between calls. */
static void test_split_feed(void **state)
{
	struct keymap k;
	uint8_t out[KEYMAP_MAX_CODES];

	(void)state;
	keymap_init(&k);
	assert_int_equal(keymap_feed(&k, 0x1b, out), 0);
	assert_true(keymap_pending(&k));
	assert_true(keymap_lone_esc(&k));
	assert_int_equal(keymap_feed(&k, '[', out), 0);
	assert_true(keymap_pending(&k));
	assert_false(keymap_lone_esc(&k));
	assert_int_equal(keymap_feed(&k, '3', out), 0);
	assert_int_equal(keymap_feed(&k, '~', out), 4);
	assert_memory_equal(out, ((const uint8_t[]){0xe0, 0x53, 0xe0, 0xd3}), 4);
	assert_false(keymap_pending(&k));

	/* A flush ends a lone ESC as Esc, and an unfinished sequence as nothing. */
	assert_int_equal(keymap_feed(&k, 0x1b, out), 0);
	assert_int_equal(keymap_flush(&k, out), 2);
	assert_memory_equal(out, ((const uint8_t[]){0x01, 0x81}), 2);
	assert_int_equal(keymap_flush(&k, out), 0);
	keymap_feed(&k, 0x1b, out);
	keymap_feed(&k, '[', out);
	assert_int_equal(keymap_flush(&k, out), 0);
	assert_false(keymap_pending(&k));
	assert_int_equal(keymap_feed(&k, 'a', out), 2);
}

/* The sequence the e2e test types, in one piece. */
static void test_script(void **state)
{
	(void)state;
	CHECK("aA\x7f\x03\x1b[A\x1b[D\x1b[3~q", 0x1e, 0x9e, 0x2a, 0x1e, 0x9e, 0xaa, 0x0e, 0x8e,
	      0x1d, 0x2e, 0xae, 0x9d, 0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0x4b, 0xe0, 0xcb, 0xe0, 0x53,
	      0xe0, 0xd3, 0x10, 0x90);
}

/* No byte and no sequence produces more than KEYMAP_MAX_CODES, and every
 * make code has its break. */
static void test_bounds_all_bytes(void **state)
{
	struct keymap k;
	uint8_t out[KEYMAP_MAX_CODES * 2];

	(void)state;
	for (unsigned first = 0; first < 256; first++) {
		for (unsigned second = 0; second < 256; second++) {
			size_t n;
			keymap_init(&k);
			n = keymap_feed(&k, (uint8_t)first, out);
			assert_true(n <= KEYMAP_MAX_CODES);
			n = keymap_feed(&k, (uint8_t)second, out);
			assert_true(n <= KEYMAP_MAX_CODES);
			n = keymap_flush(&k, out);
			assert_true(n <= KEYMAP_MAX_CODES);
		}
	}
	/* The longest: ESC, then Ctrl-Alt-Shift + an extended key. */
	keymap_init(&k);
	for (const char *p = "\x1b[1;8A"; *p; p++)
		assert_true(keymap_feed(&k, (uint8_t)*p, out) <= KEYMAP_MAX_CODES);
	/* Truncation in keymap_translate: the count is still the whole. */
	assert_int_equal(keymap_translate((const uint8_t *)"AB", 2, out, 3), 8);
}

/* ---- the controller (src/devices/i8042.c) on a VM without KVM ---------- */

static struct vm *fake_vm(void)
{
	struct vm *vm = calloc(1, sizeof(*vm));

	assert_non_null(vm);
	vm->name = "test";
	vm->fd = -1; /* KVM_IRQ_LINE fails: the VM ends, the device keeps going */
	vm->host = &vm_kvm_host;
	assert_int_equal(vm_add_device(vm, &i8042_device), 0);
	return vm;
}

static void free_vm(struct vm *vm)
{
	vm_free_devices(vm);
	free(vm);
}

static uint8_t io(struct vm *vm, uint16_t port, bool write, uint8_t v)
{
	uint8_t d[4] = {v};
	struct io_access a = {.addr = port, .data = d, .size = 1, .is_write = write};

	assert_int_equal(bus_dispatch(&vm->pio, &a), IO_DONE);
	return d[0];
}

static void test_i8042_protocol(void **state)
{
	struct vm *vm = fake_vm();
	uint8_t d[1] = {0xfe};
	struct io_access a = {.addr = 0x64, .data = d, .size = 1, .is_write = true};

	(void)state;
	/* Nothing to read; system flag set, keyboard unlocked. */
	assert_int_equal(io(vm, 0x64, false, 0), 0x14);
	/* IRQs off first: KVM_IRQ_LINE would end this fake VM. */
	io(vm, 0x64, true, 0x60);
	assert_int_equal(io(vm, 0x64, false, 0) & 0x08, 0x08); /* last write: command */
	io(vm, 0x60, true, 0x44);
	io(vm, 0x64, true, 0x20);
	assert_int_equal(io(vm, 0x64, false, 0) & 0x01, 1);
	assert_int_equal(io(vm, 0x60, false, 0), 0x44);
	io(vm, 0x64, true, 0xaa);
	assert_int_equal(io(vm, 0x60, false, 0), 0x55);
	io(vm, 0x64, true, 0xab);
	assert_int_equal(io(vm, 0x60, false, 0), 0x00);
	io(vm, 0x64, true, 0xd2); /* echo through the output buffer */
	io(vm, 0x60, true, 0x5a);
	assert_int_equal(io(vm, 0x60, false, 0), 0x5a);
	io(vm, 0x64, true, 0xd3); /* as if from the aux port: status bit 5 */
	io(vm, 0x60, true, 0x33);
	assert_int_equal(io(vm, 0x64, false, 0) & 0x21, 0x21);
	assert_int_equal(io(vm, 0x60, false, 0), 0x33);
	io(vm, 0x60, true, 0xf2); /* identify, translation on */
	assert_int_equal(io(vm, 0x60, false, 0), 0xfa);
	assert_int_equal(io(vm, 0x60, false, 0), 0xab);
	assert_int_equal(io(vm, 0x60, false, 0), 0x41);
	assert_int_equal(io(vm, 0x60, false, 0), 0x41); /* empty: the last byte again */
	io(vm, 0x60, true, 0xff);
	assert_int_equal(io(vm, 0x60, false, 0), 0xfa);
	assert_int_equal(io(vm, 0x60, false, 0), 0xaa);
	io(vm, 0x60, true, 0xed); /* LEDs + data */
	io(vm, 0x60, true, 0x07);
	assert_int_equal(io(vm, 0x60, false, 0), 0xfa);
	assert_int_equal(io(vm, 0x60, false, 0), 0xfa);
	assert_false(vm_over(vm));
	/* 0xFE pulses the reset line: the run ends with status 0. */
	assert_int_equal(bus_dispatch(&vm->pio, &a), IO_STOP);
	assert_true(vm_over(vm));
	assert_int_equal(vm->status, 0);
	assert_string_equal(vm->reason, "guest reset the machine (i8042 command 0xFE)");
	free_vm(vm);
}

/* Every value at every width to both ports, in random order: no crash,
 * no sanitizer report, and the controller still answers afterwards. */
static void test_i8042_garbage(void **state)
{
	struct vm *vm = fake_vm();

	(void)state;
	srand(42);
	for (int i = 0; i < 300000; i++) {
		uint8_t d[4] = {(uint8_t)rand(), (uint8_t)rand(), (uint8_t)rand(), (uint8_t)rand()};
		struct io_access a = {
			.addr = (rand() & 1) ? 0x60 : 0x64,
			.data = d,
			.size = 1u << (rand() % 3),
			.is_write = rand() & 1,
		};
		bus_dispatch(&vm->pio, &a);
	}
	/* Drain, then the self-test still works. */
	for (int i = 0; i < 64 && (io(vm, 0x64, false, 0) & 1); i++)
		io(vm, 0x60, false, 0);
	assert_int_equal(io(vm, 0x64, false, 0) & 1, 0);
	io(vm, 0x64, true, 0xaa);
	assert_int_equal(io(vm, 0x60, false, 0), 0x55);
	free_vm(vm);
}

/* Save, load into a fresh controller, save again: the same bytes, and
 * both answer alike; records no guest could have produced are refused. */
static void test_i8042_state(void **state)
{
	struct vm *a = fake_vm(), *b = fake_vm();
	void *ka = a->devs[0].dev, *kb = b->devs[0].dev;
	uint8_t s1[512], s2[512];
	struct state_w w1 = {.buf = s1, .cap = sizeof(s1)}, w2 = {.buf = s2, .cap = sizeof(s2)};
	struct state_r r;

	(void)state;
	io(a, 0x64, true, 0x60); /* command byte: IRQs off, translation off */
	io(a, 0x60, true, 0x00);
	io(a, 0x64, true, 0xaa); /* replies queued: 0x55, then identify */
	io(a, 0x60, true, 0xf2);
	io(a, 0x60, true, 0xf0); /* the keyboard waits for a scancode set */
	assert_int_equal(i8042_device.save(ka, &w1), 0);
	r = (struct state_r){.buf = s1, .len = w1.len};
	assert_int_equal(i8042_device.load(kb, &r), 0);
	assert_int_equal(r.pos, w1.len);
	assert_int_equal(i8042_device.save(kb, &w2), 0);
	assert_int_equal(w1.len, w2.len);
	assert_memory_equal(s1, s2, w1.len);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(io(a, 0x64, false, 0), io(b, 0x64, false, 0));
		assert_int_equal(io(a, 0x60, false, 0), io(b, 0x60, false, 0));
	}
	io(b, 0x60, true, 0x03); /* the pending 0xf0 takes its data byte */
	io(b, 0x60, true, 0xf0);
	io(b, 0x60, true, 0x00); /* ...0: which set? */
	for (int i = 0; i < 3; i++)
		assert_int_equal(io(b, 0x60, false, 0), 0xfa);
	assert_int_equal(io(b, 0x60, false, 0), 0x03); /* untranslated */
	/* Scancode set 4 and an impossible pending command are refused. */
	s1[10 + 32 + 6] = 4;
	r = (struct state_r){.buf = s1, .len = w1.len};
	assert_int_equal(i8042_device.load(kb, &r), -1);
	s1[10 + 32 + 6] = 2;
	s1[10 + 32 + 1] = 0x20;
	r = (struct state_r){.buf = s1, .len = w1.len};
	assert_int_equal(i8042_device.load(kb, &r), -1);
	r = (struct state_r){.buf = s2, .len = w2.len - 1};
	assert_int_equal(i8042_device.load(kb, &r), -1);
	i8042_device.reset(kb);
	assert_int_equal(io(b, 0x64, false, 0), 0x14); /* as after power-on */
	free_vm(a);
	free_vm(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_letters_digits),	 cmocka_unit_test(test_punctuation),
		cmocka_unit_test(test_control_keys),	 cmocka_unit_test(test_escape_sequences),
		cmocka_unit_test(test_esc_then_key),	 cmocka_unit_test(test_unknown_dropped),
		cmocka_unit_test(test_split_feed),	 cmocka_unit_test(test_script),
		cmocka_unit_test(test_bounds_all_bytes), cmocka_unit_test(test_i8042_protocol),
		cmocka_unit_test(test_i8042_garbage),	 cmocka_unit_test(test_i8042_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
