/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output lines formatted by hand, in place or into a local buffer: a dump
 * can be a line per page, and vsnprintf() per field would be most of its
 * cost. Each helper writes at @p and returns the end; it may write up to
 * PUT_SLACK bytes past that end (digits are stored eight at a time), so
 * the caller sizes the buffer for the longest line plus PUT_SLACK.
 */
#ifndef PTWALK_LINEFMT_H
#define PTWALK_LINEFMT_H

#include <linux/bitops.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/types.h>
#include <asm/byteorder.h>

#define PUT_SLACK	16

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

/* Eight bytes at @p, most significant first (one unaligned store). */
static inline void put_be64(char *p, u64 v)
{
	__be64 b = cpu_to_be64(v);

	memcpy(p, &b, sizeof(b));
}

/*
 * The eight hex digits of @x in ASCII, the last one in the lowest byte,
 * without a table or a loop: each nibble is spread into a byte of its own,
 * and '0' is added to each byte, plus 'a' - '0' - 10 where it is >= 10.
 */
static inline u64 hex8(u32 x)
{
	u64 v = x, ten;

	v = (v | v << 16) & 0x0000ffff0000ffffULL;
	v = (v | v << 8) & 0x00ff00ff00ff00ffULL;
	v = (v | v << 4) & 0x0f0f0f0f0f0f0f0fULL;
	ten = ((v + 0x0606060606060606ULL) >> 4) & 0x0101010101010101ULL;
	return v + 0x3030303030303030ULL + ten * ('a' - '0' - 10);
}

/*
 * @v in lower-case hex, at least @width digits (zero-padded, at most 16),
 * no 0x. The digits are shifted to the top of a u64 and stored eight at a
 * time, first digit first; what lies past the end is slack.
 */
static inline char *put_hex_pad(char *p, u64 v, int width)
{
	int n = v ? (fls64(v) + 3) / 4 : 1;

	if (n < width)
		n = width;
	v <<= 4 * (16 - n);
	put_be64(p, hex8(v >> 32));
	if (n > 8)
		put_be64(p + 8, hex8((u32)v));
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
	unsigned long t = v;
	char *q;
	int n = 1;

	while (t >= 10) {
		t /= 10;
		n++;
	}
	q = p + n;
	do {
		*--q = '0' + v % 10;
		v /= 10;
	} while (v);
	return p + n;
}

#endif /* PTWALK_LINEFMT_H */
