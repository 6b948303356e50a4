/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XML well-formedness, enough for the tool's SVGs: one root element,
 * balanced and properly nested tags, quoted attributes, known entities,
 * no raw '<' or '&' in text, no control characters.
 */
#ifndef PTWALK_TEST_XMLCHECK_H
#define PTWALK_TEST_XMLCHECK_H

#include <stddef.h>

/* 0 if well-formed; else -1 with a reason in @why. */
int xml_check(const char *text, char *why, size_t whysz);

#endif /* PTWALK_TEST_XMLCHECK_H */
