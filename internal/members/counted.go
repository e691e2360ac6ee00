package members

import "github.com/sohoi/sohoi/internal/counting"

// Touched is what a change recorded by ev changes in the counters: a
// transfer, a departure or a death move the member between tallies; a
// correction touches only the counted fields it changes (a birth date
// corrected within its year changes no age band, and a name, a phone, an
// address, a national ID or a member number count nowhere).
func Touched(ev *Event) counting.Facts {
	switch ev.Type {
	case Updated:
	case Transferred:
		return counting.Branch | counting.Dates
	case LeftEvent, Died:
		return counting.Status | counting.Dates
	default: // a new record, or a kind of change counting does not know: everything
		return counting.Member
	}
	var f counting.Facts
	for _, c := range ev.Changes {
		switch c.Field {
		case "gender":
			f |= counting.Gender
		case "birthDate":
			if yearOf(c.From) != yearOf(c.To) {
				f |= counting.BirthYear
			}
		case "joinedOn":
			f |= counting.Dates
		}
	}
	return f
}

// yearOf is the year of a date as the history records it ("2006-01-02",
// or empty when not recorded).
func yearOf(day string) string {
	if len(day) < 4 {
		return day
	}
	return day[:4]
}
