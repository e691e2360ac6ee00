package fund

import (
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// Direction is whether money came into the fund or went out of it.
type Direction string

const (
	In  Direction = "in"  // a contribution (phiếu thu)
	Out Direction = "out" // a payment: a scholarship, a prize (phiếu chi)
)

// Entry is one line of a unit's ledger.
type Entry struct {
	ID     string        `json:"id"`
	UnitID string        `json:"unitId"`
	Path   unitpath.Path `json:"path"`
	Date   civil.Date    `json:"date"`
	// Amount is in VND, positive: the direction says which way it went.
	Amount    int64     `json:"amount"`
	Direction Direction `json:"direction"`
	// Party is from whom (in) or to what (out) — "Công ty TNHH Minh Phát",
	// "Học bổng học sinh nghèo vượt khó năm học 2022-2023".
	Party string `json:"party"`
	// Receipt is the voucher number (số phiếu thu / phiếu chi), unique in
	// its unit, year and direction; optional on a reversal, which names
	// the entry it reverses.
	Receipt string `json:"receipt,omitempty"`
	// Reverses is the id of the entry this one cancels: same unit, same
	// direction, exactly its amount, dated on or after it.
	Reverses string `json:"reverses,omitempty"`
	Note     string `json:"note,omitempty"`
	// RecordedBy is who entered it (the audit trail has when).
	RecordedBy string `json:"recordedBy,omitempty"`
}

// Effect is what e does to its direction's total: its amount, or minus
// it for a reversal (a reversed contribution lowers the contributions of
// the day it is reversed, so that "in" stays what came in).
func (e *Entry) Effect() int64 {
	if e.Reverses != "" {
		return -e.Amount
	}
	return e.Amount
}
