# SPDX-License-Identifier: GPL-2.0
#
# rtshm: kernel module, user-space library, tools and tests.
#
#   make            module (against KDIR), librtshm.so/.a, tools
#   make check      every test, in QEMU, on every kernel of tests/kernels.list
#   make demo       the demo on every kernel of the list, a verdict per kernel
#   make bench      rtshm vs POSIX/SysV shm/memfd, measured in QEMU (not in check)
#   make install    library, headers, tools and module (DESTDIR, PREFIX)
#
# Everything is built under build/.  The module is built in a copy per
# kernel release so several kernels can be built side by side.
# KERNELS="6.1 7.3-rt" (names of tests/kernels.list) limits check, demo,
# bench and vm-modules to those kernels; make passes it on to the scripts.

VERSION    := 1.0.0
SOVERSION  := 1

PREFIX     ?= /usr/local
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR     ?= $(PREFIX)/bin

B          := build
CC         ?= gcc
CFLAGS     ?= -O2 -g
WARN       := -Wall -Wextra -Werror
CPPFLAGS_RTSHM := -Iinclude -Iinclude/uapi -D_GNU_SOURCE
CFLAGS_RTSHM   := -std=c11 $(WARN) $(CFLAGS) -pthread

# Kernel to build the module against: the running one, else the newest
# installed Debian headers (this build machine may run another kernel).
KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
ifeq ($(wildcard $(KDIR)/Makefile),)
override KDIR := $(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64)))
endif
# UTS_RELEASE, not include/config/kernel.release: Debian puts the upstream
# version in the latter and the release (uname -r) in the former.
KREL = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)

