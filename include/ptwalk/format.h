/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The /proc/ptwalk formats, defined once: the module prints from these
 * lists, the tool and the tests parse with them, docs/interface.md explains
 * them. Nothing here needs libc or kernel headers, so the module, the tool
 * and the tests include the same file.
 *
 * Each list is an enum and designated initialisers indexed by it, so a
 * user instantiates the table it needs: { PTW_FLAG_NAMES }. The flag masks
 * name the kernel's _PAGE_* bits; userspace never expands them.
 *
 * Every line but the first is "TAG key=value ...": a tag, then fields.
 * Keys are [A-Za-z0-9_], values are never empty and hold no space, tab,
 * newline or backslash: those are written \ooo (octal, as /proc/PID/maps
 * escapes names). The first line, "ptwalk-NAME VERSION", names the file's
 * format and stays in this shape in every version, so that any tool can
 * tell which version it was given.
 */
#ifndef PTWALK_FORMAT_H
#define PTWALK_FORMAT_H

/*
 * The release: MODULE_VERSION, the versions below are the ones it prints.
 * Its one home: dkms.conf and debian/rules read it from this line.
 */
#define PTWALK_VERSION "0.2.0"

#define PTW_STR_(x)	#x
#define PTW_STR(x)	PTW_STR_(x)

/* Each /proc/ptwalk file's format version. */
#define PTW_VERSION_info	3
#define PTW_VERSION_maps	2
#define PTW_VERSION_walk	2
#define PTW_VERSION_whatis	2
#define PTW_VERSION_alloc	3
#define PTW_VERSION_kernel	2
#define PTW_VERSION_sharing	2
#define PTW_VERSION_tables	2
#define PTW_VERSION_trace	3

/*
 * trace: a read() waits this long, from a fault's start, for the fault
 * to end before it hands the fault (and every later record) out
 * (docs/interface.md, "Faults"). A reader that merges several trace
 * files by time may print a record only once it is older than this.
 */
#define PTW_TRACE_HOLD_MS	500

enum ptw_file_id {
	PTW_FILE_INFO,
	PTW_FILE_MAPS,
	PTW_FILE_WALK,
	PTW_FILE_WHATIS,
	PTW_FILE_ALLOC,
	PTW_FILE_KERNEL,
	PTW_FILE_SHARING,
	PTW_FILE_TABLES,
	PTW_FILE_TRACE,
	PTW_FILE_NR,
};

#define PTW_FILE_NAMES							\
	[PTW_FILE_INFO] = "info", [PTW_FILE_MAPS] = "maps",		\
	[PTW_FILE_WALK] = "walk", [PTW_FILE_WHATIS] = "whatis",		\
	[PTW_FILE_ALLOC] = "alloc", [PTW_FILE_KERNEL] = "kernel",	\
	[PTW_FILE_SHARING] = "sharing", [PTW_FILE_TABLES] = "tables",	\
	[PTW_FILE_TRACE] = "trace"

#define PTW_FILE_VERSIONS						\
	[PTW_FILE_INFO] = PTW_VERSION_info,				\
	[PTW_FILE_MAPS] = PTW_VERSION_maps,				\
	[PTW_FILE_WALK] = PTW_VERSION_walk,				\
	[PTW_FILE_WHATIS] = PTW_VERSION_whatis,				\
	[PTW_FILE_ALLOC] = PTW_VERSION_alloc,				\
	[PTW_FILE_KERNEL] = PTW_VERSION_kernel,				\
	[PTW_FILE_SHARING] = PTW_VERSION_sharing,			\
	[PTW_FILE_TABLES] = PTW_VERSION_tables,				\
	[PTW_FILE_TRACE] = PTW_VERSION_trace

/* The first line of a file, newline included: PTW_HEADER(maps). */
#define PTW_HEADER(name) \
	"ptwalk-" #name " " PTW_STR(PTW_VERSION_##name) "\n"

/* The flags of an entry, in output order. */
enum ptw_flag {
	PTWF_PRESENT,
	PTWF_WRITE,
	PTWF_USER,
	PTWF_ACCESSED,
	PTWF_DIRTY,
	PTWF_NX,
	PTWF_GLOBAL,		/* shares PROTNONE's bit */
	PTWF_HUGE,		/* PSE: a 2M/1G leaf */
	PTWF_SOFT_DIRTY,
	PTWF_SPECIAL,
	PTWF_PROTNONE,		/* PROT_NONE or NUMA hint, PFN inverted */
	PTWF_DEVMAP,
	PTWF_UFFD_WP,
	PTWF_SHSTK,		/* shadow stack: Write=0, Dirty=1 (6.6+) */
	PTWF_SAVED_DIRTY,	/* software dirty bit of shadow-stack kernels */
	PTWF_EXCLUSIVE,		/* swap entry of an exclusive anonymous page */
	PTWF_PKEY_BIT0,		/* protection key, bits 59-62 */
	PTWF_PKEY_BIT1,
	PTWF_PKEY_BIT2,
	PTWF_PKEY_BIT3,
	PTWF_NR,
};

