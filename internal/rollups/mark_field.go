package rollups

import "strings"

// How a store keeps a mark's day: in one field for both kinds, so that the
// marks of a day and the onward marks covering it are two ranges of one
// index. An onward mark's field is onwardPrefix and its From: "~" sorts
// after every day. Both stores keep it so; the rule is here once.
const onwardPrefix = "~"

// DayField is the stored day field of m: its day, or "~" and From.
func (m Mark) DayField() string {
	if m.Onward {
		return onwardPrefix + m.From
	}
	return m.Day
}

// SetDayField sets Day, or Onward and From, from a stored day field.
func (m *Mark) SetDayField(field string) {
	if from, ok := strings.CutPrefix(field, onwardPrefix); ok {
		m.Onward, m.From, m.Day = true, from, ""
		return
	}
	m.Onward, m.From, m.Day = false, "", field
}

// OnwardFields is the range [lo, hi] of the day fields of the onward marks
// that cover day ("": the live tally, which every onward mark covers).
func OnwardFields(day string) (lo, hi string) {
	if day == "" {
		return onwardPrefix, onwardPrefix + "\uffff"
	}
	return onwardPrefix, onwardPrefix + day
}
