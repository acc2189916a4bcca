/* SPDX-License-Identifier: MIT */
/* printf and the string functions, linked into the kernel and every program. */
#include "common.h"

static void print_number(uint32_t v, unsigned base, int width, char pad)
{
	char digits[12];
	int n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (width-- > n)
		putchar(pad);
	while (n)
		putchar(digits[--n]);
}

/* %d %u %x %s %c %%, with an optional width ("%3d", "%08x", "%-10s"). */
void printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		char pad = ' ';
		bool left = false;
		int width = 0;

		if (*fmt != '%') {
			putchar(*fmt);
			continue;
		}
		fmt++;
		if (*fmt == '-')
			left = *fmt++ == '-';
		if (*fmt == '0')
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		switch (*fmt) {
		case 'd': {
			int v = va_arg(ap, int);
			if (v < 0) {
				putchar('-');
				width--;
			}
			print_number(v < 0 ? -(uint32_t)v : (uint32_t)v, 10, width, pad);
			break;
		}
		case 'u': print_number(va_arg(ap, uint32_t), 10, width, pad); break;
		case 'x': print_number(va_arg(ap, uint32_t), 16, width, pad); break;
		case 'c': putchar((char)va_arg(ap, int)); break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			width -= (int)strlen(s);
			while (!left && width-- > 0)
				putchar(' ');
			for (; *s; s++)
				putchar(*s);
			while (left && width-- > 0)
				putchar(' ');
			break;
		}
		case '\0': fmt--; break;
		default: putchar(*fmt); break;
		}
	}
	va_end(ap);
}

void *memset(void *buf, int c, size_t n)
{
	uint8_t *p = buf;

	while (n--)
		*p++ = (uint8_t)c;
	return buf;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *(const unsigned char *)a - *(const unsigned char *)b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++)
		if (*a != *b || !*a)
			return *(const unsigned char *)a - *(const unsigned char *)b;
	return 0;
}

char *strcpy_s(char *dst, const char *src, size_t size)
{
	size_t i = 0;

	for (; i + 1 < size && src[i]; i++)
		dst[i] = src[i];
	dst[i] = '\0';
	return dst;
}
