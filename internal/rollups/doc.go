// Package rollups is what the provincial and district offices read: the
// members, growth, branches and officers of a unit's subtree, today or on
// any past date, and period reports that balance. Rollups never scan
// members: they read per-unit counters that every write keeps current.
//
// # Files
//
//   - tally.go, table.go: the pure arithmetic (a Tally, how it adds up the
//     tree, the figures derived from it for a day). No store, no clock.
//   - store.go: what the protocol needs from a database (Counter, Mark,
//     Store); internal/store/storetest checks it on both stores.
//   - The counting protocol: service.go (the Service, which days are
//     kept), mark.go (a change marks what it touches), settle.go (the
//     settler: recount what marks name, children first, then clear),
//     tallies.go (a unit's tally for a day: recounted over stored
//     children, or computed from facts), closing.go (keeping month ends),
//     reconcile.go (repair).
//   - The reports: rollup.go (a unit's figures and its children's),
//     pastdays.go (days not kept, computed bounded and shared),
//     report.go (period reports), restructured.go (what moves of units
//     brought into a subtree or took out of it over a period).
//
// A past day is counted in the tree as it was that day (issue 18.5): a
// unit's children on a past day are read through units.Tree.EachChildOn,
// which undoes the moves recorded since (units/history.go), so a month
// end kept before a reform and one counted after it both answer in the
// old tree, and a change dated before a move marks the moved unit's old
// path as well as its new one (mark.go).
//
// # The counting protocol
//
// A unit's tally for a day is its own facts (a branch's roll, any unit's
// posts) plus its children's tallies. The live tally (day "") is the
// tally as of today; month ends of the last ten years are kept as
// snapshots. These hold at every step, including after a crash between
// any two of them:
//
//  1. A tally is recomputed from facts, never incremented: a retried, a
//     repeated or a concurrent recount cannot count anything twice.
//  2. Tickets order recounts. A recount takes a ticket before it reads
//     the facts; a tally is stored only over one with an older ticket. The
//     stored tally therefore includes every change stored before its
//     ticket was taken.
//  3. A change marks before it is stored. The counted facts a change
//     touches (counting.Facts) decide whether it marks at all; if it does,
//     it marks each unit whose facts it changes once, with an onward mark
//     (Mark.Onward) naming the live tally and every kept day from the day
//     the change took effect, in one call (Store.MarkStale: one round
//     trip). Its marks do not grow with the years kept, and a day kept
//     later is covered too. So a crash after the change is stored leaves
//     a mark naming every tally that may have missed it.
//  4. Marks are per change (Mark.Change). A change marks again after it
//     is stored (Mark.Stored), and only a stored mark may be cleared: by
//     a recount that read it before it began (the settler working for any
//     change, its sweep, reconcile), at the generation it read
//     (Store.ClearMarks). A mark made before the store is recounted for by
//     every recount that finds it and cleared by none, so a recount that
//     read the facts before the change was stored, or a crash between the
//     store and the second marking, can never leave the change unmarked.
//     A mark left by such a crash is recounted for by every sweep (5) and
//     cleared by the first sweep that finds it orphanAfter after an
//     earlier one saw it: no write takes that long between its markings.
//  5. Settling recounts every unit on the marked paths, children before
//     parents and each once (a level of the tree at a time: the level's
//     tickets in one call, its tallies in one), then clears the stored
//     marks in one call. Only the settler (settle.go) settles: a write
//     recounts nothing before it answers (a read of a branch with a change
//     pending counts its roll instead, so the branch's own figures are
//     exact at once); the settler recounts today's tallies and the kept
//     days' after collecting the marks of a short window (settleWindow),
//     and sweeps every mark in the store at start and every sweepEvery
//     (marks left by a crash, a stop or a full queue). Without a settler
//     (SOHOI_COUNT_IN_BACKGROUND=false) each write settles its own marks
//     before it answers.
//  6. Reads never write and never wait for a writer: a rollup or a period
//     report answers the stored tallies as they are, and says pending when
//     a mark at or below the unit is not settled (the figures above a
//     branch lag a write by about settleWindow plus a recount). The one
//     exception is a kept month end asked for the first time: it is
//     counted and kept once, in the bounded past-day path (pastdays.go).
//     A past day counted from movements or facts is pending when the
//     tallies it rests on are.
//  7. Nothing needs a multi-document transaction: each step is one
//     single-document (or one idempotent multi-row) write that is safe to
//     run again, and the marks carry what is left to do.
//
// reconcile.go recounts a subtree from facts and reports the drift, which
// these invariants keep at zero.
package rollups
