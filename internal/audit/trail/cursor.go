package trail

import (
	"strconv"

	"github.com/sohoi/sohoi/internal/errs"
)

// A cursor is the last entry's sequence number (page.Parse checks it is
// one: Seq below).
func formatSeq(n int64) string { return strconv.FormatInt(n, 10) }

func parseSeq(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, (errs.Fields{{Field: "cursor", Message: "is not a cursor of this list"}}).Err()
	}
	return n, nil
}

// Seq is the page.Key of this list's cursors.
func Seq(key string) bool { _, err := parseSeq(key); return err == nil }
