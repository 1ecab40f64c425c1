#!/usr/bin/perl
# Applies kernel edits (a mutant's or a patch's change to one function) to one build unit.
#   edit.pl <edits dir> <target> <kernel file> <unit>
# <edits dir> holds, per edit N: N.meta ("label<TAB>file<TAB>function", one line), N.find and N.replace
# (the exact text and what stands there instead). Every edit of <kernel file> whose function is defined
# in <unit> is applied there: the text must occur exactly once inside the function's definition (from the
# line that starts it to the first "}" in column 0), else one line naming the label, the target, the file
# and the function, and exit 4. Applied edits are listed in <edits dir>/applied ("N LINE": the edit's line in
# the kernel file).
# The unit is rewritten in place (it is a build copy under the work directory, never the unpacked tree).
use strict;
use warnings;

my ($dir, $target, $file, $unit) = @ARGV;
die "usage: edit.pl <edits dir> <target> <kernel file> <unit>\n" unless defined $unit;

sub slurp {
	my ($p) = @_;
	open(my $fh, '<', $p) or die "edit.pl: cannot read $p: $!\n";
	local $/;
	my $s = <$fh>;
	close $fh;
	return $s;
}

my $text = slurp($unit);
my $changed = 0;
opendir(my $dh, $dir) or die "edit.pl: cannot read $dir: $!\n";
my @metas = sort { ($a =~ /(\d+)/)[0] <=> ($b =~ /(\d+)/)[0] } grep { /^\d+\.meta$/ } readdir($dh);
closedir $dh;
for my $m (@metas) {
	my ($n) = $m =~ /^(\d+)/;
	my $meta = slurp("$dir/$m");
	chomp $meta;
	my ($label, $efile, $fn) = split /\t/, $meta;
	next unless $efile eq $file;
	# the definition: the name at the start of a line (or after its return type), "(", then "{" before any ";"
	my $start = -1;
	while ($text =~ /^(?:[A-Za-z_][^\n(;]*[\s*])?\Q$fn\E\([^;{]*\{/mg) {
		$start = $-[0];
		last;
	}
	next if $start < 0;
	my $end = index($text, "\n}", $start);
	$end = $end < 0 ? length($text) : $end + 2;   # the body ends with its closing brace
	my $body = substr($text, $start, $end - $start);
	my $find = slurp("$dir/$n.find");
	my $replace = slurp("$dir/$n.replace");
	my $count = () = $body =~ /\Q$find\E/g;
	if ($count != 1) {
		print STDERR "mutant $label: $target $file $fn: "
			. ($count == 0 ? "the text to replace is not in the function (did it change?)"
				: "the text to replace occurs $count times in the function (make it unique)") . "\n";
		exit 4;
	}
	my $at = $start + index($body, $find);
	# the kernel file's line of the edit: from the unit's last "#line N" before it (an extracted function), else
	# the unit's own line (a whole file)
	my $before = substr($text, 0, $at);
	my $line = ($before =~ tr/\n//) + 1;
	if ($before =~ /.*^#line (\d+)[^\n]*\n/ms) {
		my ($base, $rest) = ($1, substr($before, $+[0]));
		$line = $base + ($rest =~ tr/\n//);
	}
	substr($text, $at, length($find)) = $replace;
	$changed = 1;
	open(my $ah, '>>', "$dir/applied") or die "edit.pl: cannot write $dir/applied: $!\n";
	print $ah "$n $line\n";
	close $ah;
}
if ($changed) {
	open(my $oh, '>', "$unit.tmp") or die "edit.pl: cannot write $unit.tmp: $!\n";
	print $oh $text;
	close $oh;
	rename("$unit.tmp", $unit) or die "edit.pl: cannot rename $unit.tmp: $!\n";
}
exit 0;
