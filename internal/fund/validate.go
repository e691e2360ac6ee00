package fund

import (
	"fmt"
	"slices"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/vntext"
)

// MaxAmount is the largest single entry: a thousand billion đồng, far
// beyond any real contribution, so that a typo of extra zeros is caught
// and a ledger's sums stay far from overflow.
const MaxAmount int64 = 1_000_000_000_000_000

// Validate checks e before it is added to its unit's ledger (every entry
// of e's unit: what the store's EntriesAt returns). It refuses
// (errs.Validation, with fields) a missing or non-positive amount, an
// unknown direction, a missing date, party or receipt, a receipt number
// already used in the unit that year for the same direction (receipts and
// payment vouchers are numbered in separate series), and a reversal that
// does not cancel exactly one entry of the ledger; errs.Conflict when the
// entry reversed is already reversed. A payment may not leave the fund
// below zero on its day or any later one. It stores e's text fields cleaned
// (vntext.Clean).
func Validate(e *Entry, ledger []*Entry) error {
	var f errs.Fields
	if e.Direction != In && e.Direction != Out {
		f.Add("direction", "must be in or out")
	}
	switch {
	case e.Amount <= 0:
		f.Add("amount", "must be a positive whole number of đồng")
	case e.Amount > MaxAmount:
		f.Add("amount", "must be at most %d đồng", MaxAmount)
	}
	if e.Date.IsZero() {
		f.Add("date", "is required")
	}
	if e.UnitID == "" || e.Path.Unit() != e.UnitID {
		f.Add("unitId", "is required and must be the unit its path leads to")
	}
	e.Party, e.Receipt, e.Note = vntext.Clean(e.Party), vntext.Clean(e.Receipt), vntext.Clean(e.Note)
	for field, s := range map[string]string{"party": e.Party, "receipt": e.Receipt, "note": e.Note} {
		vntext.Check(f.Add, field, s)
		if len([]rune(s)) > 500 {
			f.Add(field, "must be at most 500 characters")
		}
	}
	if e.Reverses == "" {
		if e.Party == "" {
			f.Add("party", "is required: from whom it came or to what it went")
		}
		if e.Receipt == "" {
			f.Add("receipt", "is required: the number of the receipt or payment voucher")
		}
	}
	var reversed *Entry
	for _, o := range ledger {
		if o.ID == e.ID {
			return errs.E(errs.Conflict, "entry %s exists", e.ID)
		}
		if e.Receipt != "" && o.Receipt == e.Receipt && o.Direction == e.Direction && o.Date.Year == e.Date.Year && o.UnitID == e.UnitID {
			f.Add("receipt", "%s is already used by entry %s in %d", e.Receipt, o.ID, e.Date.Year)
		}
		if e.Reverses != "" && o.ID == e.Reverses {
			reversed = o
		}
	}
	if e.Reverses != "" {
		switch {
		case reversed == nil:
			f.Add("reverses", "is not an entry of this unit's ledger")
		case reversed.Reverses != "":
			f.Add("reverses", "%s is itself a reversal: enter the entry again instead", reversed.ID)
		default:
			if e.Amount != reversed.Amount {
				f.Add("amount", "a reversal cancels exactly the %d đồng of %s", reversed.Amount, reversed.ID)
			}
			if e.Direction != reversed.Direction {
				f.Add("direction", "a reversal has the direction of %s (%s)", reversed.ID, reversed.Direction)
			}
			if e.Date.Before(reversed.Date) {
				f.Add("date", "a reversal is dated on or after %s (%s)", reversed.ID, reversed.Date)
			}
		}
		if e.Note == "" {
			f.Add("note", "is required on a reversal: say what it corrects")
		}
	}
	if err := f.Err(); err != nil {
		return err
	}
	if reversed != nil {
		for _, o := range ledger {
			if o.Reverses == reversed.ID {
				return errs.E(errs.Conflict, "entry %s is already reversed by %s", reversed.ID, o.ID)
			}
		}
	}
	// The ledger with e must still add up.
	with := append(ledger[:len(ledger):len(ledger)], e)
	c, err := UnitOn(with, dayZero)
	if err == nil {
		_, err = c.Balance(dayZero)
	}
	if err != nil {
		return errs.Fields{{Field: "amount", Message: "the ledger's totals would overflow"}}.Err()
	}
	if e.Direction == Out && e.Reverses == "" {
		if day, short := overdrawn(c, e.Date); short > 0 {
			return errs.Fields{{Field: "amount", Message: fmt.Sprintf("the fund would hold %d đồng too little on %s: a payment is made from what came in before it (enter an opening balance as a contribution)", short, day)}}.Err()
		}
	}
	return nil
}

// overdrawn is the first day from from on whose end the balance of c is
// below zero, and by how much; short is 0 when there is none. A payment
// is checked on its own day and every later one, so that a back-dated
// payment cannot overdraw a day already reported. Corrections (reversals)
// are not checked: a reversed contribution that leaves the fund short is
// the truth, to be answered by a correction of the payments.
func overdrawn(c Contribution, from civil.Date) (civil.Date, int64) {
	balance, err := c.Balance(from.AddDays(-1))
	if err != nil {
		return civil.Date{}, 0 // Validate refused an overflow before
	}
	days := make([]string, 0, len(c.In)+len(c.Out))
	for _, m := range []map[string]int64{c.In, c.Out} {
		for d := range m {
			if d >= from.String() {
				days = append(days, d)
			}
		}
	}
	slices.Sort(days)
	for _, d := range slices.Compact(days) {
		// In range: every total of the ledger was checked above.
		balance += c.In[d] - c.Out[d]
		if balance < 0 {
			return civil.MustParse(d), -balance
		}
	}
	return civil.Date{}, 0
}