KMOD_SRC   := Kbuild $(wildcard kmod/*.c kmod/*.h kmod/Kbuild) include/uapi/linux/rtshm.h

# The library's folders: core/ (native API), rtx/ (RTX), intime/ (INtime,
# RT and NTX sides).  Basenames are unique across them: ar keeps one member
# per name.
LIB_DIRS   := core rtx intime
LIB_SRC    := $(foreach d,$(LIB_DIRS),$(wildcard lib/$(d)/*.c))
LIB_HDR    := $(foreach d,$(LIB_DIRS),$(wildcard lib/$(d)/*.h))
ifneq ($(words $(notdir $(LIB_SRC))),$(words $(sort $(notdir $(LIB_SRC)))))
$(error lib/: two sources share a basename: $(sort $(notdir $(LIB_SRC))))
endif
LIB_OBJ    := $(LIB_SRC:%.c=$(B)/%.o)
LIB_SO     := $(B)/lib/librtshm.so.$(VERSION)
LIB_A      := $(B)/lib/librtshm.a

TOOL_SRC   := $(wildcard tools/*.c)
TOOLS      := $(TOOL_SRC:tools/%.c=$(B)/tools/%)

TEST_SRC   := $(wildcard tests/test-*.c)
TEST_BIN   := $(TEST_SRC:tests/%.c=$(B)/tests/bin/%)
TEST_LIB   := $(B)/tests/harness.o
# Programs that also run inside the test VM, linked statically.
VM_TOOLS   := $(TOOL_SRC:tools/%.c=$(B)/tests/bin/%)
VM_SCRIPTS := $(wildcard tests/guest/*.sh)

.PHONY: all module lib tools tests deps vm-modules check check-debug demo clean \
	install uninstall checkpatch sparse

all: module lib tools

# --- kernel module -----------------------------------------------------

# $(call build-module,KDIR,OUTDIR)
define build-module
	rm -rf $(2) && mkdir -p $(2)
	cp -r Kbuild kmod include $(2)/
	$(MAKE) -C $(1) M=$(abspath $(2)) W=1 modules
endef

module: $(KMOD_SRC)
	@test -n "$(KDIR)" || { echo "no kernel headers: set KDIR or run tests/deps.sh" >&2; exit 1; }
	$(call build-module,$(KDIR),$(B)/kmod/$(KREL))
	cp $(B)/kmod/$(KREL)/kmod/rtshm.ko $(B)/rtshm.ko

# --- library -----------------------------------------------------------

lib: $(LIB_SO) $(LIB_A)

$(B)/lib/%.o: lib/%.c $(LIB_HDR) $(wildcard include/*.h) include/uapi/linux/rtshm.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_RTSHM) $(CFLAGS_RTSHM) -fPIC -fvisibility=hidden -c -o $@ $<

$(LIB_SO): $(LIB_OBJ) lib/rtshm.map
	$(CC) $(CFLAGS_RTSHM) -shared -Wl,-soname,librtshm.so.$(SOVERSION) \
		-Wl,--version-script=lib/rtshm.map -Wl,-z,defs -o $@ $(LIB_OBJ)
	ln -sf librtshm.so.$(VERSION) $(B)/lib/librtshm.so.$(SOVERSION)
	ln -sf librtshm.so.$(SOVERSION) $(B)/lib/librtshm.so

$(LIB_A): $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

# --- tools -------------------------------------------------------------

tools: $(TOOLS)

$(B)/tools/%: tools/%.c $(LIB_A) include/rtshm.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_RTSHM) $(CFLAGS_RTSHM) -o $@ $< $(LIB_A)

# --- tests -------------------------------------------------------------

tests: $(TEST_BIN) $(VM_TOOLS)
	@mkdir -p $(B)/tests/bin
	cp $(VM_SCRIPTS) $(B)/tests/bin/

$(TEST_LIB): tests/harness.c tests/harness.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_RTSHM) $(CFLAGS_RTSHM) -c -o $@ $<

$(B)/tests/bin/test-%: tests/test-%.c $(TEST_LIB) $(LIB_A) tests/harness.h $(wildcard include/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_RTSHM) $(CFLAGS_RTSHM) -static -o $@ $< $(TEST_LIB) $(LIB_A)

$(B)/tests/bin/%: tools/%.c $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_RTSHM) $(CFLAGS_RTSHM) -static -o $@ $< $(LIB_A)

# The field's own tools in the VMs: trinity and stress-ng, Debian's packages
# (tests/deps.sh), copied as they are (mkinitramfs.sh copies their shared
# libraries); without them test-trinity and test-large-stress-ng skip.
# test-trinity is a guest shell script; rtshm-trinity.so is the LD_PRELOAD
# library that aims trinity at rtshm (tests/trinity-preload.c).
FIELD_TOOLS := $(wildcard /usr/bin/trinity /usr/bin/stress-ng)
tests: $(FIELD_TOOLS:/usr/bin/%=$(B)/tests/bin/%) $(B)/tests/bin/test-trinity \
	$(B)/tests/bin/rtshm-trinity.so

$(FIELD_TOOLS:/usr/bin/%=$(B)/tests/bin/%): $(B)/tests/bin/%: /usr/bin/%
	@mkdir -p $(@D)
	cp $< $@

$(B)/tests/bin/test-trinity: tests/test-trinity.sh
	@mkdir -p $(@D)
	cp $< $@

$(B)/tests/bin/rtshm-trinity.so: tests/trinity-preload.c include/uapi/linux/rtshm.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_RTSHM) $(CFLAGS_RTSHM) -fPIC -shared -o $@ $< -ldl

deps:
	tests/deps.sh

# The module for each kernel of tests/kernels.list, built in that kernel's
# build root (its release's compiler and kbuild; tests/kernels.sh), W=1.
# $(call build-module-for,NAME,OUTDIR)
define build-module-for
	rm -rf $(2) && mkdir -p $(2)
	cp -r Kbuild kmod include $(2)/
	tests/kernels.sh kbuild $(1) $(2) W=1 modules
endef

vm-modules: deps
	@mkdir -p $(B)
	@for k in $$(tests/kernels.sh names); do \
		rel=$$(tests/kernels.sh release $$k) || exit 1; \
		echo "module for $$k ($$rel)"; \
		$(MAKE) --no-print-directory module-for KNAME=$$k \
			KOUT=$(B)/kmod/$$rel >$(B)/kmod-$$rel.log 2>&1 || \
			{ cat $(B)/kmod-$$rel.log; exit 1; }; \
	done

.PHONY: module-for
module-for: $(KMOD_SRC)
	@mkdir -p $(B)
	$(call build-module-for,$(KNAME),$(KOUT))

# The modules come from the W=1 build of tests/static-checks.sh.
check: deps
	$(MAKE) --no-print-directory lib tests
	tests/check.sh

demo: deps
	$(MAKE) --no-print-directory vm-modules lib tests
	tests/vm/demo.sh

# --- benchmark -----------------------------------------------------------
# rtshm-bench (tests/bench/) runs in its own VM per kernel, one kernel after
# the other, with a 2 GiB guest and huge pages (tests/vm/bench.sh); the table
# goes to stdout and build/bench/bench-<release>.txt.  KERNELS= selects
# kernels of tests/kernels.list (default all).

BENCH_SRC := $(wildcard tests/bench/*.c)
BENCH_BIN := $(B)/bench/bin/rtshm-bench $(B)/bench/bin/bench.sh
# cyclictest (Debian's rt-tests, tests/deps.sh) for the latency rows, copied
# as it is (mkinitramfs.sh copies its shared libraries); without it they say n/a.
BENCH_TOOLS := $(wildcard /usr/bin/cyclictest)
BENCH_BIN += $(BENCH_TOOLS:/usr/bin/%=$(B)/bench/bin/%)

.PHONY: bench bench-bin

bench: deps
	$(MAKE) --no-print-directory vm-modules bench-bin
	tests/vm/bench.sh

bench-bin: $(BENCH_BIN)

$(B)/bench/bin/rtshm-bench: $(BENCH_SRC) tests/bench/bench.h $(LIB_A) include/rtshm.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_RTSHM) $(CFLAGS_RTSHM) -static -o $@ $(BENCH_SRC) $(LIB_A) -lrt -lm

$(B)/bench/bin/bench.sh: tests/bench/bench.sh
	@mkdir -p $(@D)
	cp $< $@

$(BENCH_TOOLS:/usr/bin/%=$(B)/bench/bin/%): $(B)/bench/bin/%: /usr/bin/%
	@mkdir -p $(@D)
	cp $< $@

# The whole VM suite on each sanitizer kernel lane of tests/debug/lanes.list
# (KASAN on 7.3 and 6.1, PREEMPT_RT with lockdep on 7.3; all with KFENCE,
# kmemleak, lockdep, DEBUG_ATOMIC_SLEEP, DEBUG_VM, DEBUG_LIST and CMA for the
# contig tier), one VM flavour debug-LANE each and one "N passed, N failed"
# at the end.  The kernels are built one after another, once per machine,
# and cached outside the checkout (tests/debug-kernel.sh, which also builds
# the module against each).  DEBUG_LANES="6.1 7.3-rt": only those lanes.
check-debug: deps
	$(MAKE) --no-print-directory lib tests
	lanes=$$(tests/debug-kernel.sh --lanes) && [ -n "$$lanes" ] || exit 1; \
	args=; for lane in $$lanes; do \
		tree=$$(tests/debug-kernel.sh "$$lane") || exit 1; \
		args="$$args --debug-tree $$lane=$$tree"; \
	done; \
	tests/vm/check.sh $$args

# --- code checks -------------------------------------------------------

# checkpatch.pl of each kernel series of tests/kernels.list (its Debian
# linux-source, cached by tests/kernels.sh), or the one given as CHECKPATCH=.
CHECKPATCHES = $(or $(CHECKPATCH),$(sort $(foreach k,$(shell tests/kernels.sh names),$(shell tests/kernels.sh checkpatch $(k)))))

checkpatch:
	@for cp in $(CHECKPATCHES); do \
		echo "== $$cp"; \
		$$cp --no-tree --strict --terse -f $(filter-out kmod/compat.h,$(wildcard kmod/*.c kmod/*.h)) \
			include/uapi/linux/rtshm.h || exit 1; \
		$$cp --no-tree --strict --terse --ignore LINUX_VERSION_CODE -f kmod/compat.h || exit 1; \
	done

# sparse with each kernel's headers, in its build root.
sparse:
	@for k in $$(tests/kernels.sh names); do \
		echo "== sparse: $$k"; \
		rm -rf $(B)/sparse/$$k && mkdir -p $(B)/sparse/$$k && \
		cp -r Kbuild kmod include $(B)/sparse/$$k/ && \
		tests/kernels.sh kbuild $$k $(B)/sparse/$$k C=2 W=1 modules || exit 1; \
	done

# --- install -----------------------------------------------------------

install: all
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/linux $(DESTDIR)$(BINDIR)
	install -m 0755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf librtshm.so.$(VERSION) $(DESTDIR)$(LIBDIR)/librtshm.so.$(SOVERSION)
	ln -sf librtshm.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/librtshm.so
	install -m 0644 $(LIB_A) $(DESTDIR)$(LIBDIR)/
	install -m 0644 include/rtshm.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 0644 include/uapi/linux/rtshm.h $(DESTDIR)$(INCLUDEDIR)/linux/
	install -m 0755 $(TOOLS) $(DESTDIR)$(BINDIR)/
	install -d $(DESTDIR)/lib/modules/$(KREL)/extra
	install -m 0644 $(B)/rtshm.ko $(DESTDIR)/lib/modules/$(KREL)/extra/
	test -n "$(DESTDIR)" || depmod -a $(KREL)

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/librtshm.so* $(DESTDIR)$(LIBDIR)/librtshm.a
	rm -f $(DESTDIR)$(INCLUDEDIR)/rtshm.h $(DESTDIR)$(INCLUDEDIR)/linux/rtshm.h
	rm -f $(TOOLS:$(B)/tools/%=$(DESTDIR)$(BINDIR)/%)
	rm -f $(DESTDIR)/lib/modules/$(KREL)/extra/rtshm.ko
	test -n "$(DESTDIR)" || depmod -a $(KREL)

clean:
	rm -rf $(B)

# --- RTX/RTX64 API (rtapi.h) ---------------------------------------------
# Ported RTX code is built as its users build it: -I include/compat only.
# The seed example (tests/seed) and the TCHAR peer (tests/rtx) are companion
# programs that test-rtx-* run; the peer is built ANSI and UNICODE.

RTX_HEADERS   := include/rtapi.h include/rtshm_windows.h include/rtshm_wintypes.h \
		 include/rtshm_interlocked.h include/rtshm_entry.h $(wildcard include/compat/*.h)
RTX_APP_FLAGS := -std=c11 $(WARN) $(CFLAGS) -pthread -Iinclude/compat
RTX_UNICODE   := -DUNICODE -D_UNICODE
RTX_PROGS     := $(addprefix $(B)/tests/bin/,rtx-seed-creator rtx-seed-creator-ansi \
		 rtx-seed-opener rtx-tchar-ansi rtx-tchar-unicode \
		 rtx-idioms-unicode rtx-idioms-ansi rtx-idioms-voidmain)

.PHONY: install-rtx uninstall-rtx

lib: $(B)/rtshm.pc
tests: $(RTX_PROGS)
install: install-rtx
uninstall: uninstall-rtx

$(filter $(B)/lib/rtx/%.o,$(LIB_OBJ)): $(RTX_HEADERS)
$(filter $(B)/tests/bin/test-rtx-%,$(TEST_BIN)): $(wildcard lib/rtx/*.h) $(RTX_HEADERS) $(wildcard tests/rtx/*.h)

# The seed creator is RTSS code, which RTX projects build UNICODE; also ANSI.
$(B)/tests/bin/rtx-seed-creator: tests/seed/rtx_creator.c $(LIB_A) $(RTX_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(RTX_APP_FLAGS) $(RTX_UNICODE) -static -o $@ $< $(LIB_A)

$(B)/tests/bin/rtx-seed-creator-ansi: tests/seed/rtx_creator.c $(LIB_A) $(RTX_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(RTX_APP_FLAGS) -static -o $@ $< $(LIB_A)

$(B)/tests/bin/rtx-seed-opener: tests/seed/rtx_opener.c $(LIB_A) $(RTX_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(RTX_APP_FLAGS) -static -o $@ $< $(LIB_A)

$(B)/tests/bin/rtx-tchar-ansi: tests/rtx/tchar_peer.c $(LIB_A) $(RTX_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(RTX_APP_FLAGS) -static -o $@ $< $(LIB_A)

$(B)/tests/bin/rtx-tchar-unicode: tests/rtx/tchar_peer.c $(LIB_A) $(RTX_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(RTX_APP_FLAGS) $(RTX_UNICODE) -static -o $@ $< $(LIB_A)

# The idioms peer (test-rtx-idioms) as RTX builds it: UNICODE _tmain (wmain),
# ANSI _tmain (main), and the older wizard's void _cdecl main with -std=gnu11.
$(B)/tests/bin/rtx-idioms-unicode: tests/rtx/idioms_peer.c tests/rtx/idioms.h $(LIB_A) $(RTX_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(RTX_APP_FLAGS) $(RTX_UNICODE) -static -o $@ $< $(LIB_A)

$(B)/tests/bin/rtx-idioms-ansi: tests/rtx/idioms_peer.c tests/rtx/idioms.h $(LIB_A) $(RTX_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(RTX_APP_FLAGS) -static -o $@ $< $(LIB_A)

$(B)/tests/bin/rtx-idioms-voidmain: tests/rtx/idioms_peer.c tests/rtx/idioms.h $(LIB_A) $(RTX_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(RTX_APP_FLAGS) -std=gnu11 -DIDIOMS_VOID_MAIN -static -o $@ $< $(LIB_A)

# Compile-only: the headers take each entry point and idiom of
# tests/rtx/idioms_compile.c in C99, C11 (pedantic), GNU11 and GNU17, ANSI
# and UNICODE.  C only: nothing in this project is C++.
RTX_IDIOM_STDS := c99 c11:-Wpedantic gnu11 gnu17
tests: $(B)/tests/rtx-idioms-compile.ok
$(B)/tests/rtx-idioms-compile.ok: tests/rtx/idioms_compile.c $(RTX_HEADERS)
	@mkdir -p $(@D)
	@for entry in 1 2 3 4 5 6 7 8; do for std in $(RTX_IDIOM_STDS); do \
		for chars in "" "$(RTX_UNICODE)"; do \
			$(CC) $(RTX_APP_FLAGS) -std=$${std%%:*} $$(echo $$std | sed -n 's/^[^:]*://p') \
				$$chars -DENTRY=$$entry -fsyntax-only $< || \
			{ echo "rtx idioms: entry $$entry, -std=$$std $$chars" >&2; exit 1; }; \
		done; done; done
	@touch $@

$(B)/rtshm.pc: rtshm.pc.in Makefile
	@mkdir -p $(@D)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' $< >$@

# Installed layout keeps compat/ next to rtapi.h: compat/rtapi.h includes "../rtapi.h".
install-rtx: $(B)/rtshm.pc
	install -d $(DESTDIR)$(INCLUDEDIR)/rtshm/compat $(DESTDIR)$(LIBDIR)/pkgconfig
	install -m 0644 include/rtapi.h include/rtshm_windows.h include/rtshm_wintypes.h \
		include/rtshm_interlocked.h include/rtshm_entry.h \
		include/ntx.h include/rt.h include/rtshm_intime.h $(DESTDIR)$(INCLUDEDIR)/rtshm/
	install -m 0644 $(wildcard include/compat/*.h) $(DESTDIR)$(INCLUDEDIR)/rtshm/compat/
	install -m 0644 $(B)/rtshm.pc $(DESTDIR)$(LIBDIR)/pkgconfig/

uninstall-rtx:
	rm -f $(addprefix $(DESTDIR)$(INCLUDEDIR)/rtshm/,rtapi.h rtshm_windows.h rtshm_wintypes.h \
		rtshm_interlocked.h rtshm_entry.h ntx.h rt.h rtshm_intime.h \
		$(addprefix compat/,$(notdir $(wildcard include/compat/*.h))))
	-rmdir $(DESTDIR)$(INCLUDEDIR)/rtshm/compat $(DESTDIR)$(INCLUDEDIR)/rtshm
	rm -f $(DESTDIR)$(LIBDIR)/pkgconfig/rtshm.pc

# --- rtshmctl, man pages, udev, modprobe.d, DKMS -------------------------
# rtshmctl is several files (tools/rtshmctl/) and links libkmod, which Debian
# ships only as a shared library: so the copy the VM runs (build/tests/bin)
# is dynamically linked as well, and tests/vm/mkinitramfs.sh copies the
# shared libraries of such programs into the guest.  The guest's busybox
# depmod writes no modules.dep.bin, which libkmod needs to find a module by
# name, so the host's kmod program goes along as well (test-rtshmctl runs it
# as depmod).

MANDIR       ?= $(PREFIX)/share/man
DOCDIR       ?= $(PREFIX)/share/doc/rtshm
UDEVDIR      ?= /lib/udev
DKMS_SRCDIR  := /usr/src/rtshm-$(VERSION)

CTL_SRC      := $(wildcard tools/rtshmctl/*.c)
CTL_OBJ      := $(CTL_SRC:tools/rtshmctl/%.c=$(B)/rtshmctl/%.o)
CTL_HDR      := $(wildcard tools/rtshmctl/*.h)
KMOD_CFLAGS  := $(shell pkg-config --cflags libkmod 2>/dev/null)
KMOD_LIBS    := $(or $(shell pkg-config --libs libkmod 2>/dev/null),-lkmod)
KMOD_PROGRAM := $(firstword $(wildcard /usr/bin/kmod /bin/kmod /sbin/kmod))
MAN_PAGES    := $(wildcard man/*.[1-8])
# the parts of rtshmctl the unit test links: pure functions, no libkmod
CTL_UNIT_OBJ := $(B)/rtshmctl/procfile.o $(B)/rtshmctl/format.o

.PHONY: install-admin uninstall-admin dkms-install dkms-uninstall

tools: $(B)/tools/rtshmctl
tests: $(B)/tests/bin/rtshmctl $(B)/tests/bin/kmod
install: install-admin
uninstall: uninstall-admin

$(B)/rtshmctl/%.o: tools/rtshmctl/%.c $(CTL_HDR) include/rtshm.h Makefile
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_RTSHM) $(KMOD_CFLAGS) -DRTSHM_VERSION='"$(VERSION)"' \
		$(CFLAGS_RTSHM) -c -o $@ $<

$(B)/tools/rtshmctl: $(CTL_OBJ) $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_RTSHM) -o $@ $(CTL_OBJ) $(LIB_A) $(KMOD_LIBS)

$(B)/tests/bin/rtshmctl: $(B)/tools/rtshmctl
	@mkdir -p $(@D)
	cp $< $@

$(B)/tests/bin/kmod: $(KMOD_PROGRAM)
	@test -n "$(KMOD_PROGRAM)" || { echo "no kmod program: run tests/deps.sh" >&2; exit 1; }
	@mkdir -p $(@D)
	cp $< $@

$(B)/tests/bin/test-rtshmctl-units: tests/test-rtshmctl-units.c $(CTL_UNIT_OBJ) $(TEST_LIB) \
		$(LIB_A) tests/harness.h $(CTL_HDR)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_RTSHM) -Itools/rtshmctl $(CFLAGS_RTSHM) -static -o $@ $< \
		$(CTL_UNIT_OBJ) $(TEST_LIB) $(LIB_A)

$(B)/tests/bin/test-rtshmctl: tests/json-mini.h

# The udev rule names a group; without it udev would still apply MODE 0660
# and shut everyone but root out, so a real install (no DESTDIR) creates it.
install-admin: $(B)/tools/rtshmctl
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(UDEVDIR)/rules.d \
		$(DESTDIR)$(DOCDIR)/examples/modprobe.d \
		$(addprefix $(DESTDIR)$(MANDIR)/man,$(sort $(subst .,,$(suffix $(MAN_PAGES)))))
	install -m 0755 $(B)/tools/rtshmctl $(DESTDIR)$(BINDIR)/
	for page in $(MAN_PAGES); do \
		install -m 0644 $$page $(DESTDIR)$(MANDIR)/man$${page##*.}/ || exit 1; \
	done
	install -m 0644 udev/60-rtshm.rules $(DESTDIR)$(UDEVDIR)/rules.d/
	install -m 0644 modprobe.d/rtshm.conf $(DESTDIR)$(DOCDIR)/examples/modprobe.d/
	test -n "$(DESTDIR)" || getent group rtshm >/dev/null || groupadd --system rtshm

uninstall-admin:
	rm -f $(DESTDIR)$(BINDIR)/rtshmctl $(DESTDIR)$(UDEVDIR)/rules.d/60-rtshm.rules
	rm -f $(foreach p,$(MAN_PAGES),$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(p)))/$(notdir $(p)))
	rm -f $(DESTDIR)$(DOCDIR)/examples/modprobe.d/rtshm.conf
	-rmdir $(DESTDIR)$(DOCDIR)/examples/modprobe.d $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR)

# DKMS rebuilds the module for every kernel installed later.  The sources go
# to /usr/src/rtshm-VERSION; with DESTDIR (packaging) that is all, the
# package's postinst runs dkms.  Without, dkms adds, builds and installs it
# for kernel $(KREL) (KDIR's, by default the running kernel).
dkms-install:
	@grep -qx 'PACKAGE_VERSION="$(VERSION)"' dkms.conf || \
		{ echo "dkms.conf: PACKAGE_VERSION is not $(VERSION)" >&2; exit 1; }
	install -d $(DESTDIR)$(DKMS_SRCDIR)/kmod $(DESTDIR)$(DKMS_SRCDIR)/include/uapi/linux
	install -m 0644 dkms.conf Kbuild $(DESTDIR)$(DKMS_SRCDIR)/
	install -m 0644 $(wildcard kmod/*.c kmod/*.h) kmod/Kbuild $(DESTDIR)$(DKMS_SRCDIR)/kmod/
	install -m 0644 include/uapi/linux/rtshm.h $(DESTDIR)$(DKMS_SRCDIR)/include/uapi/linux/
	test -n "$(DESTDIR)" || { \
		{ dkms status -m rtshm -v $(VERSION) | grep -q . || dkms add -m rtshm -v $(VERSION); } && \
		dkms build -m rtshm -v $(VERSION) -k $(KREL) && \
		dkms install -m rtshm -v $(VERSION) -k $(KREL); }

dkms-uninstall:
	test -n "$(DESTDIR)" || ! dkms status -m rtshm -v $(VERSION) | grep -q . || \
		dkms remove -m rtshm -v $(VERSION) --all
	rm -rf $(DESTDIR)$(DKMS_SRCDIR)

# rtshm.pc bakes in PREFIX, LIBDIR and INCLUDEDIR: rebuild it when they
# change, or "make; make install PREFIX=/usr" would install /usr/local paths.
$(B)/rtshm.pc: $(B)/rtshm.pc.dirs
$(B)/rtshm.pc.dirs: FORCE
	@mkdir -p $(@D)
	@echo '$(PREFIX) $(LIBDIR) $(INCLUDEDIR)' | cmp -s - $@ || \
		echo '$(PREFIX) $(LIBDIR) $(INCLUDEDIR)' >$@
.PHONY: FORCE
FORCE:
