# ipwhois: who is hitting my server?

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
DESTDIR	?=
# Where bash-completion and zsh (Debian's vendor directory) look.
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/vendor-completions
DOCDIR	?= $(PREFIX)/share/doc/ipwhois

CC	?= cc
PKGS	 = libpcre2-8 jansson zlib sqlite3 libmaxminddb libseccomp
# CPPFLAGS, CFLAGS and LDFLAGS are the user's (make CFLAGS=-O0, or
# dpkg-buildflags' hardening); what the code needs is added whatever they
# say, so sanitizer builds get it too.
CFLAGS	?= -O3 -g
override CFLAGS	+= -std=c11 -pthread -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wpointer-arith -Wno-sign-compare
# libarchive and libcurl are loaded when first needed (input.c, fetch.c):
# only their headers are used at build time.
override CFLAGS	+= $(shell pkg-config --cflags $(PKGS) libarchive libcurl)
LDLIBS	+= $(shell pkg-config --libs $(PKGS)) -ldl -pthread
CHECK_CFLAGS = $(shell pkg-config --cflags check)
CHECK_LIBS   = $(shell pkg-config --libs check)

# WERROR=1 (CI) turns warnings into errors.
ifeq ($(WERROR),1)
override CFLAGS	+= -Werror
endif

B	?= build
SRCS	 = $(wildcard src/*.c)
OBJS	 = $(SRCS:src/%.c=$(B)/%.o)
LIBOBJS	 = $(filter-out $(B)/main.o,$(OBJS))
# complete.o writes the completion scripts at build time: not in the binary.
BINOBJS	 = $(filter-out $(B)/complete.o,$(OBJS))
COMPLETIONS = $(B)/ipwhois.bash $(B)/_ipwhois
UNITS	 = $(patsubst tests/%.c,%,$(wildcard tests/check_*.c))
BIN	?= ipwhois
TOOLS	 = $(B)/genlog $(B)/testserver $(B)/ipwhois-probe

.PHONY: all check test unit testserver integration sanitize clean install uninstall \
	bench lint data fuzz fuzz-build fuzz-bins

all: $(BIN) $(COMPLETIONS)

$(BIN): $(BINOBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(BINOBJS) $(LDLIBS)

$(B)/%.o: src/%.c src/ipwhois.h | $(B)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B):
	mkdir -p $(B)

$(B)/libipwhois.a: $(LIBOBJS)
	rm -f $@
	ar rcs $@ $(LIBOBJS)

$(B)/check_%: tests/check_%.c tests/testutil.c tests/testutil.h \
		$(B)/libipwhois.a
	$(CC) $(CPPFLAGS) $(CFLAGS) $(CHECK_CFLAGS) -Isrc -Itests -o $@ $< \
		tests/testutil.c $(B)/libipwhois.a $(LDLIBS) $(CHECK_LIBS)

# The bash and zsh completion scripts, written from the option table.
$(B)/mkcomplete: completions/mkcomplete.c $(B)/libipwhois.a
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -Isrc -o $@ $< \
		$(B)/libipwhois.a $(LDLIBS)

$(B)/ipwhois.bash: $(B)/mkcomplete
	$(B)/mkcomplete bash >$@.tmp && mv $@.tmp $@

$(B)/_ipwhois: $(B)/mkcomplete
	$(B)/mkcomplete zsh >$@.tmp && mv $@.tmp $@

$(B)/genlog: tests/genlog.c | $(B)
	$(CC) -std=c11 -O2 -Wall -Wextra -o $@ $<

# The sandbox's test build: IPWHOIS_SANDBOX_PROBE=ROLE makes that role try
# a forbidden system call once locked (tests/integration.d/sandbox.sh).
# Only sandbox.c differs; never installed.
$(B)/sandbox-probe.o: src/sandbox.c src/ipwhois.h | $(B)
	$(CC) $(CFLAGS) -DIPWHOIS_SANDBOX_TEST -c -o $@ $<

$(B)/ipwhois-probe: $(filter-out $(B)/sandbox.o,$(OBJS)) $(B)/sandbox-probe.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# make bench's timings of the IP database and the cache.
$(B)/dbbench: tests/dbbench.c $(B)/libipwhois.a
	$(CC) $(CFLAGS) -Isrc -o $@ $< $(B)/libipwhois.a $(LDLIBS)

# The loopback RDAP and whois server the live tests talk to.
$(B)/testserver: tests/testserver.c | $(B)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $<

# The whole suite: unit and integration tests, then both again under
# AddressSanitizer and UndefinedBehaviorSanitizer, then each fuzzer for a
# moment; quiet unless something fails, and the totals on the last line.
check:
	@sh tests/check.sh unit testserver integration sanitize fuzz

test: unit testserver integration

unit: $(UNITS:%=$(B)/%) $(B)/testserver
	@st=0; for t in $(UNITS:%=$(B)/%); do \
		CK_TIMEOUT_MULTIPLIER=$${CK_TIMEOUT_MULTIPLIER:-10} \
		IPWHOIS_TESTDATA=tests/data TESTSERVER=$(B)/testserver ./$$t || \
		st=1; done; exit $$st

testserver: $(B)/testserver
	TESTSERVER=$(B)/testserver sh tests/testserver-smoke.sh

# The integration tests mostly wait (on runs, servers, deadlines): they
# run in LANES lanes side by side, each with its own directory and server,
# and their outputs are shown one after the other.
LANES	?= 2
integration: $(BIN) $(TOOLS)
	@rm -f $(B)/integration.*.log; st=0; pids=; \
	for k in $$(seq 0 $$(($(LANES) - 1))); do \
		INTEGRATION_LANE=$$k/$(LANES) IPWHOIS=./$(BIN) \
		GENLOG=$(B)/genlog TESTSERVER=$(B)/testserver \
		sh tests/integration.sh $(FILTER) >$(B)/integration.$$k.log 2>&1 & \
		pids="$$pids $$!"; \
	done; \
	for p in $$pids; do wait $$p || st=1; done; \
	cat $(B)/integration.*.log; exit $$st

# The clone test (tests/integration.d/clone.sh) is left to the plain stage:
# here it would only build the clone again, without sanitizers.  So is
# the test server's own smoke test: the integration tests run it, built
# with the sanitizers, all the same.  clang, whose UBSan also catches
# pointer arithmetic on NULL (NULL + 0); the plain build stays gcc's.
SAN_CC	?= clang
SAN	 = -fsanitize=address,undefined,pointer-overflow -fno-sanitize-recover=all
# Left out there, to keep make check near ten minutes: the tests that
# mostly wait on clocks (the progress line, the breaker's timeouts, -j
# 256's start-up, stuck and stopped processes, signals, the sandbox's
# slow live run) and the usage messages the unit tests check under the
# sanitizers already.  Every test that feeds outside text stays.  Check
# runs each unit test in a process of its own, and a fork under ASan
# costs a great deal: there they share one (a sanitizer's report stops
# the suite anyway).
SAN_SKIP = progress- cron- jobs usage res-worker-stuck res-run-stopped \
	res-signals signals sandbox-
sanitize:
	IPWHOIS_NO_CLONE_TEST=1 IPWHOIS_NO_PACKAGE_TEST=1 CK_FORK=no \
	INTEGRATION_SKIP="$(SAN_SKIP)" $(MAKE) B=build/san BIN=build/san/ipwhois \
		CC=$(SAN_CC) CFLAGS="-O1 -g -fno-omit-frame-pointer $(SAN)" \
		LDFLAGS="$(SAN)" unit integration

# make fuzz: the libFuzzer harnesses (tests/fuzz/fuzz_NAME.c), built with
# clang, ASan and UBSan, each run FUZZ_SECONDS on its corpus: the seeds
# made from tests/data, what earlier runs found (build/fuzz/work) and
# the regression inputs (tests/fuzz/regress/NAME).  make check runs them
# briefly; make fuzz FUZZ_SECONDS=600 [FUZZ=name] for a long run.
FUZZ_CC	?= clang
FUZZ_SECONDS ?= 2
FB	 = build/fuzz
FUZZERS	 = $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ	?= $(FUZZERS)
FUZZ_FLAGS = -O1 -g -fno-omit-frame-pointer $(SAN)

fuzz:
	@if echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)' \
	    '{ return 0; }' | $(FUZZ_CC) -x c -fsanitize=fuzzer \
	    -o /dev/null - >/dev/null 2>&1; then \
		$(MAKE) fuzz-build && \
		sh tests/fuzz/run.sh $(FB) $(FUZZ_SECONDS) $(FUZZ); \
	else \
		for n in $(FUZZ); do \
			echo "skip: fuzz_$$n: no libFuzzer in $(FUZZ_CC)"; \
		done; \
	fi

fuzz-build: $(FB)/corpus/.made
	$(MAKE) B=$(FB) CC=$(FUZZ_CC) \
		CFLAGS="$(FUZZ_FLAGS) -fsanitize=fuzzer-no-link" \
		LDFLAGS="$(SAN) -fsanitize=fuzzer" fuzz-bins

fuzz-bins: $(FUZZERS:%=$(B)/fuzz_%)

$(B)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(B)/libipwhois.a
	$(CC) $(CFLAGS) $(LDFLAGS) -Isrc -o $@ $< $(B)/libipwhois.a $(LDLIBS)

$(FB)/corpus/.made: tests/fuzz/seeds.sh $(wildcard tests/data/* tests/data/*/*)
	sh tests/fuzz/seeds.sh tests/data $(FB)/corpus
	touch $@

