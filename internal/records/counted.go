package records

import "github.com/sohoi/sohoi/internal/counting"

// The counted facts each write touches (internal/learning/doc.go,
// "Counting"): a recognition only when it becomes recognised, on the
// decision day; a fund entry or a reversal on its date; an award on its
// date. Proposing, assessing, attaching evidence and refusing touch none.
// Each write goes through counting.Around with its path and that day, so
// the live tally and every kept day from it on are recounted behind it.
var (
	recognitionFacts = counting.Recognitions
	fundFacts        = counting.Fund
	awardFacts       = counting.Awards
)
