# The Debian package and make install: what they install, and that the
# installed binary and completions work from there.  Sourced by
# tests/integration.sh, whose helpers (ok, fail, check, skip, same,
# report_is, errline) and variables ($W, $DATA, $EXP, $T, $IPWHOIS) these
# use.
#
# t_debian builds the package once (dpkg-buildpackage -b, about a minute
# on two cores) in a copy of the tree, so that nothing is written in the
# checkout or beside it, then runs lintian, unpacks the .deb with dpkg -x
# and runs the binary from there.  It needs dpkg-buildpackage and
# debhelper, and skips without them.  The package's own test step
# (make unit) is left out (DEB_BUILD_OPTIONS=nocheck): this suite runs the
# unit tests already.  IPWHOIS_NO_PACKAGE_TEST=1 skips both tests; make
# sanitize sets it, as they would only build everything again.

PKG_T=900			# seconds the package build may take

# The files (not directories) the package holds, sorted.
PKG_FILES="./usr/bin/ipwhois
./usr/share/bash-completion/completions/ipwhois
./usr/share/doc/ipwhois/README.gz
./usr/share/doc/ipwhois/changelog.gz
./usr/share/doc/ipwhois/copyright
./usr/share/man/man1/ipwhois.1.gz
./usr/share/zsh/vendor-completions/_ipwhois"

# tree_copy DIR: the tree's files into DIR: those git knows (and new ones
# it does not ignore) in a checkout, else all but what the build made.
tree_copy() {
	mkdir -p "$1"
	if git rev-parse --show-toplevel >/dev/null 2>&1; then
		git ls-files -z -co --exclude-standard | tar --null -T - -cf -
	else
		tar --exclude=./build --exclude=./ipwhois -cf - .
	fi | tar -xf - -C "$1"
}

# bash_offers SCRIPT WORD...: what the bash completion in SCRIPT offers
# for the command line WORD... (the last one being completed), on one line.
bash_offers() {
	script=$1
	shift
	bash --norc --noprofile -c 'source "$1" || exit 3; shift
	    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _ipwhois
	    echo "${COMPREPLY[*]}"' bash "$script" "$@"
}

# The License: paragraph of debian/copyright, unindented, as COPYING has
# it from "Redistribution" on.
copyright_license() {
	awk '/^License: BSD-2-Clause$/ && ++n == 2 { on = 1; next }
	    on && /^[^ ]/ { on = 0 }
	    on { sub(/^ /, ""); sub(/^\.$/, ""); print }' "$1"
}