#define PTW_FLAG_NAMES							\
	[PTWF_PRESENT] = "present", [PTWF_WRITE] = "write",		\
	[PTWF_USER] = "user", [PTWF_ACCESSED] = "accessed",		\
	[PTWF_DIRTY] = "dirty", [PTWF_NX] = "nx",			\
	[PTWF_GLOBAL] = "global", [PTWF_HUGE] = "huge",			\
	[PTWF_SOFT_DIRTY] = "soft-dirty", [PTWF_SPECIAL] = "special",	\
	[PTWF_PROTNONE] = "protnone", [PTWF_DEVMAP] = "devmap",		\
	[PTWF_UFFD_WP] = "uffd-wp", [PTWF_SHSTK] = "shstk",		\
	[PTWF_SAVED_DIRTY] = "saved-dirty",				\
	[PTWF_EXCLUSIVE] = "exclusive",					\
	[PTWF_PKEY_BIT0] = "pkey-bit0", [PTWF_PKEY_BIT1] = "pkey-bit1",	\
	[PTWF_PKEY_BIT2] = "pkey-bit2", [PTWF_PKEY_BIT3] = "pkey-bit3"

/*
 * For the module's decoder: the bit of a present entry each flag is; a
 * flag without one (0) is decoded by hand (module/decode.c).
 */
#define PTW_FLAG_MASKS							\
	[PTWF_PRESENT] = _PAGE_PRESENT, [PTWF_WRITE] = _PAGE_RW,	\
	[PTWF_USER] = _PAGE_USER, [PTWF_ACCESSED] = _PAGE_ACCESSED,	\
	[PTWF_DIRTY] = _PAGE_DIRTY, [PTWF_NX] = _PAGE_NX,		\
	[PTWF_SOFT_DIRTY] = _PAGE_SOFT_DIRTY,				\
	[PTWF_SPECIAL] = _PAGE_SPECIAL, [PTWF_DEVMAP] = _PAGE_DEVMAP,	\
	[PTWF_UFFD_WP] = _PAGE_UFFD_WP,					\
	[PTWF_PKEY_BIT0] = _PAGE_PKEY_BIT0,				\
	[PTWF_PKEY_BIT1] = _PAGE_PKEY_BIT1,				\
	[PTWF_PKEY_BIT2] = _PAGE_PKEY_BIT2,				\
	[PTWF_PKEY_BIT3] = _PAGE_PKEY_BIT3

/* The masked flags that mean something in any entry; the rest in leaves only. */
#define PTW_FLAGS_ANY_LEVEL						\
	(1UL << PTWF_PRESENT | 1UL << PTWF_WRITE | 1UL << PTWF_USER |	\
	 1UL << PTWF_ACCESSED | 1UL << PTWF_NX)

/* Room for every flag name, comma-separated, and a NUL. */
#define PTW_FLAGS_MAX	192

/* The memory types the PAT, PCD and PWT bits select. */
enum ptw_cache { PTWC_WB, PTWC_WC, PTWC_UC_MINUS, PTWC_UC, PTWC_WT, PTWC_WP, PTWC_NR };

#define PTW_CACHE_NAMES							\
	[PTWC_WB] = "WB", [PTWC_WC] = "WC", [PTWC_UC_MINUS] = "UC-",	\
	[PTWC_UC] = "UC", [PTWC_WT] = "WT", [PTWC_WP] = "WP"

/* Kinds of non-present entries. */
enum ptw_np {
	PTWNP_SWAP,
	PTWNP_MIGRATION_READ,
	PTWNP_MIGRATION_WRITE,
	PTWNP_DEVICE_PRIVATE,
	PTWNP_DEVICE_EXCLUSIVE,
	PTWNP_HWPOISON,
	PTWNP_MARKER,
	PTWNP_OTHER,
	PTWNP_NR,
};

#define PTW_NP_NAMES							\
	[PTWNP_SWAP] = "swap",						\
	[PTWNP_MIGRATION_READ] = "migration-read",			\
	[PTWNP_MIGRATION_WRITE] = "migration-write",			\
	[PTWNP_DEVICE_PRIVATE] = "device-private",			\
	[PTWNP_DEVICE_EXCLUSIVE] = "device-exclusive",			\
	[PTWNP_HWPOISON] = "hwpoison",					\
	[PTWNP_MARKER] = "marker",					\
	[PTWNP_OTHER] = "other"

