// Package scholarships is the awards a unit makes to students (học bổng,
// phần thưởng), pure: no store, no HTTP. A student need not be a member;
// an award is money or in kind, and an award of money names the fund
// entry that paid it (an out entry of the same unit, amount and day:
// CheckPayment), so that the fund and the awards reported can never
// disagree.
//
// # Files
//
//   - award.go: the award, the student, the closed set of school levels.
//   - validate.go: what an award must satisfy, and its payment.
//   - contribution.go: what a unit's own awards add to its tally.
//   - store.go: what a store must do for the adapters that follow.
package scholarships