t_debian() {
	if [ -n "${IPWHOIS_NO_PACKAGE_TEST:-}" ]; then
		skip "debian (IPWHOIS_NO_PACKAGE_TEST is set)"
		return
	fi
	for tool in dpkg-buildpackage dpkg-deb dh fakeroot; do
		if ! command -v $tool >/dev/null 2>&1; then
			skip "debian ($tool not installed: scripts/install-deps installs it)"
			return
		fi
	done
	ver=$(dpkg-parsechangelog -l debian/changelog -S Version)
	P=$W/pkg
	src=$P/ipwhois-$ver
	before=$(ls -a .. | grep '^ipwhois[_-]')
	tree=$(git status --porcelain 2>/dev/null)
	tree_copy "$src"
	# Nothing of this run's make or environment reaches the build.
	(cd "$src" && exec env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u B \
	    -u BIN -u CFLAGS -u CPPFLAGS -u LDFLAGS -u IPWHOIS_REALDATA \
	    DEB_BUILD_OPTIONS=nocheck timeout $PKG_T \
	    dpkg-buildpackage -us -uc -b) >"$W/pkg.log" 2>&1
	st=$?
	deb=$P/ipwhois_${ver}_$(dpkg --print-architecture).deb
	[ "$st" = 0 ] && [ -f "$deb" ]
	check $? "debian: dpkg-buildpackage -us -uc -b" \
	    "status $st, no $deb; the end of its log: $(tail -n 15 "$W/pkg.log" | tr '\n' '|')"
	[ -f "$deb" ] || return
	[ "$(ls -a .. | grep '^ipwhois[_-]')" = "$before" ] &&
	    [ "$(git status --porcelain 2>/dev/null)" = "$tree" ]
	check $? "debian: nothing written in the checkout or beside it" \
	    "$(ls -a .. | grep '^ipwhois[_-]' | tr '\n' ' '); $(git status --porcelain 2>/dev/null | tr '\n' ' ')"

	if command -v lintian >/dev/null 2>&1; then
		lintian --fail-on error "$P"/ipwhois_*.changes >"$W/lintian" 2>&1
		st=$?
		[ "$st" = 0 ] && ! grep -q '^E: ' "$W/lintian"
		check $? "debian: lintian finds no error" \
		    "status $st: $(grep '^[EW]: ' "$W/lintian" | head -n 5 | tr '\n' '|')"
	else
		skip "debian: lintian (not installed)"
	fi

	dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $6 }' | sort >"$W/pkg.files"
	echo "$PKG_FILES" >"$W/pkg.want"
	same "debian: the files of the package" "$W/pkg.want" "$W/pkg.files"
	dpkg-deb -c "$deb" | awk '{ print $6 }' | grep -qx './var/lib/ipwhois/'
	check $? "debian: /var/lib/ipwhois, the system's IP database's place" \
	    "not in the package"
	[ "$(dpkg-deb -f "$deb" Recommends)" = libarchive13 ] &&
	    dpkg-deb -f "$deb" Depends | grep -q '^libcurl4, libc6 (>= [0-9.]*), .*libpcre2-8-0'
	check $? "debian: dependencies: libcurl4 by hand, libarchive13 recommended, the linked ones from shlibdeps" \
	    "Depends: $(dpkg-deb -f "$deb" Depends); Recommends: $(dpkg-deb -f "$deb" Recommends)"

	R=$W/pkgroot
	dpkg -x "$deb" "$R"
	bin=$R/usr/bin/ipwhois
	timeout $T "$bin" --version >"$W/out" 2>"$W/err"
	st=$?
	[ "$st" = 0 ] && [ "$(cat "$W/out")" = "ipwhois $ver" ] && [ ! -s "$W/err" ]
	check $? "debian: --version is the changelog's ($ver)" \
	    "status $st: $(head -c 200 "$W/out") $(errline)"
	timeout $T "$IPWHOIS" --help >"$W/help.want" 2>&1
	timeout $T "$bin" --help >"$W/out" 2>"$W/err"
	st=$?
	[ "$st" = 0 ] && [ ! -s "$W/err" ]
	check $? "debian: --help exits 0" "status $st: $(errline)"
	same "debian: --help is the tree's" "$W/help.want" "$W/out"
	timeout $T "$bin" --offline "$DATA/sample.log" >"$W/out" 2>"$W/err"
	st=$?
	report_is "debian: --offline sample.log" "$EXP/sample.csv" quiet

	[ "$(bash_offers "$R/usr/share/bash-completion/completions/ipwhois" \
	    ipwhois -f co)" = "combined common" ]
	check $? "debian: the bash completion offers -f's formats" \
	    "$(bash_offers "$R/usr/share/bash-completion/completions/ipwhois" ipwhois -f co 2>&1)"
	if command -v zsh >/dev/null 2>&1; then
		zsh -n "$R/usr/share/zsh/vendor-completions/_ipwhois"
		check $? "debian: zsh parses its completion" "zsh -n failed"
	else
		skip "debian: zsh completion (zsh not installed)"
	fi
	head -n 1 "$R/usr/share/doc/ipwhois/copyright" | grep -qx \
	    'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/'
	check $? "debian: copyright is machine-readable (DEP-5)" \
	    "first line: $(head -n 1 "$R/usr/share/doc/ipwhois/copyright")"
	copyright_license "$R/usr/share/doc/ipwhois/copyright" >"$W/license.got"
	sed -n '/^Redistribution/,$p' COPYING >"$W/license.want"
	same "debian: copyright's license is COPYING's" "$W/license.want" \
	    "$W/license.got"
	zcat "$R/usr/share/doc/ipwhois/README.gz" | grep -q 'CC BY 4.0 by RouteViews'
	check $? "debian: the data credits (README) are installed" \
	    "README.gz has no credits"
}

# make install into a DESTDIR: the binary, the manual, the completions
# and the documents, where bash-completion and zsh look; no IP database
# with IPDB= (what the package does).
t_install() {
	if [ -n "${IPWHOIS_NO_PACKAGE_TEST:-}" ]; then
		skip "install (IPWHOIS_NO_PACKAGE_TEST is set)"
		return
	fi
	D=$W/destdir
	make -s install DESTDIR="$D" PREFIX=/opt/ipw IPDB= >"$W/out" 2>"$W/err"
	st=$?
	(cd "$D" && find . -type f | sort) >"$W/inst.files"
	printf '%s\n' ./opt/ipw/bin/ipwhois \
	    ./opt/ipw/share/bash-completion/completions/ipwhois \
	    ./opt/ipw/share/doc/ipwhois/COPYING \
	    ./opt/ipw/share/doc/ipwhois/README \
	    ./opt/ipw/share/man/man1/ipwhois.1 \
	    ./opt/ipw/share/zsh/vendor-completions/_ipwhois >"$W/inst.want"
	[ "$st" = 0 ] && [ ! -s "$W/err" ]
	check $? "install: make install exits 0, quietly" "status $st: $(errline)"
	same "install: the files make install writes" "$W/inst.want" \
	    "$W/inst.files"
	[ "$(bash_offers "$D/opt/ipw/share/bash-completion/completions/ipwhois" \
	    ipwhois --by a)" = "asn abuse" ]
	check $? "install: the bash completion offers --by's keys" \
	    "$(bash_offers "$D/opt/ipw/share/bash-completion/completions/ipwhois" ipwhois --by a 2>&1)"
	make -s uninstall DESTDIR="$D" PREFIX=/opt/ipw >/dev/null 2>&1
	[ -z "$(cd "$D" && find . -type f)" ]
	check $? "install: make uninstall removes them" \
	    "left: $(cd "$D" && find . -type f | tr '\n' ' ')"
}

TESTS="$TESTS debian install"
