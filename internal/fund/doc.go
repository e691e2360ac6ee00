// Package fund is the study-promotion fund ledger (quỹ khuyến học) of every
// unit, pure: no store, no HTTP. A ledger is append-only: contributions in,
// payments out, and corrections as reversing entries that cancel an entry
// by id for exactly its amount — never an edit, never a deletion, so that
// every balance ever reported can be reproduced. Amounts are VND in int64
// (the đồng has no minor unit) and every sum is checked for overflow.
//
// # Files
//
//   - entry.go: an entry, its direction, its signed effect.
//   - validate.go: what a new entry must satisfy against its unit's ledger
//     (a payment never overdraws the fund, on its day or after).
//   - balance.go: a unit's and a subtree's balance as of any day, and the
//     period report section (start + in − out = end, checked).
//   - contribution.go: what a unit's own entries add to its tally.
//   - checked.go: overflow-checked sums.
//   - store.go: what a store must do for the adapters that follow.
package fund
