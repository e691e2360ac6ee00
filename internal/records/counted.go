package records

import "github.com/sohoi/sohoi/internal/counting"

// The counted facts each write touches (internal/learning/doc.go,
// "Counting"): a recognition only when it becomes recognised, on the
// decision day; a fund entry or a reversal on its date; an award on its
// date. Proposing, assessing, attaching evidence and refusing touch none.
//
// counting.Facts has no Recognitions, Fund or Awards fact yet (the third
// step of issue 20, which adds them with the Tally fields): until then
// these are counting.None and nothing is marked, and every write already
// goes through counting.Around with its path and day, so that step
// changes only these three lines.
var (
	recognitionFacts = counting.None
	fundFacts        = counting.None
	awardFacts       = counting.None
)
