package units

import "github.com/sohoi/sohoi/internal/errs"

// IsCode reports whether s is a valid unit code: the cursor of child lists
// is the last code, so a cursor that is not a code was never issued.
func IsCode(s string) bool {
	var f errs.Fields
	checkCode(&f, s)
	return len(f) == 0
}
