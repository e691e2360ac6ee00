package access

import "github.com/sohoi/sohoi/internal/errs"

// IsUsername reports whether s is a valid (normalised) username: the cursor
// of user lists is the last username, so a cursor that is not one was never
// issued.
func IsUsername(s string) bool {
	var f errs.Fields
	checkUsername(&f, s)
	return len(f) == 0
}
