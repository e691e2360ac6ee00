package members

import (
	"strconv"
	"strings"

	"github.com/sohoi/sohoi/internal/vntext"
)

// NameKey is the key stores file a member under for an exact-name lookup:
// the name folded (case, diacritics and spacing ignored, the words in
// their order) and the birth year (0 when the birth date is unknown).
// An import matches a row by name and birth date, or loosely by name and
// birth year, anywhere below its unit: with the year in the key that is
// one indexed read returning the few namesakes born that year, where a
// search by the name's words returns every member sharing them (thousands
// in a commune for "Nguyễn Thị Hoa"). "" for an empty name.
func NameKey(fullName string, birthYear int) string {
	words := strings.Fields(vntext.Fold(fullName))
	if len(words) == 0 {
		return ""
	}
	return strings.Join(words, " ") + "|" + strconv.Itoa(birthYear)
}

// NameKey is m's key (NameKey of its name and birth year).
func (m *Member) NameKey() string { return NameKey(m.FullName, m.BirthDate.Year) }

// NameKeysOf are the keys under which a member matching a row of this
// name and birth year may be filed: that year's, and the unknown year's
// (a member whose birth date nobody knows matches any year).
func NameKeysOf(fullName string, birthYear int) []string {
	k := NameKey(fullName, birthYear)
	if k == "" {
		return nil
	}
	if birthYear == 0 {
		return []string{k}
	}
	return []string{k, NameKey(fullName, 0)}
}
