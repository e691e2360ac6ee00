// Package learning is the domain of learning-model recognitions (mô hình
// học tập): learning families, clans, communities and units proposed,
// assessed on a set of criteria, and recognised or refused, year by year.
// It is pure: no store, no HTTP, no clock.
//
// # Files
//
//   - catalogue.go, catalogue/*.yaml: the kinds of model and their criteria
//     sets, as data (Default is the Vietnam Study Promotion Association's:
//     Programme 387 for families, clans and communities, Circular
//     22/2020/TT-BGDĐT for units; Load reads another association's).
//   - recognition.go: the record and its statuses.
//   - propose.go: a new proposal, and the renewal for the next year.
//   - transitions.go: assess, attach evidence, recognise, refuse; what
//     keeps a proposal from recognition (Missing).
//   - store.go: what a store must do for the adapters that follow.
//   - contribution.go: what a unit's own records add to its tally.
//
// # Counting: how recognitions, the fund and awards enter rollups.Tally
//
// Issue 20 asks for these figures "through the same counting machinery as
// members (no second mechanism)". This is the design the store and
// service work will follow; internal/rollups is not changed yet (others
// are merging work that touches it). Nothing below is a second mechanism:
// the figures are more fields of the one Tally, counted by the same
// recount from the same kind of facts, marked by the same writes through
// counting.Around, settled by the same settler, kept in the same month-end
// snapshots and checked by the same reconcile.
//
// New Tally fields. Each is a unit's own contribution plus its
// children's, keyed by day like the tally's PostsFrom, so that one stored
// tally (the live one) answers every past day by filtering on the day,
// and a tally grows with the days on which something happened, not with
// the records:
//
//	Learning  learning.Contribution      // "kind|year|YYYY-MM-DD" → models recognised (decision day)
//	Fund      fund.Contribution          // In, Out: "YYYY-MM-DD" → net VND that day
//	Awards    scholarships.Contribution  // Count: "level|YYYY-MM-DD" → awards; Amount: "YYYY-MM-DD" → VND
//	Overflow  bool                       // a checked VND sum overflowed while adding up
//
// Tally.Add adds them with their own Add methods (the VND sums checked:
// fund.AddVND; Add keeps its signature and sets Overflow, which a report
// turns into an errs.Internal instead of printing a wrapped number —
// unreachable with real money, since Validate caps entries and ledgers).
//
// What a unit's own facts are (tallies.go, ownTally, which already adds
// any unit's posts to a branch's roll): for every unit, not only
// branches, its recognised records (learning Store.RecognisedAt), its
// ledger (fund Store.EntriesAt) and its awards (scholarships
// Store.AwardsAt), each an indexed read by unit id, passed through the
// pure functions of this issue as of the day being counted:
//
//	t.Learning.Add(learning.UnitOn(recognised, d))
//	t.Fund.Add(fund.UnitOn(entries, d))
//	t.Awards.Add(scholarships.UnitOn(awards, d))
//
// These are the analogues of rollups.BranchOn: for a kept day d they
// count what was decided, entered or awarded on or before d; for the live
// tally, everything.
//
// What marks them. counting.Facts gains three facts — Recognitions, Fund,
// Awards (Facts becomes a uint16: the uint8 has room for two more, and
// Facts is never stored) — and the writes that touch them go through
// counting.Around with the record's path, exactly as a member's do:
//
//   - a recognition marks only when it becomes recognised, on the
//     decision day (proposing, assessing, attaching evidence and refusing
//     touch no counted fact and mark nothing);
//   - a fund entry marks on its date; a reversal on its own date (it
//     cancels the original from that day on: the original's days are not
//     rewritten, so figures reported before the correction stay
//     reproducible for the days they were reported);
//   - an award marks on its date.
//
// The mark is onward from that day (Mark.Onward), so the live tally and
// every kept month end from that day on are recounted behind the write,
// back-dated entries included. Moving a subtree (units.RewritePaths) is
// already marked by the units service and the records carry a Path that
// the same rewrite updates.
//
// As-of-day arithmetic, for a tally T of a unit's subtree (the live one,
// or any kept day on or after d):
//
//	models recognised for year Y by day d  = Σ T.Learning[kind|Y|day], day ≤ d
//	fund balance at the end of d           = Σ T.Fund.In[day ≤ d] − Σ T.Fund.Out[day ≤ d]
//	fund section from..to                  = T.Fund.Section(from, to): start = balance(from−1),
//	                                         in/out = Σ over from ≤ day ≤ to, end = balance(to),
//	                                         checked start + in − out = end
//	awards from..to                        = T.Awards.Between(from, to), by school level and VND
//
// A past day that is not kept needs no movements for these: the live
// tally answers it (as the posts' figures already read today's tally),
// and a kept month end answers it too when it is not before d. A rollup
// reports "pending" for them exactly when it does for members: a mark at
// or below the unit not settled.
//
// The period report (rollups.Period) gains, per row, the models recognised
// in the period and for the period's year by kind, the fund section
// (which must Check, like PeriodRow.Balanced) and the awards by level
// with their amount; the CSV/XLSX writers (internal/imports) get the
// association's headings for them ("Gia đình học tập", "Dòng họ học tập",
// "Quỹ khuyến học: tồn đầu kỳ, thu, chi, tồn cuối kỳ", "Học bổng: số suất,
// số tiền"). Reporters read these figures (ObjReport) and never the
// records, the students' names or the evidence (policies/).
package learning