/* What an address is, for every address: the kernel half's regions too. */
enum ptw_region_id {
	PTWR_HOLE,		/* between named regions of the kernel half */
	PTWR_USER,		/* the user half: not a kernel address */
	PTWR_NONCANONICAL,
	PTWR_GUARD_HOLE,
	PTWR_LDT_REMAP,
	PTWR_DIRECT_MAP,	/* all of RAM, at page_offset_base */
	PTWR_VMALLOC,
	PTWR_VMEMMAP,		/* the struct page array */
	PTWR_KASAN_SHADOW,
	PTWR_CPU_ENTRY_AREA,
	PTWR_ESPFIX,
	PTWR_EFI,
	PTWR_KERNEL_IMAGE,
	PTWR_MODULES,
	PTWR_FIXMAP,
	PTWR_NR_IDS,
};

#define PTW_REGION_NAMES						\
	[PTWR_HOLE] = "hole", [PTWR_USER] = "user",			\
	[PTWR_NONCANONICAL] = "non-canonical",				\
	[PTWR_GUARD_HOLE] = "guard-hole", [PTWR_LDT_REMAP] = "ldt-remap", \
	[PTWR_DIRECT_MAP] = "direct-map", [PTWR_VMALLOC] = "vmalloc",	\
	[PTWR_VMEMMAP] = "vmemmap", [PTWR_KASAN_SHADOW] = "kasan-shadow", \
	[PTWR_CPU_ENTRY_AREA] = "cpu-entry-area", [PTWR_ESPFIX] = "espfix", \
	[PTWR_EFI] = "efi", [PTWR_KERNEL_IMAGE] = "kernel-image",	\
	[PTWR_MODULES] = "modules", [PTWR_FIXMAP] = "fixmap"

/*
 * Each file's line tags as file, tag, parent, many (four words a tag; the
 * list initialises an array of struct ptw_tag), in the order the
 * tool's JSON gives them (docs/json.md, the line rule). A line whose tag
 * has a parent belongs to the last line of that tag before it (a run to
 * its region); a tag that may repeat (many = 1) is always a JSON array,
 * of one line or of none, so that a document's shape never depends on
 * the data.
 */
#define PTW_TAGS \
	"info", "module", 0, 0, \
	"info", "kernel", 0, 0, \
	"maps", "target", 0, 0, \
	"maps", "vma", 0, 1, \
	"maps", "run", "vma", 1, \
	"maps", "end", 0, 0, \
	"walk", "target", 0, 0, \
	"walk", "top", 0, 0, \
	"walk", "level", 0, 1, \
	"walk", "result", 0, 0, \
	"walk", "stop", 0, 0, \
	"whatis", "target", 0, 0, \
	"whatis", "leaf", 0, 0, \
	"whatis", "stop", 0, 0, \
	"whatis", "helper", 0, 0, \
	"whatis", "page", 0, 0, \
	"tables", "target", 0, 0, \
	"tables", "level", 0, 1, \
	"tables", "leaves", 0, 0, \
	"tables", "deposited", 0, 0, \
	"tables", "kernel", 0, 0, \
	"tables", "vmpte", 0, 0, \
	"tables", "end", 0, 0, \
	"kernel", "layout", 0, 0, \
	"kernel", "copy", 0, 1, \
	"kernel", "region", "copy", 1, \
	"kernel", "run", "region", 1, \
	"kernel", "clone", "region", 1, \
	"kernel", "end", 0, 0, \
	"sharing", "reader", 0, 0, \
	"sharing", "slot", 0, 1, \
	"sharing", "exception", "slot", 1, \
	"sharing", "user-copy", 0, 0, \
	"sharing", "user-slot", 0, 1, \
	"sharing", "user-exception", "user-slot", 1, \
	"sharing", "total", 0, 0, \
	"sharing", "end", 0, 0, \
	"alloc", "file", 0, 0, \
	"alloc", "alloc", 0, 1, \
	"alloc", "object", "alloc", 1, \
	"alloc", "share", "alloc", 1, \
	"alloc", "page", "alloc", 1, \
	"alloc", "run", "alloc", 1, \
	"alloc", "end", 0, 0

/* The keys whose value is a comma-separated list ("-": an empty one). */
#define PTW_LIST_KEYS	"flags", "regions", "objects", "offsets"

/*
 * The keys whose value is free text (a VMA's file name, the kernel release):
 * always a string, even when the text looks like a number or a yes.
 */
#define PTW_TEXT_KEYS	"name", "release"

/* The bytes a string value writes as \ooo (seq_escape()'s set). */
#define PTW_VALUE_ESCAPE	" \t\n\\"

/* The longest escaped string value a line may hold (vma names, release). */
#define PTW_VALUE_MAX	4096

#endif /* PTWALK_FORMAT_H */
