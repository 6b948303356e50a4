/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output lines formatted by hand into a local buffer and appended with one
 * seq_write(): a dump can be a line per page, and vsnprintf() per field
 * would be most of its cost. Each helper writes at @p and returns the end;
 * the caller sizes the buffer for the longest line.
 */
#ifndef PTWALK_LINEFMT_H
#define PTWALK_LINEFMT_H

#include <linux/bitops.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/types.h>

static inline char *put_str(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	return p;
}

static inline char *put_mem(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

/* A string literal: a copy of known length, no loop. */
#define put_lit(p, lit)	put_mem(p, lit, sizeof(lit) - 1)

/* @v in lower-case hex, at least @width digits (zero-padded), no 0x. */
static inline char *put_hex_pad(char *p, u64 v, int width)
{
	int n = v ? (fls64(v) + 3) / 4 : 1;
	char *q;

	if (n < width)
		n = width;
	q = p + n;
	do {
		*--q = hex_asc[v & 0xf];
		v >>= 4;
	} while (q > p);
	return p + n;
}

/* "0x" and @v in lower-case hex, no leading zeros, as "0x%lx". */
static inline char *put_hex(char *p, u64 v)
{
	p = put_lit(p, "0x");
	return put_hex_pad(p, v, 1);
}

static inline char *put_dec(char *p, unsigned long v)
{
	char digits[20];
	int n = 0;

	do {
		digits[n++] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (n)
		*p++ = digits[--n];
	return p;
}

#endif /* PTWALK_LINEFMT_H */
