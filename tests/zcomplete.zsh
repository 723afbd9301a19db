# zsh -f tests/zcomplete.zsh DIR LINE...: what zsh's completion offers at
# the end of each command line, with the _ipwhois in DIR (and DIR's files
# to complete file names from): one line each, the matches sorted and
# joined by a space.  check_complete runs it.  An interactive zsh on a
# pseudo-terminal completes each line as a TAB would (a widget bound to
# ^T); compadd is wrapped to write down what it is given.
zmodload zsh/zpty || exit 3
dir=$1
shift
out=$dir/matches
export LC_ALL=C
cd $dir || exit 3
: >$out
zpty z zsh -f -i || exit 3
zpty -w z "unsetopt autolist beep; fpath=($dir \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z "compadd() { builtin compadd -O __m \"\$@\"; print -lr -- \$__m >>$out; builtin compadd \"\$@\"; }"
zpty -w z "comptest() { zle complete-word; print -r -- '<CASE>' >>$out; zle kill-whole-line; print -n '<E''ND>'; }"
zpty -w z 'zle -N comptest; bindkey "^T" comptest'
# Each line's end is the widget's <END>: what is read is gathered, as a
# read may end in the middle of it.
got=
for l in "$@"; do
	zpty -w -n z "$l"$'\x14'
	until [[ $got == *'<END>'* ]]; do
		if zpty -r -t z line 2>/dev/null; then
			got+=$line
		else
			sleep 0.02
		fi
	done
	got=${got#*'<END>'}
done
zpty -d z
m=()
while IFS= read -r w; do
	if [[ $w == '<CASE>' ]]; then
		print -r -- ${(j: :)${(ou)m}}
		m=()
	elif [[ -n $w ]]; then
		m+=("$w")
	fi
done <$out
