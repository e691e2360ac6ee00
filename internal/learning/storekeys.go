package learning

import (
	"fmt"

	"github.com/sohoi/sohoi/internal/vntext"
)

// The keys the stores index a recognition by, computed here once so that
// both adapters enforce the same rules and list in the same order.

// OnceKey is the key of the rule "one model is proposed once a year":
// kind, unit, folded name and year, or "" for a refused record, which
// leaves the name free for a new proposal.
func OnceKey(r *Recognition) string {
	if r.Status == Refused {
		return ""
	}
	return fmt.Sprintf("%s|%s|%s|%d", r.Kind, r.UnitID, vntext.Fold(r.Name), r.Year)
}

// ListKey orders a list: newest year first, then by id. It is also the
// list's cursor.
func ListKey(r *Recognition) string { return fmt.Sprintf("%04d|%s", 9999-r.Year, r.ID) }

// ActiveRenewal is the id r renews while r is not refused (""
// otherwise): a model is renewed once, unless that renewal was refused.
func ActiveRenewal(r *Recognition) string {
	if r.Status == Refused {
		return ""
	}
	return r.RenewalOf
}
