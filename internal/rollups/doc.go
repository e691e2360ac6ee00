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
//     report.go (period reports).
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
//     it marks the live tally and every kept day from the day it took
//     effect, of the units whose facts it changes, in one call
//     (Store.MarkStale: one round trip). So a crash after the change is
//     stored leaves a mark naming every tally that may have missed it.
//  4. Marks are per change (Mark.Change). A change marks again after it
//     is stored (Mark.Stored), and only a stored mark may be cleared: by
//     a recount that read it before it began (a read, the settler working
//     for any change, reconcile), at the generation it read
//     (Store.ClearMark). A mark made before the store is recounted for by
//     every recount that finds it and cleared by none, so a recount that
//     read the facts before the change was stored, or a crash between the
//     store and the second marking, can never leave the change unmarked.
//     A mark left by such a crash costs a recount of its path on each read
//     until reconcile clears it (a known cost, not an error; reconcile
//     clears every mark it saw before it began).
//  5. Settling recounts every unit on the marked paths, children before
//     parents and each once, then clears the stored marks (the settler
//     collects the marks of a short window, settleWindow, first). A read of a
//     unit first settles the marks below it (tallyOf), so what it answers
//     includes every change whose marks it found.
//  6. Nothing needs a multi-document transaction: each step is one
//     single-document (or one idempotent multi-row) write that is safe to
//     run again, and the marks carry what is left to do.
//
// reconcile.go recounts a subtree from facts and reports the drift, which
// these invariants keep at zero.
package rollups
