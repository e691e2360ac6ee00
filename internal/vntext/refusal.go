package vntext

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Refusal says why s may not be stored as a line of text, or "" when it
// may. It is the one check every name and free-text field goes through:
// control characters (NUL, BEL, line breaks, tabs: no field is multi-line),
// bidirectional overrides and isolates (U+202E makes "gpj.exe" display as
// "exe.jpg"), and invisible characters (zero-width spaces and joiners, the
// BOM, soft hyphens) that make two names look alike and defeat search and
// the duplicate checks. Combining marks stay: decomposed Vietnamese is
// normal input and is stored NFC.
func Refusal(s string) string {
	if !utf8.ValidString(s) {
		return "must be valid UTF-8"
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Cc, r):
			return fmt.Sprintf("must not contain control characters such as line breaks, tabs or NUL (found U+%04X)", r)
		case isBidiControl(r):
			return fmt.Sprintf("must not contain bidirectional controls, which reorder how text is shown (found U+%04X)", r)
		case unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp, unicode.Co, unicode.Cs) || r == utf8.RuneError:
			return fmt.Sprintf("must not contain invisible or format characters such as zero-width spaces or a byte order mark (found U+%04X)", r)
		}
	}
	return ""
}

// isBidiControl: the marks, embeddings, overrides and isolates of the
// Unicode bidirectional algorithm.
func isBidiControl(r rune) bool {
	return r == 0x061C || r == 0x200E || r == 0x200F || r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069
}

// Check records Refusal(s) against field through add (an errs.Fields.Add),
// so that every domain package refuses text the same way.
func Check(add func(field, format string, args ...any), field, s string) {
	if why := Refusal(s); why != "" {
		add(field, "%s", why)
	}
}
