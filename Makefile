SHELL := /bin/bash
# ptwalk: out-of-tree module (module/), userspace tool (user/), selftests (tests/).
#
#   make                 module against KDIR plus the tool
#   make KDIR=/path      module against another headers tree
#   make check           the VM test matrix (KERNELS="6.1 6.12" PAGING="4 5" PTI="off on")
#   make check-debug     the suite on a cached debug 6.12 kernel (KASAN, lockdep, kmemleak)
#   make debug-kernel    build that kernel only (scripts/debug-kernel.sh)
#   make fuzz            random requests to every request file in a VM (FUZZ_S=60 per file, FUZZ_SEED)
#   make soak            readers of every file against churning targets in a VM (SOAK_S=60)
#   make demo            build, boot a 6.12 5-level VM, run `ptwalk demo`
#   make bench           ptwalk maps vs maps+pagemap in 6.12 5-level and 6.1 4-level VMs
#   make lint            checkpatch --strict and sparse on the module
#   make install         the tool and its man pages (DESTDIR, PREFIX=/usr/local)
#   make uninstall       remove what make install put there
#   make modules_install the module for KDIR's kernel, then depmod
#   make deb             ptwalk and ptwalk-dkms .debs in out/deb/ (scripts/deb.sh)

KDIR ?= /lib/modules/$(shell uname -r)/build
CC ?= gcc
USER_CFLAGS := -O2 -g -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE
USER_LDFLAGS := -static
PTWALK_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/ptwalk
KSELFTEST_DIR ?= $(PTWALK_CACHE)/linux-source-6.12/tools/testing/selftests
# Development builds fail on any warning (W=1); DKMS builds with STRICT=0.
STRICT ?= 1

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
INSTALL ?= install

TOOL := user/ptwalk
# lib/: the format's reader, shared by the tool and the tests.
FMT_SRCS := $(wildcard lib/*.c)
FMT_HDRS := $(wildcard lib/*.h) $(wildcard include/ptwalk/*.h)
FMT_CFLAGS := -Iinclude -Ilib
TOOL_SRCS := $(wildcard user/*.c) $(FMT_SRCS)
# user/explorer.html and user/trace.html are compiled in (html.c, trace_page.c).
TOOL_HDRS := $(wildcard user/*.h) user/explorer.html user/trace.html $(FMT_HDRS)
TEST_NAMES := $(patsubst tests/%_test.c,%,$(wildcard tests/*_test.c))
TEST_BINS := $(patsubst %,tests/%_test,$(TEST_NAMES))
TEST_LIB := $(wildcard tests/lib/*.c)
TEST_LIB_HDRS := $(wildcard tests/lib/*.h)
BENCH := bench/ptwalk_bench
BENCH_SRCS := $(wildcard bench/*.c)
BENCH_HDRS := $(wildcard bench/*.h)

.PHONY: all module tool tests check check-debug debug-kernel fuzz soak demo bench bench-bin lint \
	install uninstall modules_install deb clean kdir-check

all: module tool

kdir-check:
	@if [ ! -f "$(KDIR)/Makefile" ]; then \
		echo "ptwalk: no kernel headers at $(KDIR)." >&2; \
		echo "ptwalk: on Debian: apt-get install linux-headers-\$$(uname -r)" \
		     "(or linux-headers-amd64), or pass KDIR=/path/to/headers." >&2; \
		exit 1; \
	fi

# modpost's "undefined!" and any compiler warning fail the build (STRICT=1).
module: kdir-check
ifeq ($(STRICT),1)
	@set -o pipefail; \
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules 2>&1 | tee .build.log; \
	if grep -E 'undefined!|warning:' .build.log >&2; then \
		echo "ptwalk: module build has warnings or undefined symbols" >&2; \
		rm -f .build.log; exit 1; \
	fi; rm -f .build.log
else
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules
endif

tool: $(TOOL)

# CPPFLAGS, CFLAGS and LDFLAGS are the packager's (dpkg-buildflags).
$(TOOL): $(TOOL_SRCS) $(TOOL_HDRS)
	$(CC) $(USER_CFLAGS) $(FMT_CFLAGS) $(CPPFLAGS) $(CFLAGS) -o $@ $(TOOL_SRCS) $(LDFLAGS) $(USER_LDFLAGS)

tests: $(TEST_BINS)

$(KSELFTEST_DIR)/kselftest_harness.h:
	@echo "ptwalk: kselftest headers missing; run scripts/provision.sh" >&2
	@exit 1

tests/%_test: tests/%_test.c $(TEST_LIB) $(TEST_LIB_HDRS) $(FMT_SRCS) $(FMT_HDRS) $(KSELFTEST_DIR)/kselftest_harness.h
	$(CC) $(USER_CFLAGS) $(FMT_CFLAGS) -isystem $(KSELFTEST_DIR) -Itests/lib -o $@ $< $(TEST_LIB) $(FMT_SRCS) $(USER_LDFLAGS)

check:
	scripts/check.sh

check-debug:
	scripts/check-debug.sh

debug-kernel:
	scripts/debug-kernel.sh

fuzz:
	scripts/fuzz.sh fuzz

soak:
	scripts/fuzz.sh soak

bench-bin: $(BENCH)

$(BENCH): $(BENCH_SRCS) $(BENCH_HDRS) $(FMT_SRCS) $(FMT_HDRS)
	$(CC) $(USER_CFLAGS) $(FMT_CFLAGS) -o $@ $(BENCH_SRCS) $(FMT_SRCS) $(USER_LDFLAGS)

# Builds the tool, the bench and the module for both flavours, then boots
# one VM per configuration (scripts/bench.sh). Results in out/bench/.
bench: tool bench-bin
	scripts/build-module.sh 6.12 >/dev/null
	scripts/build-module.sh 6.1 >/dev/null
	scripts/bench.sh

demo:
	scripts/demo.sh

lint:
	scripts/lint.sh

# The tool and its man pages; the file list is README.md's "Installing".
install: tool
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man4
	$(INSTALL) -m 0755 $(TOOL) $(DESTDIR)$(BINDIR)/ptwalk
	$(INSTALL) -m 0644 man/ptwalk.1 $(DESTDIR)$(MANDIR)/man1/ptwalk.1
	$(INSTALL) -m 0644 man/ptwalk.4 $(DESTDIR)$(MANDIR)/man4/ptwalk.4

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/ptwalk $(DESTDIR)$(MANDIR)/man1/ptwalk.1 \
		$(DESTDIR)$(MANDIR)/man4/ptwalk.4

# The module for KDIR's kernel (kbuild's modules_install), then depmod for
# that kernel. The ptwalk-dkms package does this for every kernel instead.
# The release is UTS_RELEASE, as DKMS passes it: Debian's 6.1 headers say
# 6.1.192 in include/config/kernel.release, not 6.1.0-N-amd64.
KREL = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' $(KDIR)/include/generated/utsrelease.h)
modules_install: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) KERNELRELEASE=$(KREL) modules_install
	depmod -a $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KREL)

deb:
	scripts/deb.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	rm -f $(TOOL) $(TEST_BINS) $(BENCH)
	rm -rf out
