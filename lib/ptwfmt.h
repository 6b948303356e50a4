/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading the /proc/ptwalk formats (include/ptwalk/format.h): the one
 * tokenizer of the tool and the tests. A line is "TAG key=value ..."; the
 * first line of a file is "ptwalk-NAME VERSION".
 */
#ifndef PTWALK_PTWFMT_H
#define PTWALK_PTWFMT_H

#include <stdbool.h>
#include <stddef.h>

#include <ptwalk/format.h>

#define PTW_MAX_FIELDS	48

/* One line, split in place: the tag and its fields in order. */
struct ptw_line {
	char *tag;
	int n;
	char *key[PTW_MAX_FIELDS];
	char *val[PTW_MAX_FIELDS];
};

/*
 * Split @line (one line, no newline) in place. Returns 0, or -1 when it is
 * empty, a word is not key=value, a key or a value is empty, or there are
 * more than PTW_MAX_FIELDS fields. Values are left escaped: see
 * ptw_unescape().
 */
int ptw_tokenize(char *line, struct ptw_line *l);
/* The value of @key, or NULL. */
const char *ptw_get(const struct ptw_line *l, const char *key);
/* @key's value as a number (ptw_num()); -1 if absent or not a number. */
int ptw_get_num(const struct ptw_line *l, const char *key, unsigned long long *v);
/* @key's value copied whole into @out; -1 if absent or too long. */
int ptw_get_str(const struct ptw_line *l, const char *key, char *out, size_t size);
/* The next line of *@rest (NUL-terminated in place), or NULL at the end. */
char *ptw_next_line(char **rest);

/* A number as the module writes it: decimal, or hex with 0x. 0 or -1. */
int ptw_num(const char *s, unsigned long long *v);
/* "START-END", each a number as above. 0 or -1. */
int ptw_range(const char *s, unsigned long long *start, unsigned long long *end);
/* Undo the \ooo escapes of a string value, in place. */
void ptw_unescape(char *s);
/* Is @flag one of the comma-separated @flags? */
bool ptw_has_flag(const char *flags, const char *flag);

/* The version this build reads for file @name, or -1 if it knows no such file. */
int ptw_format_version(const char *name);

enum ptw_header {
	PTW_HEADER_OK,
	PTW_HEADER_EMPTY,	/* no complete first line */
	PTW_HEADER_OTHER,	/* not "ptwalk-NAME N" for this NAME */
	PTW_HEADER_VERSION,	/* another version: *got holds it */
};

/*
 * Check that @text starts with the header this build knows for @name. On
 * PTW_HEADER_OK, *@body points past the header line.
 */
enum ptw_header ptw_header(const char *text, const char *name, int *got,
			   const char **body);
/*
 * The message for a header that is not PTW_HEADER_OK: which version the
 * module printed, which this build reads, and which module release prints
 * it (@module_version: what the module says of itself, or NULL).
 */
void ptw_header_message(char *buf, size_t size, const char *name,
			enum ptw_header h, int got, const char *module_version);

/*
 * The first line of @text tagged @tag that has @key: its value, unescaped,
 * into @out. For readers that want one value (the tests, the tool's info).
 */
bool ptw_find(const char *text, const char *tag, const char *key, char *out,
	      size_t size);

/* A line tag of a file (PTW_TAGS in include/ptwalk/format.h). */
struct ptw_tag {
	const char *file, *tag;
	const char *parent;	/* the tag of the line it belongs to, or NULL */
	int many;		/* may repeat: a JSON array */
};

/* @file's entry for @tag, or NULL if the format has no such tag. */
const struct ptw_tag *ptw_tag_find(const char *file, const char *tag);
/* The tags of all files, in order, ending with a NULL file. */
extern const struct ptw_tag ptw_tags[];
/* Is @key's value a comma-separated list (PTW_LIST_KEYS)? */
bool ptw_list_key(const char *key);
/* Is @key's value free text, a string whatever it looks like (PTW_TEXT_KEYS)? */
bool ptw_text_key(const char *key);

extern const char *const ptw_flag_names[PTWF_NR];
extern const char *const ptw_cache_names[PTWC_NR];
extern const char *const ptw_np_names[PTWNP_NR];
extern const char *const ptw_region_names[PTWR_NR_IDS];

#endif /* PTWALK_PTWFMT_H */