lint: $(BIN)
	mandoc -Tlint -W warning man/ipwhois.1

# The IP database for offline answers, from the ip-location-db packages
# (npm pack); into ${XDG_DATA_HOME:-~/.local/share}/ipwhois/ip.db.  Where
# they cannot be fetched (no npm, no way to its registry), make-data says
# so and what it means (exit 75), and the build goes on without them: the
# Quick start's run then reports without the asn, as_name and country.
data: $(BIN)
	@IPWHOIS=./$(BIN) sh scripts/make-data; st=$$?; \
	[ $$st -eq 75 ] || exit $$st

bench: $(BIN) $(TOOLS) $(B)/dbbench
	IPWHOIS=./$(BIN) GENLOG=$(B)/genlog TESTSERVER=$(B)/testserver \
		DBBENCH=$(B)/dbbench \
		sh tests/bench.sh

# The IP database `make data` built, when there is one, goes where every
# user (root's cron jobs too) finds it: $(DATADIR)/ipwhois/ip.db.
DATADIR	?= $(PREFIX)/share
IPDB	?= $${XDG_DATA_HOME:-$$HOME/.local/share}/ipwhois/ip.db

# The README carries the data's credits (The IP database).  IPDB= installs
# no database whatever the builder has (the Debian package).
install: $(BIN) $(COMPLETIONS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(DOCDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/ipwhois
	install -m 0644 man/ipwhois.1 $(DESTDIR)$(MANDIR)/man1/ipwhois.1
	install -m 0644 $(B)/ipwhois.bash $(DESTDIR)$(BASHCOMPDIR)/ipwhois
	install -m 0644 $(B)/_ipwhois $(DESTDIR)$(ZSHCOMPDIR)/_ipwhois
	install -m 0644 README COPYING $(DESTDIR)$(DOCDIR)
	@if [ -z "$(IPDB)" ]; then :; elif [ -f "$(IPDB)" ]; then \
		echo install -m 0644 "$(IPDB)" $(DESTDIR)$(DATADIR)/ipwhois/ip.db; \
		install -d $(DESTDIR)$(DATADIR)/ipwhois && \
		install -m 0644 "$(IPDB)" $(DESTDIR)$(DATADIR)/ipwhois/ip.db; \
	else \
		echo "no IP database at $(IPDB) ('make data' builds it): not installed"; \
	fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/ipwhois $(DESTDIR)$(MANDIR)/man1/ipwhois.1 \
		$(DESTDIR)$(DATADIR)/ipwhois/ip.db \
		$(DESTDIR)$(BASHCOMPDIR)/ipwhois $(DESTDIR)$(ZSHCOMPDIR)/_ipwhois \
		$(DESTDIR)$(DOCDIR)/README $(DESTDIR)$(DOCDIR)/COPYING

clean:
	rm -rf build $(BIN)
