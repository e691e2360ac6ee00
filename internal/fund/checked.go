package fund

import (
	"github.com/sohoi/sohoi/internal/errs"
)

// add is a + b, or an error when the sum does not fit an int64: no ledger
// of real money comes near 9.2 × 10^18 VND, so an overflow is a bug or an
// attack, never a figure to print.
func add(a, b int64) (int64, error) {
	c := a + b
	if (c > a) != (b > 0) {
		return 0, errs.E(errs.Validation, "the amounts overflow: %d + %d", a, b)
	}
	return c, nil
}

// AddVND is the checked sum of two amounts, for the packages that total
// amounts paid from the fund (scholarships).
func AddVND(a, b int64) (int64, error) { return add(a, b) }

func sub(a, b int64) (int64, error) {
	if b == -b && b != 0 { // math.MinInt64 has no negation
		return 0, errs.E(errs.Validation, "the amounts overflow: %d − %d", a, b)
	}
	return add(a, -b)
}
