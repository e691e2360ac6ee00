package httpapi

import "github.com/sohoi/sohoi/internal/errs"

// sameNotFound gives every not_found about one kind of object the same
// detail ("unit not found"), whether the object does not exist, has a
// malformed id, or lies outside the caller's scope: a detail that differs
// (a store's "unit 06h… not found", the domain's wording) would tell a
// caller which objects exist in other subtrees. Other errors pass through.
func sameNotFound(err error, kind string) error {
	if errs.Is(err, errs.NotFound) {
		return errs.E(errs.NotFound, "%s not found", kind)
	}
	return err
}
