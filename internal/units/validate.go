package units

import (
	"unicode/utf8"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/vntext"
)

const (
	maxNameLen = 200
	maxCodeLen = 32
)

// CleanName stores text as Unicode NFC with single inner spaces: input comes
// both composed and decomposed (Excel on different systems).
func CleanName(s string) string { return vntext.Clean(s) }

func checkName(f *errs.Fields, name string) {
	switch {
	case name == "":
		f.Add("name", "is required")
	case utf8.RuneCountInString(name) > maxNameLen:
		f.Add("name", "must be at most %d characters", maxNameLen)
	}
}

// checkCode accepts official statistics codes (digits) and local codes made
// of letters, digits, '.', '_' and '-'.
func checkCode(f *errs.Fields, code string) {
	if code == "" {
		f.Add("code", "is required")
		return
	}
	if len(code) > maxCodeLen {
		f.Add("code", "must be at most %d characters", maxCodeLen)
		return
	}
	for _, r := range code {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '.' || r == '_' || r == '-') {
			f.Add("code", "may hold only letters A-Z, digits, '.', '_' and '-'")
			return
		}
	}
}
