package fund

import "fmt"

// The keys the stores index an entry by, computed here once so that both
// adapters enforce the same rules and list in the same order.

// ReceiptKey is the key of the rule "a receipt number is used once in its
// unit, year and direction", or "" for an entry without one.
func ReceiptKey(e *Entry) string {
	if e.Receipt == "" {
		return ""
	}
	return fmt.Sprintf("%s|%d|%s|%s", e.UnitID, e.Date.Year, e.Direction, e.Receipt)
}

// ListKey orders a ledger by date then id; it is also the list's cursor.
func ListKey(e *Entry) string { return e.Date.String() + "|" + e.ID }
